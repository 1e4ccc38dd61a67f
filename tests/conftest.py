"""Test fixtures: one migrated database per session, emptied after each test; factories; API clients.

The database is SQLite in a temp dir by default, or TEST_DATABASE_URL (PostgreSQL) when set. It is
built by running the Alembic migrations, so the tests always run against the migrated schema.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from config import TestConfig

_TMP = Path(tempfile.mkdtemp(prefix="linli-tests-"))
os.environ.setdefault("LINLI_INSTANCE_DIR", str(_TMP / "instance"))

from backend import create_app  # noqa: E402  (after LINLI_INSTANCE_DIR is set)
from backend.extensions import db, limiter  # noqa: E402

PASSWORD = "correct-horse-battery"
UNFILLED = re.compile(r"\{\w*\}")  # a message template's field that its raiser did not fill


class SuiteConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
    UPLOAD_DIR = str(_TMP / "uploads")
    INSTANCE_DIR = str(_TMP / "instance")


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    application = create_app(SuiteConfig)
    with application.app_context():
        upgrade(revision="heads")
    return application


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Each test starts empty: delete every row after the test (faster than re-migrating)."""
    yield
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                # The audit log's append-only triggers refuse DELETE: set them aside while emptying it.
                triggers = connection.execute(
                    text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'")
                ).all()
                for name, _sql in triggers:
                    connection.execute(text(f'DROP TRIGGER "{name}"'))
                for table in tables:
                    connection.execute(text(f'DELETE FROM "{table}"'))
                for _name, sql in triggers:
                    connection.execute(text(sql))
    limiter.reset()


@pytest.fixture
def ctx(app):
    """An application context for service-level tests (no HTTP)."""
    with app.app_context():
        yield
        db.session.rollback()


class ApiClient(FlaskClient):
    """A test client that behaves like the PWA: CSRF header on every unsafe request, JSON in and out."""

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if method not in {"GET", "HEAD", "OPTIONS"} and "X-CSRF-Token" not in headers and self.csrf_token:
            headers["X-CSRF-Token"] = self.csrf_token
        response = super().open(*args, headers=headers, **kwargs)
        if response.mimetype == "application/problem+json":  # every error of every test, read as a person would
            body = response.get_json()
            assert not UNFILLED.search(f"{body.get('title')} {body.get('detail')}"), body
        return response

    @property
    def csrf_token(self) -> str | None:
        if not getattr(self, "_csrf", None):
            self._csrf = "test-csrf-token"
            with self.session_transaction() as session:
                session["csrf_token"] = self._csrf
        return self._csrf

    def sign_in(self, user) -> ApiClient:
        """Sign in without the password round-trip (the auth tests cover that path)."""
        import time

        from backend.accounts.services import start_session
        from backend.core.db import commit

        with self.application.app_context():
            session_token = start_session(user)
            commit()
        token = self.csrf_token
        with self.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session["csrf_token"] = token
            session["sid"] = session_token
            session["seen"] = int(time.time())
        return self


@pytest.fixture
def client(app) -> ApiClient:
    return ApiClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def raw_client(app) -> FlaskClient:
    """A client with no CSRF help, as a forged cross-site request would be."""
    return FlaskClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client_for(app):
    """client_for(user) -> a signed-in ApiClient (None gives a visitor)."""

    def make(user=None) -> ApiClient:
        new_client = ApiClient(app, app.response_class, use_cookies=True)
        return new_client.sign_in(user) if user is not None else new_client

    return make


_sequence = itertools.count(1)


@pytest.fixture
def make_user(app):
    """make_user(display_name=..., email=..., phone=..., platform_admin=False) -> User (committed)."""
    from backend.accounts import services as accounts

    def make(
        display_name: str | None = None,
        *,
        email: str | None = None,
        phone: str | None = None,
        platform_admin: bool = False,
        password: str = PASSWORD,
        **profile,
    ):
        n = next(_sequence)
        with app.app_context():
            user = accounts.register(
                email=email or (None if phone else f"user{n}@example.test"),
                phone=phone,
                password=password,
                display_name=display_name or f"User {n}",
            )
            user.is_platform_admin = platform_admin
            for key, value in profile.items():
                setattr(user, key, value)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def make_community(app):
    """make_community(name=..., grids=2, settings=None) -> Community with `grid_ids` attached."""
    from backend.communities.models import Community, Grid

    def make(name: str | None = None, *, grids: int = 2, settings: dict | None = None):
        n = next(_sequence)
        with app.app_context():
            community = Community(name=name or f"Community {n}", description="", settings=settings or {})
            db.session.add(community)
            db.session.flush()
            for number in range(1, grids + 1):
                db.session.add(Grid(community_id=community.id, number=number, name=f"Grid {number}"))
            db.session.commit()
            community_id = community.id
            grid_ids = list(
                db.session.scalars(db.select(Grid.id).where(Grid.community_id == community_id).order_by(Grid.number))
            )
            db.session.expunge_all()
            community = db.session.get(Community, community_id)
            community.grid_ids = grid_ids
            db.session.expunge(community)
            return community

    return make


@pytest.fixture
def make_member(app, make_user):
    """make_member(community, role="resident", status="verified", grid=0, household=None) -> User.

    `grid` is an index into community.grid_ids (None for no grid); grid workers are made responsible
    for their grid. Each member gets their own household unless `household` (building, unit, room)
    is given.
    """
    from backend.communities.models import Grid, Household, Membership
    from backend.core.db import utcnow

    def make(
        community,
        role: str = "resident",
        status: str = "verified",
        *,
        grid: int | None = 0,
        household: tuple[str, str, str] | None = None,
        user=None,
        **user_kwargs,
    ):
        user = user or make_user(**user_kwargs)
        with app.app_context():
            building, unit, room = household or ("1", "1", str(1000 + user.id))
            found = db.session.scalar(
                db.select(Household).filter_by(community_id=community.id, building=building, unit=unit, room=room)
            )
            found = found or Household(community_id=community.id, building=building, unit=unit, room=room)
            grid_id = community.grid_ids[grid] if grid is not None else None
            verified_at = None if status == "pending" else utcnow()
            db.session.add(
                Membership(
                    user_id=user.id,
                    community_id=community.id,
                    role=role,
                    status=status,
                    household=found,
                    grid_id=grid_id,
                    verified_at=verified_at,
                )
            )
            if role == "grid_worker" and grid_id:
                db.session.get(Grid, grid_id).responsible_user_id = user.id
            db.session.commit()
        return user

    return make


class QueryCounter:
    """Counts the SQL statements the app runs (SQLAlchemy cursor events), per block."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, _conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")):
            self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        self.statements.clear()
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: client.get(...)`; then `q.count` and `q.statements`."""
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)
