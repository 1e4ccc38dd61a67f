"""Escalation goes up (issue 19): a report the committee lets pass its own deadline goes to the street, then to
the district, once per level however often the sweep runs; appeals with no committee member left to decide and
flagged committee content go to the street."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.core.db import commit, utcnow
from backend.extensions import db
from backend.moderation import services as moderation
from backend.notifications.models import Notification
from backend.reports import services as reports
from backend.reports.models import ReportEvent

# safety_hazard: accept within 2 hours, so the committee is told after 2 hours
COMMITTEE_TOLD = timedelta(hours=3)


def _report(client_for, network, community=None, author=None):
    community = community or network.sunshine
    body = {
        "category": "safety_hazard",
        "description": "井盖松动，有人差点踩空",
        "location_text": "3号楼门口",
        "grid_id": community.grid_ids[0],
    }
    response = client_for(author or network.people.resident).post(
        f"/api/v1/communities/{community.id}/reports", json=body
    )
    assert response.status_code == 201, response.json
    return response.json


def _sweep(app, after: timedelta) -> dict:
    with app.app_context():
        result = reports.sla_sweep(utcnow() + after)
        commit()
        return result


def _told(app, kind: str) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def _events(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReportEvent).where(ReportEvent.action == action))


def test_an_overdue_report_climbs_one_level_at_a_time_once_each(app, client_for, network):
    report = _report(client_for, network)
    people = network.people
    assert _sweep(app, COMMITTEE_TOLD)["escalated"] == 1
    street_due = COMMITTEE_TOLD + reports.COMMITTEE_DEADLINE
    assert _sweep(app, street_due - timedelta(hours=1))["escalated_to_street"] == 0  # the committee still has time
    assert _sweep(app, street_due + timedelta(hours=1))["escalated_to_street"] == 1
    assert _sweep(app, street_due + timedelta(hours=2))["escalated_to_street"] == 0  # twice: one escalation
    assert _told(app, "report_escalated_street") == [people.west_official.id]  # not the other street's official
    district_due = street_due + timedelta(hours=1) + reports.STREET_DEADLINE
    assert _sweep(app, district_due - timedelta(hours=1))["escalated_to_district"] == 0
    first = _sweep(app, district_due + timedelta(hours=1))
    second = _sweep(app, district_due + timedelta(hours=2))
    assert (first["escalated_to_district"], second["escalated_to_district"]) == (1, 0)
    assert _told(app, "report_escalated_district") == [people.district_official.id]
    assert (_events(app, "escalated"), _events(app, "escalated_street"), _events(app, "escalated_district")) == (
        1,
        1,
        1,
    )
    shown = client_for().get(f"/api/v1/reports/{report['id']}").json
    assert [e["action"] for e in shown["events"]][-2:] == ["escalated_street", "escalated_district"]
    assert shown["street_escalated_at"] and shown["district_escalated_at"]


def test_a_report_handled_in_time_by_the_committee_never_reaches_the_street(app, client_for, network):
    report = _report(client_for, network)
    _sweep(app, COMMITTEE_TOLD)
    committee = client_for(network.people.committee)
    accepted = committee.post(f"/api/v1/reports/{report['id']}/transition", json={"action": "accept"})
    assert accepted.status_code == 200, accepted.json
    resolved = committee.post(
        f"/api/v1/reports/{report['id']}/transition", json={"action": "resolve", "note": "已加固"}
    )
    assert resolved.status_code == 200, resolved.json
    assert _sweep(app, COMMITTEE_TOLD + reports.COMMITTEE_DEADLINE * 2)["escalated_to_street"] == 0


def test_a_community_without_a_street_has_no_one_above_its_committee(
    app, client_for, make_community, make_member, network
):
    alone = make_community("独立社区")
    resident = make_member(alone)
    _report(client_for, network, community=alone, author=resident)
    _sweep(app, COMMITTEE_TOLD)
    assert _sweep(app, COMMITTEE_TOLD + reports.COMMITTEE_DEADLINE * 2)["escalated_to_street"] == 0


def test_flagged_committee_content_is_sent_to_the_street(app, network, make_community, make_member):
    with app.app_context():
        recipients = moderation.escalation_recipients(network.sunshine.id, network.people.committee.id)
        assert recipients == [network.people.west_official.id]
    alone = make_community("独立社区")
    chair, colleague = make_member(alone, "committee"), make_member(alone, "committee")
    with app.app_context():  # no street: the other committee members remain the check
        assert moderation.escalation_recipients(alone.id, chair.id) == [colleague.id]


def _membership_id(app, community, user):
    from backend.communities.models import Membership

    with app.app_context():
        return db.session.scalar(
            select(Membership.id).where(Membership.community_id == community.id, Membership.user_id == user.id)
        )


def test_an_appeal_no_committee_member_may_decide_goes_to_the_street(app, client_for, network):
    people = network.people
    action = client_for(people.committee).post(
        "/api/v1/moderation/actions",
        json={
            "target_type": "member",
            "target_id": _membership_id(app, network.sunshine, people.resident),
            "action": "suspend",
            "reason": "刷屏",
            "days": 3,
        },
    )
    assert action.status_code == 201, action.json
    appeal = client_for(people.resident).post(
        "/api/v1/appeals", json={"action_id": action.json["id"], "text": "我没有刷屏"}
    )
    assert appeal.status_code == 201, appeal.json
    assert _told(app, "appeal_submitted") == [people.west_official.id]  # the only committee member acted
    decision = {"decision": "reverse", "reason": "证据不足"}
    path = f"/api/v1/appeals/{appeal.json['id']}/decision"
    assert client_for(people.east_official).post(path, json=decision).status_code == 403  # another street
    assert client_for(people.district_official).post(path, json=decision).status_code == 403  # the street decides
    listed = client_for(people.west_official).get(f"/api/v1/communities/{network.sunshine.id}/appeals")
    assert listed.status_code == 200 and [a["id"] for a in listed.json["items"]] == [appeal.json["id"]]
    decided = client_for(people.west_official).post(path, json=decision)
    assert decided.status_code == 200, decided.json
    assert decided.json["status"] == "reversed"


def test_a_street_official_does_not_decide_while_a_committee_member_can(app, client_for, make_member, network):
    people = network.people
    colleague = make_member(network.sunshine, "committee", display_name="赵委员")
    action = (
        client_for(people.committee)
        .post(
            "/api/v1/moderation/actions",
            json={
                "target_type": "member",
                "target_id": _membership_id(app, network.sunshine, people.resident),
                "action": "suspend",
                "reason": "刷屏",
                "days": 3,
            },
        )
        .json
    )
    appeal = client_for(people.resident).post("/api/v1/appeals", json={"action_id": action["id"], "text": "冤枉"}).json
    assert _told(app, "appeal_submitted") == [colleague.id]
    decision = {"decision": "uphold", "reason": "属实"}
    assert (
        client_for(people.west_official).post(f"/api/v1/appeals/{appeal['id']}/decision", json=decision).status_code
        == 403
    )
