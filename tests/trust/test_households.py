"""One real household, one vote: invitations make a neighbour known, not verified; household claims, invite
chains, capped and expiring invites, rejection with a reason, code guessing (issue 15).

Before: an invitee was verified at once into whatever flat they typed, and invitees could invite in turn, so
7 invented accounts cast 7 of 10 ballots and a stranger took a real family's household vote.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.core.db import utcnow
from backend.extensions import db
from tests.voting.conftest import poll_body


def _invite(client, cid):
    return client.post(f"/api/v1/communities/{cid}/invites")


def _join(client, cid, room, code=None, building="3", unit="1"):
    body = {"building": building, "unit": unit, "room": room}
    if code:
        body["invite_code"] = code
    return client.post(f"/api/v1/communities/{cid}/join", json=body)


def _ballots(app, poll_id) -> int:
    from backend.voting.models import Ballot

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id))


def _poll(client_for, committee, cid, eligibility):
    response = client_for(committee).post(
        f"/api/v1/communities/{cid}/polls", json=poll_body("yes_no", eligibility=eligibility)
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_can_an_invite_chain_of_invented_accounts_outvote_the_neighbours(
    app, client_for, make_community, make_member, make_user
):
    """Can one verified resident's invites (and their invitees' invites) put 7 invented accounts on the roll of
    a per-person poll and a household poll? Invitees are known, not verified: they cannot vote and cannot
    invite in turn; and however many of them exist, not one ballot is theirs."""
    community = make_community()
    committee = make_member(community, "committee")
    ringleader = client_for(make_member(community))
    per_person = _poll(client_for, committee, community.id, "verified")
    per_household = _poll(client_for, committee, community.id, "household")
    invented, refused_invites, refused_ballots = [], 0, 0
    while len(invented) < 7:
        if invented:  # an invitee tries to invite the next one first
            relayed = _invite(client_for(invented[-1]), community.id)
            assert relayed.status_code == 403 and relayed.json["reason"] == "not_verified", relayed.json
            refused_invites += 1
        code = _invite(ringleader, community.id).json["code"]
        account = make_user()
        joined = _join(client_for(account), community.id, f"{900 + len(invented)}", code)
        assert joined.status_code == 201 and joined.json["status"] == "invited", joined.json
        invented.append(account)
    for account in invented:
        for poll_id in (per_person, per_household):
            response = client_for(account).post(f"/api/v1/polls/{poll_id}/ballots", json={"choice": "yes"})
            assert response.status_code == 403 and response.json["code"] == "not_eligible", response.json
            assert response.json["reason"] == "not_verified"
            refused_ballots += 1
    assert _ballots(app, per_person) == 0 and _ballots(app, per_household) == 0
    print(f"\nrelayed invites refused: {refused_invites}, ballots refused: {refused_ballots}")


def test_can_one_resident_hoard_invite_codes(client_for, make_community, make_member):
    """Can a verified resident print a stack of invite codes to hand out (or sell)? At most 3 unused at once."""
    community = make_community()
    resident = client_for(make_member(community))
    answers = [_invite(resident, community.id) for _ in range(5)]
    assert [a.status_code for a in answers] == [201, 201, 201, 409, 409]
    assert answers[3].json["code"] == "community.invite_limit" and "3" in answers[3].json["detail"]


def test_can_a_stranger_take_a_real_familys_household_vote(app, client_for, make_community, make_member, make_user):
    """A verified family lives in 3-1-101. A stranger with a neighbour's invite claims 3-1-101: does the
    stranger get the household's vote, or any say in it? The committee sees the claim, who invited the
    stranger, and that a verified resident already lives there."""
    community = make_community()
    committee = make_member(community, "committee")
    family = make_member(community, household=("3", "1", "101"))
    accomplice = make_member(community)
    stranger = make_user(display_name="陌生人")
    code = _invite(client_for(accomplice), community.id).json["code"]
    claim = _join(client_for(stranger), community.id, "101", code)
    assert claim.status_code == 201 and claim.json["status"] == "invited"
    poll_id = _poll(client_for, committee, community.id, "household")
    stolen = client_for(stranger).post(f"/api/v1/polls/{poll_id}/ballots", json={"choice": "no"})
    assert stolen.status_code == 403 and stolen.json["reason"] == "not_verified"
    own = client_for(family).post(f"/api/v1/polls/{poll_id}/ballots", json={"choice": "yes"})
    assert own.status_code == 201, own.json
    listed = client_for(committee).get(
        f"/api/v1/communities/{community.id}/members", query_string={"status": "invited"}
    )
    assert listed.status_code == 200
    (row,) = listed.json["items"]
    assert row["user"]["id"] == stranger.id
    assert row["household"] == {"building": "3", "unit": "1", "room": "101"}
    assert row["household_residents"] == 1  # the family: ask them before verifying
    assert row["invited_by"]["id"] == accomplice.id
    assert row["can"] == {"verify": True, "reject": True, "set_role": False}


def test_do_household_polls_count_confirmed_households_only(app, client_for, make_community, make_member, make_user):
    """Do invited (unconfirmed) households count toward a household poll's eligible total (and so its quorum)?"""
    from backend.voting.models import Poll
    from backend.voting.services import eligible_count

    community = make_community()
    committee = make_member(community, "committee")
    neighbour = client_for(make_member(community))
    for room in ("701", "702", "703"):
        code = _invite(neighbour, community.id).json["code"]
        assert _join(client_for(make_user()), community.id, room, code).json["status"] == "invited"
    poll_id = _poll(client_for, committee, community.id, "household")
    with app.app_context():
        assert eligible_count(db.session.get(Poll, poll_id)) == 2  # the committee member's and the neighbour's


