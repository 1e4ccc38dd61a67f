"""The member, loaded once (issue 17): a permission check reads the membership row alone, built once with its
values bound, never a copy kept between requests; so whatever changes a membership (a role, a verification,
a rejection, a suspension) holds on the very next request, whichever worker serves it.

Two apps made by create_app on the same database and instance folder (and, in the PostgreSQL pass, the same
Redis) stand for two gunicorn workers, as in tests/accounts/test_session_cache.py: the change goes through one,
the next request through the other, whose session cache holds the person's session."""

from __future__ import annotations

import pytest

from backend.communities import access
from backend.communities.models import Community, Membership
from backend.extensions import db
from tests.accounts.test_session_cache import _same_session_on, _warm, _worker_like


@pytest.fixture
def other_worker(app):
    return _worker_like(app)


def _report(client, community_id: int):
    body = {"category": "other", "description": "楼道灯不亮", "location_text": "3号楼"}
    return client.post(f"/api/v1/communities/{community_id}/reports", json=body)


# --- what one check costs ------------------------------------------------------------------------


def test_a_permission_check_reads_the_membership_row_alone(app, make_community, make_member, count_queries):
    community = make_community()
    user = make_member(community, role="grid_worker", grid=1)
    with app.app_context(), count_queries() as counter:
        actor = db.session.get(type(user), user.id)
        found = access.require_verified(actor, community.id)
        assert access.require_verified(actor, community.id) is found  # the second check asks nothing
    membership_reads = [s for s in counter.statements if "FROM memberships" in s]
    assert len(membership_reads) == 1
    assert " JOIN " not in membership_reads[0].upper()  # no user, community, household or grid joined
    assert (found.role, found.status, found.user_id, found.community_id) == (
        "grid_worker",
        "verified",
        user.id,
        community.id,
    )
    assert found.grid_id == community.grid_ids[1] and found.household_id is not None


def test_the_rest_of_a_membership_still_loads_when_a_caller_reads_it(app, make_community, make_member):
    community = make_community(name="阳光社区")
    user = make_member(community, grid=0, household=("3", "2", "501"))
    with app.app_context():
        actor = db.session.get(type(user), user.id)
        found = access.require_member(actor, community.id)
        assert found.user is actor  # from the identity map
        assert found.community.name == "阳光社区"
        assert (found.household.building, found.household.unit, found.household.room) == ("3", "2", "501")
        assert found.grid.id == community.grid_ids[0]


def test_a_community_a_request_loaded_is_not_asked_for_again(app, make_community, count_queries):
    """The identity map holds objects weakly; the request keeps its communities (a list's rows each ask for theirs)."""
    community = make_community()
    with app.app_context():
        assert db.session.get(Community, community.id) is not None  # dropped at once by the caller
        with count_queries() as counter:
            for _ in range(5):
                assert db.session.get(Community, community.id).id == community.id
        assert counter.count == 0


def test_a_membership_of_another_community_or_an_invented_account_is_none(app, make_community, make_member):
    ours, theirs = make_community(), make_community()
    user = make_member(ours)
    with app.app_context():
        actor = db.session.get(type(user), user.id)
        assert access.membership(actor, theirs.id) is None
        assert access.membership(actor, 987_654) is None
        invented = type(user)(id=987_655, display_name="x")
        assert access.membership(invented, ours.id) is None


# --- changes hold on the very next request, on every worker ---------------------------------------


def test_a_role_taken_away_on_one_worker_is_refused_on_the_other_at_once(
    app, other_worker, client_for, make_community, make_member
):
    community = make_community()
    chair = client_for(make_member(community, role="committee"))
    deputy_user = make_member(community, role="committee")
    deputy = _same_session_on(other_worker, client_for(deputy_user))
    _warm(deputy, other_worker, deputy)
    members = f"/api/v1/communities/{community.id}/members"
    assert deputy.get(members).status_code == 200
    demoted = chair.put(f"{members}/{deputy_user.id}/role", json={"role": "resident"})
    assert demoted.status_code == 200
    refused = deputy.get(members)
    assert refused.status_code == 403 and refused.get_json()["reason"] == "role_required"


def test_a_verification_on_one_worker_counts_on_the_other_at_once(
    app, other_worker, client_for, make_community, make_member
):
    community = make_community()
    chair = client_for(make_member(community, role="committee"))
    newcomer_user = make_member(community, status="pending")
    newcomer = _same_session_on(other_worker, client_for(newcomer_user))
    _warm(newcomer, other_worker, newcomer)
    refused = _report(newcomer, community.id)
    assert refused.status_code == 403 and refused.get_json()["reason"] == "not_verified"
    assert chair.post(f"/api/v1/communities/{community.id}/members/{newcomer_user.id}/verify").status_code == 200
    assert _report(newcomer, community.id).status_code == 201


def test_a_rejected_member_is_no_member_on_the_other_worker_at_once(
    app, other_worker, client_for, make_community, make_member
):
    community = make_community()
    chair = client_for(make_member(community, role="committee"))
    applicant_user = make_member(community, status="pending")
    applicant = _same_session_on(other_worker, client_for(applicant_user))
    _warm(applicant, other_worker, applicant)
    notices = f"/api/v1/communities/{community.id}/notices"
    assert applicant.get(notices).status_code == 200  # members only: pending members read them
    rejected = chair.post(
        f"/api/v1/communities/{community.id}/members/{applicant_user.id}/reject", json={"reason": "房号对不上"}
    )
    assert rejected.status_code == 204
    with app.app_context():
        assert db.session.scalar(db.select(Membership.id).filter_by(user_id=applicant_user.id)) is None
    refused = applicant.get(notices)
    assert refused.status_code == 403 and refused.get_json()["reason"] == "not_a_member"
