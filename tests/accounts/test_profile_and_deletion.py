"""Profile, care mode, quiet hours, and account deletion that erases personal data but keeps content."""

import json

import pytest
from argon2 import PasswordHasher

from backend.accounts.models import User
from backend.accounts.passwords import hash_password
from backend.audit.models import AuditEntry
from backend.communities.models import Membership
from backend.extensions import db
from config import Config
from tests.conftest import PASSWORD


def test_profile_update_applies_and_persists(client_for, make_user):
    client = client_for(make_user())
    response = client.patch(
        "/api/v1/me",
        json={
            "display_name": " 王阿姨 ",
            "locale": "en",
            "care_mode": True,
            "quiet_hours": {"start": "22:00", "end": "07:00"},
        },
    )
    assert response.status_code == 200
    me = client.get("/api/v1/me").json
    assert (me["display_name"], me["locale"], me["care_mode"]) == ("王阿姨", "en", True)
    assert me["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert client.patch("/api/v1/me", json={"quiet_hours": None}).json["quiet_hours"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"locale": "fr"},
        {"quiet_hours": {"start": "25:00", "end": "07:00"}},
        {"quiet_hours": {"start": "22:00"}},
        {"display_name": ""},
        {"display_name": "x" * 41},
        {"is_platform_admin": True},
        {"email": "new@example.com"},
    ],
)
def test_profile_rejects_bad_or_forbidden_changes(client_for, make_user, body):
    assert client_for(make_user()).patch("/api/v1/me", json=body).status_code == 422


def test_me_lists_memberships_with_own_household(client_for, make_community, make_member):
    community = make_community(name="阳光社区")
    member = make_member(community, household=("5", "1", "402"))
    memberships = client_for(member).get("/api/v1/me").json["memberships"]
    assert memberships == [
        {
            "community": {"id": community.id, "name": "阳光社区", "name_en": None},
            "role": "resident",
            "status": "verified",
            "grid": {"id": community.grid_ids[0], "number": 1, "name": "Grid 1"},
            "household": {"building": "5", "unit": "1", "room": "402"},
            "joined_at": memberships[0]["joined_at"],
            "verified_at": memberships[0]["verified_at"],
            "suspended_until": None,
        }
    ]
    assert memberships[0]["verified_at"]


def test_deletion_erases_personal_data_and_keeps_a_placeholder(app, client_for, make_community, make_member, client):
    community = make_community()
    committee = make_member(community, "committee")
    leaver = make_member(community, "grid_worker", phone="13812345678", display_name="李师傅")
    response = client_for(leaver).delete("/api/v1/me")
    assert response.status_code == 204
    with app.app_context():
        user = db.session.get(User, leaver.id)
        assert (user.email, user.phone, user.display_name) == (None, None, None)
        assert user.deleted_at is not None
        assert db.session.scalar(db.select(Membership.household_id).filter_by(user_id=leaver.id)) is None
    # The grid still names its (former) responsible person, without personal data.
    grid = client.get(f"/api/v1/communities/{community.id}", headers={"Accept-Language": "en"}).json["grids"][0]
    assert grid["responsible"] == {"id": leaver.id, "display_name": "Former resident"}
    assert client.post("/api/v1/auth/login", json={"login": "13812345678", "password": PASSWORD}).status_code == 401
    assert client_for(committee).get("/api/v1/me").status_code == 200


def test_deleted_account_session_is_revoked(client_for, make_user):
    user = make_user()
    first, second = client_for(user), client_for(user)
    first.delete("/api/v1/me")
    assert second.get("/api/v1/me").status_code == 401


def test_phone_and_household_are_not_in_what_other_residents_see(client_for, make_community, make_member):
    community = make_community()
    secret_phone = "13855556666"
    worker = make_member(community, "grid_worker", phone=secret_phone, household=("7", "3", "1703"))
    neighbour = client_for(make_member(community))
    for path in ("/api/v1/communities", f"/api/v1/communities/{community.id}"):
        text = json.dumps(neighbour.get(path).json, ensure_ascii=False)
        assert "5555" not in text and "1703" not in text and "@" not in text
    assert worker.display_name in json.dumps(
        neighbour.get(f"/api/v1/communities/{community.id}").json, ensure_ascii=False
    )


def test_production_password_hash_is_argon2id_with_owasp_minimum(app):
    assert Config.PASSWORD_HASH_MEMORY_KIB >= 19 * 1024 and Config.PASSWORD_HASH_TIME_COST >= 2
    with app.app_context():
        stored = hash_password("a long enough password")
    assert stored.startswith("$argon2id$")


def test_sign_in_rehashes_when_parameters_change(app, client, make_user):
    user = make_user(email="old@example.com")
    with app.app_context():
        weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
        db.session.get(User, user.id).password_hash = weak
        db.session.commit()
    assert client.post("/api/v1/auth/login", json={"login": "old@example.com", "password": PASSWORD}).status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).password_hash != weak


def test_audit_log_has_no_personal_data_for_verification(app, client_for, make_user, make_community, make_member):
    community = make_community()
    committee = client_for(make_member(community, "committee"))
    newcomer = make_user(phone="13911112222")
    client_for(newcomer).post(
        f"/api/v1/communities/{community.id}/join", json={"building": "1", "unit": "1", "room": "1"}
    )
    committee.post(f"/api/v1/communities/{community.id}/members/{newcomer.id}/verify")
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry)).all()
        assert "1391111" not in json.dumps([(e.before, e.after, e.reason) for e in entries])


def test_a_profile_part_is_registered_once(app):
    """Communities adds the memberships to GET /me through accounts' hook; a second `memberships` is a bug."""
    import pytest

    from backend.accounts import services

    assert "memberships" in services._profile_parts
    with pytest.raises(ValueError, match="registered twice"):
        services.register_profile_part("memberships", lambda user: [])
