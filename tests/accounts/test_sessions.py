"""Sessions: cookie flags, rotation at sign-in, real revocation, idle and absolute lifetimes."""

from datetime import timedelta

from backend.accounts.models import UserSession
from backend.core.db import utcnow
from backend.extensions import db
from tests.conftest import PASSWORD


def _session_cookie(client, app):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"])


def test_cookie_is_httponly_and_samesite_lax(app, client, make_user):
    make_user(email="c@example.com")
    response = client.post("/api/v1/auth/login", json={"login": "c@example.com", "password": PASSWORD})
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_production_cookie_is_secure_and_host_prefixed():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE
    assert ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")


def test_sign_in_rotates_the_session(app, client, make_user):
    make_user(email="r@example.com")
    client.post("/api/v1/auth/login", json={"login": "r@example.com", "password": PASSWORD})
    first = _session_cookie(client, app).value
    client.post("/api/v1/auth/login", json={"login": "r@example.com", "password": PASSWORD})
    assert _session_cookie(client, app).value != first
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)) == 2


def test_a_cookie_copied_before_sign_out_is_refused_after(app, client_for, make_user):
    user = make_user()
    client = client_for(user)
    stolen = _session_cookie(client, app).value
    assert client.post("/api/v1/auth/logout").status_code == 204
    thief = client_for()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    assert thief.get("/api/v1/me").status_code == 401


def test_idle_session_expires(app, client_for, make_user):
    client = client_for(make_user())
    with client.session_transaction() as session:
        session["seen"] -= app.config["SESSION_IDLE_SECONDS"] + 1
    assert client.get("/api/v1/me").status_code == 401


def test_activity_keeps_a_session_alive(app, client_for, make_user):
    client = client_for(make_user())
    with client.session_transaction() as session:
        session["seen"] -= app.config["SESSION_IDLE_SECONDS"] - 60
    assert client.get("/api/v1/me").status_code == 200
    with client.session_transaction() as session:
        session["seen"] -= 120  # refreshed by the previous request, so still well within the limit
    assert client.get("/api/v1/me").status_code == 200


def test_absolute_lifetime_ends_even_an_active_session(app, client_for, make_user):
    user = make_user()
    client = client_for(user)
    with app.app_context():
        record = db.session.scalar(db.select(UserSession).filter_by(user_id=user.id))
        record.created_at = utcnow() - timedelta(seconds=app.config["SESSION_ABSOLUTE_SECONDS"] + 1)
        db.session.commit()
    assert client.get("/api/v1/me").status_code == 401


def test_csrf_token_stays_valid_all_session(app, client_for, make_user):
    client = client_for(make_user())
    for _ in range(3):
        assert client.patch("/api/v1/me", json={"care_mode": True}).status_code == 200
