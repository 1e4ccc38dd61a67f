"""The schema comes only from migrations, and the models agree with them."""


import os
import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from backend import create_app
from backend.extensions import db
from tests.conftest import SuiteConfig


@pytest.fixture
def empty_database_url(tmp_path):
    """A new, empty database of the kind the suite runs on (SQLite file or PostgreSQL database)."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"linli_migrate_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _fresh_app(url):
    class FreshConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(FreshConfig)


def test_upgrade_from_empty_database_to_head(empty_database_url):
    app = _fresh_app(empty_database_url)
    with app.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
    assert {"users", "communities", "grids", "memberships", "households", "invites"} <= tables
    assert "alembic_version" in tables
    with app.app_context():
        db.engine.dispose()


def test_models_match_migrations(empty_database_url):
    """Autogenerate finds nothing to do: every model change came with its migration."""
    app = _fresh_app(empty_database_url)
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == []
    with app.app_context():
        db.engine.dispose()


def test_sqlite_database_runs_in_wal_mode_with_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings")
        with db.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_form_one_line_of_history(app):
    """One head: a revision that forgot to follow the last one would make `flask db upgrade` refuse."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