def test_does_the_committee_see_who_invited_whom_down_the_chain(client_for, make_community, make_member, make_user):
    """A invites B; the committee verifies B; B invites C: does the committee see C ← B ← A?"""
    community = make_community()
    committee = client_for(make_member(community, "committee"))
    a = make_member(community, display_name="甲")
    b, c = make_user(display_name="乙"), make_user(display_name="丙")
    assert (
        _join(client_for(b), community.id, "201", _invite(client_for(a), community.id).json["code"]).status_code == 201
    )
    assert _invite(client_for(b), community.id).status_code == 403  # invited: may not invite yet
    assert committee.post(f"/api/v1/communities/{community.id}/members/{b.id}/verify").status_code == 200
    assert (
        _join(client_for(c), community.id, "202", _invite(client_for(b), community.id).json["code"]).status_code == 201
    )
    items = committee.get(f"/api/v1/communities/{community.id}/members", query_string={"limit": 100}).json["items"]
    by_id = {row["user"]["id"]: row for row in items}
    assert [p["display_name"] for p in by_id[c.id]["invite_chain"]] == ["乙", "甲"]
    assert by_id[b.id]["invited_by"]["display_name"] == "甲" and by_id[b.id]["status"] == "verified"
    assert by_id[a.id]["invited_by"] is None and by_id[a.id]["invite_chain"] == []


def test_do_invites_expire_and_does_the_cap_free_up(app, client_for, make_community, make_member, make_user):
    """An expired invite is refused; it no longer counts toward the cap, nor does a used one. A community may
    set its own cap."""
    from backend.communities.models import Community, Invite

    community = make_community(settings={"max_open_invites": 2})
    inviter = client_for(make_member(community))
    first, second = (_invite(inviter, community.id).json["code"] for _ in range(2))
    assert _invite(inviter, community.id).json["code"] == "community.invite_limit"
    with app.app_context():
        db.session.scalar(select(Invite).filter_by(code=first)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    expired = _join(client_for(make_user()), community.id, "301", first)
    assert expired.status_code == 409 and expired.json["code"] == "community.invite_expired"
    assert _invite(inviter, community.id).status_code == 201  # the expired one freed a place
    assert _join(client_for(make_user()), community.id, "302", second).status_code == 201
    assert _invite(inviter, community.id).status_code == 201  # so did the used one
    assert _invite(inviter, community.id).json["code"] == "community.invite_limit"
    with app.app_context():
        assert db.session.get(Community, community.id).settings == {"max_open_invites": 2}


def test_can_parallel_requests_pass_the_invite_cap(app, make_community, make_member):
    """Eight invite requests at the same moment from one resident with a cap of 3: how many codes exist?"""
    import threading

    from backend.communities.models import Invite
    from tests.conftest import ApiClient

    community = make_community()
    resident = make_member(community)
    barrier = threading.Barrier(8)
    statuses = []

    def ask():
        client = ApiClient(app, app.response_class, use_cookies=True).sign_in(resident)
        barrier.wait()
        statuses.append(client.post(f"/api/v1/communities/{community.id}/invites").status_code)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invite).filter_by(created_by_id=resident.id)) == 3
    assert statuses.count(201) == 3, statuses


