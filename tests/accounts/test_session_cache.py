"""The session cache (backend/accounts/session_cache.py): a worker remembers a checked session for a few
seconds, yet sign-out, a password change, an account's deletion and a suspension stop the session on the
very next request, on every worker.

Two apps made by create_app on the same database and instance folder (and, in the PostgreSQL pass, the
same Redis) stand for two gunicorn workers: each has its own memory, they share only what workers share.
The revoking request goes to one worker, the next request to the other, whose cache holds the session."""

from __future__ import annotations

import pytest

from backend import create_app
from backend.extensions import db
from tests.conftest import PASSWORD, ApiClient, SuiteConfig


def _worker_like(app, **settings):
    """Another app on the suite app's database and instance folder (importing tests.conftest again would
    make a scratch folder of its own)."""

    class Worker(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = app.instance_path
        UPLOAD_DIR = app.config["UPLOAD_DIR"]

    for key, value in settings.items():
        setattr(Worker, key, value)
    return create_app(Worker)


@pytest.fixture
def other_worker(app):
    return _worker_like(app)


def _same_session_on(worker, client: ApiClient) -> ApiClient:
    """A client of `worker` holding `client`'s cookie session (the same browser, another worker)."""
    with client.session_transaction() as session:
        values = dict(session)
    twin = ApiClient(worker, worker.response_class, use_cookies=True)
    with twin.session_transaction() as session:
        session.update(values)
    twin._csrf = values["csrf_token"]
    return twin


def _remembered(worker, client: ApiClient) -> bool:
    """Whether `worker`'s cache holds the session of `client`."""
    from backend.accounts.services import _token_hash

    with client.session_transaction() as session:
        token = session["sid"]
    cache = worker.extensions.get("linli_session_cache")
    return cache is not None and _token_hash(token) in cache.entries


def _warm(worker_client: ApiClient, worker, original: ApiClient) -> None:
    assert worker_client.get("/api/v1/me").status_code == 200
    assert _remembered(worker, original)
    assert worker_client.get("/api/v1/me").status_code == 200  # answered from memory


def test_sign_out_on_one_worker_stops_the_session_on_the_other_at_once(app, other_worker, client_for, make_user):
    first = client_for(make_user())
    second = _same_session_on(other_worker, first)
    _warm(second, other_worker, first)
    assert first.post("/api/v1/auth/logout").status_code in (200, 204)
    assert second.get("/api/v1/me").status_code == 401


def test_password_change_stops_the_other_sessions_at_once(app, other_worker, client_for, make_user):
    user = make_user()
    phone = client_for(user)
    laptop = _same_session_on(other_worker, client_for(user))
    _warm(laptop, other_worker, laptop)
    changed = phone.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "another-horse-battery-9"}
    )
    assert changed.status_code == 204
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 200  # this device was signed in again


def test_account_deletion_stops_the_session_on_every_worker(app, other_worker, client_for, make_user):
    first = client_for(make_user())
    second = _same_session_on(other_worker, first)
    _warm(second, other_worker, first)
    assert first.delete("/api/v1/me").status_code == 204
    assert second.get("/api/v1/me").status_code == 401


def test_a_profile_change_on_one_worker_shows_on_the_other_at_once(app, other_worker, client_for, make_user):
    first = client_for(make_user())
    second = _same_session_on(other_worker, first)
    _warm(second, other_worker, first)
    assert first.patch("/api/v1/me", json={"locale": "en", "display_name": "新名字"}).status_code == 200
    me = second.get("/api/v1/me").get_json()
    assert me["locale"] == "en" and me["display_name"] == "新名字"


def test_a_suspension_refuses_the_next_write_on_the_other_worker(
    app, other_worker, client_for, make_community, make_member
):
    from backend.communities.models import Membership
    from backend.moderation import services as moderation

    community = make_community()
    member = make_member(community)
    committee = make_member(community, role="committee")
    first = client_for(member)
    second = _same_session_on(other_worker, first)
    _warm(second, other_worker, first)
    body = {"category": "other", "description": "楼道灯不亮", "location_text": "3号楼"}
    with app.app_context():
        membership_id = db.session.scalar(db.select(Membership.id).filter_by(user_id=member.id))
        moderation.act(
            db.session.get(type(committee), committee.id),
            target_type="member",
            target_id=membership_id,
            action="suspend",
            reason="多次刷屏",
            days=7,
        )
        db.session.commit()
    refused = second.post(f"/api/v1/communities/{community.id}/reports", json=body)
    assert refused.status_code == 403 and refused.get_json()["reason"] == "suspended"


def test_without_the_cache_every_request_asks_the_database(app, client_for, make_user):
    worker = _worker_like(app, SESSION_CACHE_SECONDS=0)
    first = client_for(make_user())
    second = _same_session_on(worker, first)
    assert second.get("/api/v1/me").status_code == 200
    assert not _remembered(worker, first)


def test_an_update_statement_on_users_reaches_the_other_worker(app, other_worker, client_for, make_user):
    from sqlalchemy import update

    from backend.accounts.models import User

    user = make_user()
    first = client_for(user)
    second = _same_session_on(other_worker, first)
    _warm(second, other_worker, first)
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(display_name="改过的名字"))
        db.session.commit()
    assert second.get("/api/v1/me").get_json()["display_name"] == "改过的名字"
