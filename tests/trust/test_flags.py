"""Flags cannot silence the community (issue 15): attacks on auto-hide, each as a question.

Only flags of verified members of distinct households count toward the threshold; nobody flags what they
cannot see; what the committee issues or writes is never hidden by flags alone (the other committee members
are told instead); flags that arrive together from new members are marked as a brigade in the queue.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.communities.models import Membership
from backend.core.db import utcnow
from backend.extensions import db


@pytest.fixture
def town(app, make_community, make_member):
    community = make_community()
    return {
        "cid": community.id,
        "community": community,
        "resident": make_member(community),
        "committee": make_member(community, "committee"),
        "second_committee": make_member(community, "committee"),
        "reader": make_member(community),
    }


def _load(user):
    from backend.accounts.models import User

    return db.session.get(User, user.id)


def make_notice(app, town) -> int:
    from backend.notices import services as notices

    with app.app_context():
        notice = notices.create_notice(_load(town["committee"]), town["cid"], title="周六停水", body="8点到12点停水")
        db.session.commit()
        return notice.id


def make_report(app, town, author) -> int:
    from backend.reports import services as reports

    with app.app_context():
        report = reports.create_report(
            _load(author), town["cid"], category="rubbish", description="垃圾堆满了", location_text="北门"
        )
        db.session.commit()
        return report.id


def flag(client, target_type, target_id, reason="offensive"):
    return client.post("/api/v1/flags", json={"target_type": target_type, "target_id": target_id, "reason": reason})


def notice_visible(client_for, town, notice_id) -> bool:
    return client_for(town["reader"]).get(f"/api/v1/notices/{notice_id}").status_code == 200


def report_visible(client_for, town, report_id) -> bool:
    return client_for(town["reader"]).get(f"/api/v1/reports/{report_id}").status_code == 200


def queue_case(client_for, town, target_type, target_id) -> dict:
    items = client_for(town["committee"]).get(f"/api/v1/communities/{town['cid']}/moderation/queue").json["items"]
    return next(c for c in items if c["target_type"] == target_type and c["target_id"] == target_id)


def age_memberships(app, users, days=60):
    """Make these members long-standing (joined `days` ago)."""
    with app.app_context():
        for user in users:
            db.session.execute(
                db.update(Membership)
                .where(Membership.user_id == user.id)
                .values(joined_at=utcnow() - timedelta(days=days))
            )
        db.session.commit()


def test_three_pending_accounts_cannot_hide_a_committee_notice(app, client_for, make_member, town):
    """Can three pending accounts hide an urgent committee notice (a water cut)?"""
    notice_id = make_notice(app, town)
    for _ in range(3):
        assert (
            flag(client_for(make_member(town["community"], status="pending")), "notice", notice_id).status_code == 201
        )
    assert notice_visible(client_for, town, notice_id)
    case = queue_case(client_for, town, "notice", notice_id)
    assert case["flag_count"] == 3 and case["counted_flags"] == 0 and case["state"] == "open"


def test_three_pending_accounts_cannot_hide_a_residents_report(app, client_for, make_member, town):
    """Can three pending accounts hide a neighbour's public report?"""
    report_id = make_report(app, town, town["resident"])
    for _ in range(3):
        assert (
            flag(client_for(make_member(town["community"], status="pending")), "report", report_id).status_code == 201
        )
    assert report_visible(client_for, town, report_id)


def test_one_household_counts_once(app, client_for, make_member, town):
    """Can three verified members of one flat hide a report by flagging it together?"""
    report_id = make_report(app, town, town["resident"])
    flat = ("7", "1", "701")
    for _ in range(3):
        member = make_member(town["community"], household=flat)
        assert flag(client_for(member), "report", report_id).status_code == 201
    assert report_visible(client_for, town, report_id)
    assert queue_case(client_for, town, "report", report_id)["counted_flags"] == 1


def test_suspended_members_flags_do_not_count(app, client_for, make_member, town):
    """Can a suspended account add a flag at all? (No: flagging is a write.)"""
    report_id = make_report(app, town, town["resident"])
    suspended = make_member(town["community"], status="suspended")
    assert flag(client_for(suspended), "report", report_id).status_code == 403


def test_three_verified_households_still_hide_a_residents_report(app, client_for, make_member, town):
    """Does the threshold still work for real neighbours (three verified households)?"""
    report_id = make_report(app, town, town["resident"])
    for _ in range(3):
        assert flag(client_for(make_member(town["community"])), "report", report_id).status_code == 201
    assert not report_visible(client_for, town, report_id)
    assert queue_case(client_for, town, "report", report_id)["counted_flags"] == 3