def test_can_two_people_use_one_invite_at_the_same_moment(app, make_community, make_member, make_user):
    """Two neighbours type the same code at the same moment: does only one get in with it?"""
    import threading

    from tests.conftest import ApiClient

    community = make_community()
    code = None
    inviter = make_member(community)
    client = ApiClient(app, app.response_class, use_cookies=True).sign_in(inviter)
    code = _invite(client, community.id).json["code"]
    people = [make_user() for _ in range(4)]
    barrier = threading.Barrier(len(people))
    answers = []

    def use(person, room):
        joiner = ApiClient(app, app.response_class, use_cookies=True).sign_in(person)
        barrier.wait()
        answers.append(_join(joiner, community.id, room, code).status_code)

    threads = [threading.Thread(target=use, args=(p, str(400 + i))) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409, 409, 409], answers


# --- rejecting a member -----------------------------------------------------------------------------------------


def test_can_the_committee_reject_a_pending_member_with_a_reason(
    app, client_for, make_community, make_member, make_user
):
    """The committee refuses a claim it could not confirm: the membership goes, the person is told why (in
    their inbox), the refusal is audited, and they may apply again with the right flat."""
    from backend.audit.models import AuditEntry
    from backend.communities.models import Membership
    from backend.notifications.models import Notification

    community = make_community()
    committee = make_member(community, "committee")
    applicant = make_user()
    assert _join(client_for(applicant), community.id, "101").json["status"] == "pending"
    url = f"/api/v1/communities/{community.id}/members/{applicant.id}/reject"
    response = client_for(committee).post(url, json={"reason": "3栋1单元101没有这户人家，请核对门牌号"})
    assert response.status_code == 204, response.json
    with app.app_context():
        assert db.session.scalar(select(Membership).filter_by(user_id=applicant.id)) is None
        told = db.session.scalar(select(Notification).filter_by(user_id=applicant.id, kind="membership_rejected"))
        assert told is not None and told.context["reason"].startswith("3栋1单元101")
        entry = db.session.scalar(select(AuditEntry).filter_by(action="member.reject"))
        assert entry.target_id == applicant.id and entry.reason.startswith("3栋1单元101")
    inbox = client_for(applicant).get("/api/v1/notifications").json["items"]
    assert "请核对门牌号" in inbox[0]["body"]
    assert _join(client_for(applicant), community.id, "102").status_code == 201  # may apply again


@pytest.mark.parametrize(
    "who, target, body, status, code",
    [
        ("resident", "pending", {"reason": "不认识"}, 403, "forbidden"),
        ("pending", "pending", {"reason": "不认识"}, 403, "forbidden"),
        ("other_committee", "pending", {"reason": "不认识"}, 403, "forbidden"),
        ("visitor", "pending", {"reason": "不认识"}, 401, "auth_required"),
        ("committee", "verified", {"reason": "不认识"}, 409, "membership.invalid_transition"),
        ("committee", "stranger", {"reason": "不认识"}, 404, "not_found"),
        ("committee", "pending", {"reason": ""}, 422, "validation_failed"),
        ("committee", "pending", {}, 422, "validation_failed"),
        ("committee", "pending", {"reason": "x" * 501}, 422, "validation_failed"),
    ],
)
def test_who_may_reject_whom(client_for, make_community, make_member, make_user, who, target, body, status, code):
    """Can a resident, a pending member, another community's committee or a visitor reject someone; can the
    committee reject a verified member (suspension is the way), a non-member, or give no reason?"""
    community, elsewhere = make_community(), make_community()
    people = {
        "committee": make_member(community, "committee"),
        "resident": make_member(community),
        "pending": make_member(community, status="pending"),
        "other_committee": make_member(elsewhere, "committee"),
        "visitor": None,
        "verified": make_member(community),
        "stranger": make_user(),
    }
    target_user = people[target] if target != "pending" else make_member(community, status="pending")
    url = f"/api/v1/communities/{community.id}/members/{target_user.id}/reject"
    response = client_for(people[who]).post(url, json=body)
    assert response.status_code == status and response.json["code"] == code, response.json


