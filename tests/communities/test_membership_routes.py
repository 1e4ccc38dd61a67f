"""Joining, verification, roles and invites (以熟带熟) through the API."""

from datetime import timedelta

import pytest

from backend.communities.models import Invite, Membership
from backend.core.db import utcnow
from backend.extensions import db

HOUSEHOLD = {"building": "3", "unit": "2", "room": "1202"}


def join(client, community, **extra):
    return client.post(f"/api/v1/communities/{community.id}/join", json={**HOUSEHOLD, **extra})


def test_join_is_pending_until_the_committee_verifies(client_for, make_user, make_community, make_member):
    community = make_community()
    committee = client_for(make_member(community, "committee"))
    newcomer = make_user()
    response = join(client_for(newcomer), community, grid_id=community.grid_ids[1])
    assert response.status_code == 201
    assert response.json["status"] == "pending"
    assert response.json["grid"]["id"] == community.grid_ids[1]
    pending = committee.get(f"/api/v1/communities/{community.id}/members?status=pending").json["items"]
    assert [m["user"]["id"] for m in pending] == [newcomer.id]
    assert pending[0]["household"] == HOUSEHOLD
    verified = committee.post(f"/api/v1/communities/{community.id}/members/{newcomer.id}/verify")
    assert verified.status_code == 200 and verified.json["status"] == "verified"
    again = committee.post(f"/api/v1/communities/{community.id}/members/{newcomer.id}/verify")
    assert again.status_code == 409 and again.json["code"] == "membership.invalid_transition"


def test_verification_is_audited_and_notified(app, client_for, make_user, make_community, make_member):
    from backend.audit.models import AuditEntry
    from backend.notifications.models import Notification

    community = make_community()
    chair = make_member(community, "committee")
    newcomer = make_user()
    join(client_for(newcomer), community)
    client_for(chair).post(f"/api/v1/communities/{community.id}/members/{newcomer.id}/verify")
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).filter_by(action="member.verify"))
        assert (entry.actor_id, entry.target_id, entry.community_id) == (chair.id, newcomer.id, community.id)
        assert db.session.scalar(db.select(Notification.kind).filter_by(user_id=newcomer.id)) == "membership_verified"


def test_joining_twice_is_a_conflict(client_for, make_user, make_community):
    community = make_community()
    client = client_for(make_user())
    assert join(client, community).status_code == 201
    response = join(client, community)
    assert response.status_code == 409 and response.json["code"] == "community.already_member"


def test_grid_of_another_community_is_refused(client_for, make_user, make_community):
    community, other = make_community(), make_community()
    response = join(client_for(make_user()), community, grid_id=other.grid_ids[0])
    assert response.status_code == 422 and "grid_id" in response.json["errors"]


def test_households_are_normalised_so_neighbours_share_one(app, client_for, make_user, make_community):
    community = make_community()
    join(client_for(make_user()), community, building=" 3 ", unit="2", room="1202")
    join(client_for(make_user()), community, building="3", unit="2", room="1202")
    with app.app_context():
        households = {m.household_id for m in db.session.scalars(db.select(Membership))}
    assert len(households) == 1


def test_invite_code_makes_the_newcomer_invited_once(client_for, make_user, make_community, make_member):
    community = make_community()
    inviter = client_for(make_member(community))
    invite = inviter.post(f"/api/v1/communities/{community.id}/invites")
    assert invite.status_code == 201
    code = invite.json["code"]
    assert len(code) == 8
    first = join(client_for(make_user()), community, invite_code=code.lower())
    assert first.status_code == 201 and first.json["status"] == "invited"  # known, not verified (issue 15)
    second = join(client_for(make_user()), community, invite_code=code)
    assert second.status_code == 409 and second.json["code"] == "community.invite_used"


def test_expired_and_unknown_invites_are_refused(app, client_for, make_user, make_community, make_member):
    community, other = make_community(), make_community()
    code = client_for(make_member(community)).post(f"/api/v1/communities/{community.id}/invites").json["code"]
    with app.app_context():
        db.session.scalar(db.select(Invite).filter_by(code=code)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    expired = join(client_for(make_user()), community, invite_code=code)
    assert expired.status_code == 409 and expired.json["code"] == "community.invite_expired"
    unknown = join(client_for(make_user()), community, invite_code="ZZZZZZZZ")
    assert unknown.status_code == 422 and unknown.json["code"] == "community.invite_unknown"
    other_code = client_for(make_member(other)).post(f"/api/v1/communities/{other.id}/invites").json["code"]
    elsewhere = join(client_for(make_user()), community, invite_code=other_code)
    assert elsewhere.json["code"] == "community.invite_unknown"


def test_committee_sets_roles_and_grid_worker_becomes_responsible(client_for, make_community, make_member, client):
    community = make_community()
    committee = client_for(make_member(community, "committee"))
    worker = make_member(community)
    response = committee.put(
        f"/api/v1/communities/{community.id}/members/{worker.id}/role",
        json={"role": "grid_worker", "grid_ids": [community.grid_ids[1]]},
    )
    assert response.status_code == 200 and response.json["role"] == "grid_worker"
    grids = client.get(f"/api/v1/communities/{community.id}").json["grids"]
    assert grids[1]["responsible"] == {"id": worker.id, "display_name": worker.display_name}
    committee.put(f"/api/v1/communities/{community.id}/members/{worker.id}/role", json={"role": "resident"})
    assert client.get(f"/api/v1/communities/{community.id}").json["grids"][1]["responsible"] is None


def test_pending_member_cannot_be_given_a_role(client_for, make_community, make_member):
    community = make_community()
    committee = client_for(make_member(community, "committee"))
    pending = make_member(community, status="pending")
    response = committee.put(
        f"/api/v1/communities/{community.id}/members/{pending.id}/role", json={"role": "committee"}
    )
    assert response.status_code == 409 and response.json["code"] == "community.not_verified"


def test_last_committee_member_cannot_step_down(client_for, make_community, make_member):
    community = make_community()
    chair = make_member(community, "committee")
    response = client_for(chair).put(
        f"/api/v1/communities/{community.id}/members/{chair.id}/role", json={"role": "resident"}
    )
    assert response.status_code == 409 and response.json["code"] == "community.last_committee_member"


@pytest.mark.parametrize("role", ["platform_admin_role", "org_admin"])
def test_only_assignable_roles_are_accepted(client_for, make_community, make_member, role):
    community = make_community()
    committee = client_for(make_member(community, "committee"))
    target = make_member(community)
    response = committee.put(f"/api/v1/communities/{community.id}/members/{target.id}/role", json={"role": role})
    assert response.status_code == 422


def test_suspension_expires_by_itself(app, client_for, make_community, make_member):
    community = make_community()
    member = make_member(community, status="suspended")
    with app.app_context():
        row = db.session.scalar(db.select(Membership).filter_by(user_id=member.id))
        row.suspended_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client_for(member).post(f"/api/v1/communities/{community.id}/invites")
    assert response.status_code == 201


def test_flatmates_joining_at_once_share_one_household(app, client_for, make_user, make_community):
    """Two (or six) people join the same new flat at the same moment: all join, one household."""
    import threading

    community = make_community()
    clients = [client_for(make_user()) for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def go(client):
        barrier.wait()
        statuses.append(join(client, community, building="12", unit="1", room="808").status_code)

    threads = [threading.Thread(target=go, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 6
    with app.app_context():
        households = {m.household_id for m in db.session.scalars(db.select(Membership))}
    assert len(households) == 1