def test_nobody_flags_what_they_cannot_see(app, client_for, make_member, make_community, town):
    """Can a neighbour flag (and so learn of) a hidden report, or another community's member's profile?"""
    report_id = make_report(app, town, town["resident"])
    hide = client_for(town["committee"]).post(
        "/api/v1/moderation/actions",
        json={"target_type": "report", "target_id": report_id, "action": "hide", "reason": "含住址"},
    )
    assert hide.status_code == 201
    response = flag(client_for(town["reader"]), "report", report_id)
    assert response.status_code == 404
    with app.app_context():
        elsewhere = make_member(make_community())
        membership_id = db.session.scalar(db.select(Membership.id).filter_by(user_id=elsewhere.id))
    assert flag(client_for(town["reader"]), "member", membership_id).status_code == 404
    # the author of a hidden item still sees it, but cannot flag their own
    assert flag(client_for(town["resident"]), "report", report_id).status_code == 409


def test_verified_neighbours_cannot_hide_a_committee_notice_the_other_members_are_told(
    app, client_for, make_member, town
):
    """Can three real households hide a committee notice? (No: the other committee members are told.)"""
    notice_id = make_notice(app, town)
    for _ in range(4):
        assert flag(client_for(make_member(town["community"])), "notice", notice_id).status_code == 201
    assert notice_visible(client_for, town, notice_id)
    case = queue_case(client_for, town, "notice", notice_id)
    assert case["counted_flags"] == 4 and case["state"] == "open" and case["is_hidden"] is False

    def escalations(user):
        items = client_for(user).get("/api/v1/notifications").json["items"]
        return [n for n in items if n["kind"] == "moderation_queue"]

    assert len(escalations(town["second_committee"])) == 1  # once, at the threshold, not on the fourth flag
    assert escalations(town["committee"]) == []  # the author is not the check on themselves


def test_committee_members_own_content_never_auto_hides(app, client_for, make_member, town):
    """Can flags hide a report a committee member wrote as a resident?"""
    report_id = make_report(app, town, town["committee"])
    for _ in range(3):
        assert flag(client_for(make_member(town["community"])), "report", report_id).status_code == 201
    assert report_visible(client_for, town, report_id)
    assert queue_case(client_for, town, "report", report_id)["state"] == "open"


def test_a_brigade_of_new_members_is_marked_in_the_queue(app, client_for, make_member, town):
    """Do three accounts that joined today and flag within the hour show up as a brigade?"""
    brigade_target = make_report(app, town, town["resident"])
    for _ in range(3):
        assert flag(client_for(make_member(town["community"])), "report", brigade_target).status_code == 201
    case = queue_case(client_for, town, "report", brigade_target)
    assert case["brigade"] is True and case["new_member_flags"] == 3

    calm_target = make_report(app, town, town["reader"])
    neighbours = [make_member(town["community"]) for _ in range(3)]
    age_memberships(app, neighbours)
    for neighbour in neighbours:
        assert flag(client_for(neighbour), "report", calm_target).status_code == 201
    case = queue_case(client_for, town, "report", calm_target)
    assert case["brigade"] is False and case["new_member_flags"] == 0


def test_two_new_members_are_not_a_brigade(app, client_for, make_member, town):
    """Is a single pair of newcomers flagging marked as a brigade? (No: it takes three.)"""
    report_id = make_report(app, town, town["resident"])
    for _ in range(2):
        assert flag(client_for(make_member(town["community"])), "report", report_id).status_code == 201
    assert queue_case(client_for, town, "report", report_id)["brigade"] is False


def test_simultaneous_flags_from_real_households_all_count(app, client_for, make_member, town):
    """Can three neighbours flagging at the same instant each miss the others' flags, so nothing is hidden?"""
    import threading

    report_id = make_report(app, town, town["resident"])
    clients = [client_for(make_member(town["community"])) for _ in range(3)]
    start, statuses = threading.Barrier(3), []

    def flag_now(client):
        start.wait(10)
        statuses.append(flag(client, "report", report_id).status_code)

    threads = [threading.Thread(target=flag_now, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [201, 201, 201]
    assert not report_visible(client_for, town, report_id)
    case = queue_case(client_for, town, "report", report_id)
    assert case["counted_flags"] == 3 and case["state"] == "hidden"