def test_what_may_an_invited_member_do(client_for, make_community, make_member, make_user):
    """Invited (known): comments, supports a project, signs up for an activity; may not post a project, report,
    vote or invite. Pending: comments, but may not support."""
    community = make_community()
    author = client_for(make_member(community))
    committee = client_for(make_member(community, "committee"))
    invited, pending = make_user(), make_user()
    assert (
        _join(client_for(invited), community.id, "501", _invite(author, community.id).json["code"]).status_code == 201
    )
    assert _join(client_for(pending), community.id, "502").status_code == 201
    project = author.post(
        f"/api/v1/communities/{community.id}/projects",
        json={"title": "楼道装灯", "summary": "三楼楼道太暗", "body": "装两盏感应灯。", "category": "environment"},
    )
    assert project.status_code == 201, project.json
    pid = project.json["id"]
    assert author.post(f"/api/v1/projects/{pid}/submit").status_code == 200
    as_invited, as_pending = client_for(invited), client_for(pending)
    assert as_invited.get(f"/api/v1/projects/{pid}").json["can"]["support"] is True
    assert as_pending.get(f"/api/v1/projects/{pid}").json["can"]["support"] is False
    assert as_invited.post(f"/api/v1/projects/{pid}/supports").status_code in (200, 201)
    assert as_pending.post(f"/api/v1/projects/{pid}/supports").status_code == 403
    for who in (as_invited, as_pending):
        assert who.post(f"/api/v1/projects/{pid}/comments", json={"body": "支持装灯"}).status_code == 201
        refused = who.post(
            f"/api/v1/communities/{community.id}/projects",
            json={"title": "我的项目", "summary": "x", "body": "y", "category": "environment"},
        )
        assert refused.status_code == 403 and refused.json["reason"] == "not_verified"
        assert _invite(who, community.id).status_code == 403
    assert committee.get(f"/api/v1/projects/{pid}").status_code == 200


# --- guessing codes ---------------------------------------------------------------------------------------------


def test_can_one_account_guess_invite_codes(app, client_for, make_community, make_member, make_user):
    """Wrong invite codes from one account: refused with 429 after 10 in an hour, even from new addresses;
    the right code still works for someone else."""
    community = make_community()
    code = _invite(client_for(make_member(community)), community.id).json["code"]
    guesser = client_for(make_user())
    answers = []
    for attempt in range(12):
        address = f"10.0.{attempt}.1"
        answers.append(
            guesser.post(
                f"/api/v1/communities/{community.id}/join",
                json={"building": "1", "unit": "1", "room": "1", "invite_code": f"WRONG{attempt:03d}"},
                environ_base={"REMOTE_ADDR": address},
            ).status_code
        )
    assert answers[:10] == [422] * 10 and answers[10:] == [429, 429], answers
    assert _join(client_for(make_user()), community.id, "601", code).status_code == 201


def test_can_many_accounts_behind_one_address_guess_invite_codes(client_for, make_community, make_user):
    """Wrong invite codes from 40 fresh accounts at one address: the address is held back after 30."""
    community = make_community()
    answers = []
    for attempt in range(34):
        answers.append(
            client_for(make_user())
            .post(
                f"/api/v1/communities/{community.id}/join",
                json={"building": "1", "unit": "1", "room": "1", "invite_code": f"BAD{attempt:05d}"},
                environ_base={"REMOTE_ADDR": "198.51.100.7"},
            )
            .status_code
        )
    assert answers.count(422) == 30 and answers[30:] == [429] * 4, answers


def test_can_a_volunteer_guess_a_check_in_code(client_for, make_community, make_member):
    """A signed-up volunteer tries check-in codes: held back after 10 wrong codes in an hour (not 10 a minute)."""
    from tests.volunteering.conftest import make_activity

    community = make_community()
    organiser = make_member(community)
    committee = make_member(community, "committee")
    volunteer = client_for(make_member(community))
    oid = (
        client_for(organiser)
        .post(
            f"/api/v1/communities/{community.id}/organisations",
            json={"name": "志愿队", "kind": "volunteer_group", "description": "清洁"},
        )
        .json["id"]
    )
    assert client_for(committee).post(f"/api/v1/organisations/{oid}/verify").status_code == 200
    sid = make_activity(client_for(organiser), oid, (10, 120, 3))["shifts"][0]["id"]
    assert volunteer.post(f"/api/v1/shifts/{sid}/signups").status_code == 201
    answers = [
        volunteer.post(
            f"/api/v1/shifts/{sid}/checkin",
            json={"code": f"{attempt:06d}"},
            environ_base={"REMOTE_ADDR": f"10.1.{attempt}.1"},
        ).status_code
        for attempt in range(12)
    ]
    assert answers.count(422) == 10 and answers[-1] == 429, answers
