"""Transfers to agencies ("吹哨", issue 19): a grid worker or the committee transfers a report to an agency serving
its community; the agency accepts or returns it with a reason, works it and resolves it; every step is on the
public timeline with the agency's name; the resident rates it as today. Attacked: an agency of another street, a
staff member of another agency, another community's staff, concurrent answers, escalation under the sweep."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.core.db import commit, utcnow
from backend.extensions import db
from backend.notifications.models import Notification
from backend.reports import services as reports
from backend.reports.models import ReportEvent, ReportTransfer


def _report(client_for, network, community=None, category="rubbish"):
    community = community or network.sunshine
    body = {
        "category": category,
        "description": "垃圾桶满了三天没人清运",
        "location_text": "3号楼门口",
        "grid_id": community.grid_ids[0],
    }
    author = network.people.resident if community is network.sunshine else None
    response = client_for(author).post(f"/api/v1/communities/{community.id}/reports", json=body)
    assert response.status_code == 201, response.json
    return response.json


def _act(client, report_id, action, **body):
    return client.post(f"/api/v1/reports/{report_id}/transition", json={"action": action, **body})


def _transferred(client_for, network, agencies, agency="west"):
    report = _report(client_for, network)
    agency_id = getattr(agencies, agency)["id"]
    response = _act(client_for(network.people.worker), report["id"], "transfer", agency_id=agency_id, note="物业负责")
    assert response.status_code == 200, response.json
    return response.json


def test_a_grid_worker_transfers_a_report_and_everyone_sees_the_agency_not_its_staff(
    app, client_for, network, agencies
):
    report = _transferred(client_for, network, agencies)
    assert report["status"] == "assigned" and report["assignee"] is None
    assert report["agency"] == {"id": agencies.west["id"], "name": "阳光物业", "kind": "property"}
    assert report["transfer"]["state"] == "pending"
    step = report["events"][-1]
    assert (step["action"], step["actor_role"], step["agency"]["name"], step["note"]) == (
        "transferred",
        "grid_worker",
        "阳光物业",
        "物业负责",
    )
    public = client_for().get(f"/api/v1/reports/{report['id']}")
    assert public.json["agency"]["name"] == "阳光物业" and "物业孙经理" not in public.text
    staff_view = client_for(agencies.staff.west).get(f"/api/v1/reports/{report['id']}").json
    assert staff_view["can"]["accept_transfer"] and staff_view["can"]["return"]
    assert staff_view["position_precision"] == "exact" and staff_view["reporter"] is None
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "report_assigned")))
        assert told == {agencies.staff.west.id}
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "report.transfer")) == 1


def test_transfers_go_only_to_an_agency_serving_the_community(client_for, network, agencies):
    report = _report(client_for, network)
    worker = client_for(network.people.worker)
    for agency_id in (agencies.east["id"], 99_999):  # another street's agency, an invented one
        response = _act(worker, report["id"], "transfer", agency_id=agency_id)
        assert response.status_code == 422 and "agency_id" in response.json["errors"], response.json
    assert _act(worker, report["id"], "transfer").status_code == 422
    assert _act(worker, report["id"], "transfer", agency_id=2**31).status_code == 422
    assert client_for().get(f"/api/v1/reports/{report['id']}").json["agency"] is None


def test_only_the_reports_staff_transfer_it(client_for, network, agencies):
    report = _report(client_for, network)
    body = {"agency_id": agencies.west["id"]}
    for who in (
        network.people.resident,
        network.people.star_committee,
        agencies.staff.west,
        network.people.west_official,
    ):
        assert _act(client_for(who), report["id"], "transfer", **body).status_code == 403
    assert _act(client_for(), report["id"], "transfer", **body).status_code == 401
    committee = client_for(network.people.committee)
    assert _act(committee, report["id"], "transfer", **body).status_code == 200
    again = _act(committee, report["id"], "transfer", agency_id=agencies.city["id"])
    assert again.status_code == 409 and again.json["code"] == "transfer.already_transferred"


def test_another_agencys_staff_cannot_answer_and_the_agency_accepts_works_and_resolves(client_for, network, agencies):
    report = _transferred(client_for, network, agencies)
    rid = report["id"]
    for who in (agencies.staff.east, agencies.staff.city, network.people.resident):
        assert _act(client_for(who), rid, "accept_transfer").status_code == 403
    staff = client_for(agencies.staff.west)
    assert _act(staff, rid, "resolve").status_code == 409  # accept first
    accepted = _act(staff, rid, "accept_transfer", note="明早清运")
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "in_progress" and accepted.json["transfer"]["state"] == "accepted"
    assert accepted.json["events"][-1]["actor_role"] == "agency" and accepted.json["events"][-1]["actor"] is None
    # the community stays out while the agency works it
    held = _act(client_for(network.people.worker), rid, "resolve")
    assert held.status_code == 409 and held.json["code"] == "transfer.with_agency"
    resolved = _act(staff, rid, "resolve", note="已清运")
    assert resolved.status_code == 200 and resolved.json["status"] == "resolved"
    rated = client_for(network.people.resident).post(f"/api/v1/reports/{rid}/confirm", json={"stars": 4})
    assert rated.status_code == 200 and rated.json["status"] == "confirmed"
    steps = [(e["action"], e["agency"]["name"] if e["agency"] else None) for e in rated.json["events"]]
    assert steps[-4:] == [
        ("transferred", "阳光物业"),
        ("transfer_accepted", "阳光物业"),
        ("resolve", "阳光物业"),
        ("confirmed", None),
    ]


def test_a_return_needs_a_reason_and_gives_the_report_back_to_whoever_transferred_it(
    app, client_for, network, agencies
):
    report = _transferred(client_for, network, agencies)
    rid = report["id"]
    staff = client_for(agencies.staff.west)
    assert _act(staff, rid, "return").status_code == 422
    returned = _act(staff, rid, "return", note="不属于物业管辖，请联系城管")
    assert returned.status_code == 200, returned.json
    assert returned.json["agency"] is None and returned.json["assignee"]["id"] == network.people.worker.id
    assert returned.json["events"][-1]["action"] == "transfer_returned"
    assert returned.json["events"][-1]["note"] == "不属于物业管辖，请联系城管"
    with app.app_context():
        transfer = db.session.scalar(select(ReportTransfer))
        assert (transfer.state, transfer.open_report_id) == ("returned", None)
    # the worker may now transfer it to the right agency
    again = _act(client_for(network.people.worker), rid, "transfer", agency_id=agencies.city["id"])
    assert again.status_code == 200 and again.json["agency"]["name"] == "静安城管"


def test_accept_and_return_at_once_one_wins_and_the_other_is_told(app, client_for, make_user, network, agencies):
    report = _transferred(client_for, network, agencies)
    colleague = make_user("物业小李")
    client_for(network.people.admin).post(
        f"/api/v1/agencies/{agencies.west['id']}/members", json={"user_id": colleague.id}
    )
    clients = [client_for(agencies.staff.west), client_for(colleague), client_for(agencies.staff.west)]
    bodies = [{"action": "accept_transfer"}, {"action": "return", "note": "不归我们管"}, {"action": "accept_transfer"}]
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def go(index):
        barrier.wait()
        responses[index] = clients[index].post(f"/api/v1/reports/{report['id']}/transition", json=bodies[index])

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409], [r.json for r in responses]
    with app.app_context():
        answered = db.session.scalar(
            select(func.count())
            .select_from(ReportEvent)
            .where(ReportEvent.action.in_(("transfer_accepted", "transfer_returned")))
        )
        assert answered == 1


def test_the_committee_recalls_a_transfer_the_agency_sits_on(client_for, network, agencies):
    report = _transferred(client_for, network, agencies)
    assert _act(client_for(network.people.star_committee), report["id"], "recall").status_code == 403
    recalled = _act(client_for(network.people.committee), report["id"], "recall")
    assert recalled.status_code == 200 and recalled.json["agency"] is None
    assert recalled.json["assignee"]["id"] == network.people.committee.id
    late = _act(client_for(agencies.staff.west), report["id"], "accept_transfer")
    assert late.status_code == 409 and late.json["code"] == "transfer.not_transferred"


def test_a_reopened_report_goes_back_to_the_same_agency(app, client_for, network, agencies):
    report = _transferred(client_for, network, agencies)
    staff = client_for(agencies.staff.west)
    _act(staff, report["id"], "accept_transfer")
    _act(staff, report["id"], "resolve")
    reopened = client_for(network.people.resident).post(
        f"/api/v1/reports/{report['id']}/confirm", json={"reopen": True, "comment": "还是满的"}
    )
    assert reopened.status_code == 200 and reopened.json["agency"]["name"] == "阳光物业"
    assert client_for(agencies.staff.west).get(f"/api/v1/reports/{report['id']}").json["can"]["resolve"]
    assert _act(staff, report["id"], "resolve").status_code == 200
    with app.app_context():
        transfer = db.session.scalar(select(ReportTransfer))
        assert (transfer.state, transfer.reopen_count) == ("resolved", 1)


def test_the_responsibility_list_routes_a_category_to_an_agency(app, client_for, network, agencies):
    committee = client_for(network.people.committee)
    row = {"category": "rubbish", "handler": "agency", "respond_hours": 4, "resolve_days": 2}
    path = f"/api/v1/communities/{network.sunshine.id}/responsibilities"
    assert committee.put(path, json={"items": [{**row, "agency_id": agencies.east["id"]}]}).status_code == 422
    assert committee.put(path, json={"items": [row]}).status_code == 422
    saved = committee.put(path, json={"items": [{**row, "agency_id": agencies.city["id"]}]})
    assert saved.status_code == 200, saved.json
    rubbish = next(item for item in saved.json["items"] if item["category"] == "rubbish")
    assert (rubbish["handler"], rubbish["agency_id"]) == ("agency", agencies.city["id"])
    report = _report(client_for, network)
    assert report["agency"]["name"] == "静安城管" and report["assignee"] is None
    assert [e["action"] for e in report["events"]] == ["submitted", "transferred"]
    assert report["events"][-1]["actor_role"] == "system"
    with app.app_context():
        transfer = db.session.scalar(select(ReportTransfer))
        assert transfer.transferred_by_id is None
        assert transfer.respond_due_at - transfer.created_at == timedelta(hours=4)
        assert transfer.resolve_due_at - transfer.created_at == timedelta(days=2)
    other = _report(client_for, network, category="street_lights")
    assert other["agency"] is None  # other categories as before


def _sweep(app, after: timedelta) -> dict:
    with app.app_context():
        result = reports.sla_sweep(utcnow() + after)
        commit()
        return result


def test_an_agency_past_its_deadline_is_escalated_once_per_level(app, client_for, network, agencies):
    report = _transferred(client_for, network, agencies)  # rubbish: respond within 12 hours
    assert _sweep(app, timedelta(hours=11))["escalated"] == 0
    assert _sweep(app, timedelta(hours=13))["escalated"] == 1
    assert _sweep(app, timedelta(hours=14))["escalated"] == 0  # run twice: once
    street = timedelta(hours=13) + reports.COMMITTEE_DEADLINE + timedelta(hours=1)
    assert _sweep(app, street)["escalated_to_street"] == 1
    assert _sweep(app, street + timedelta(hours=1))["escalated_to_street"] == 0
    shown = client_for().get(f"/api/v1/reports/{report['id']}").json
    escalated = [e for e in shown["events"] if e["action"] == "escalated"]
    assert len(escalated) == 1 and escalated[0]["note"] == "agency_response"
    assert escalated[0]["agency"]["name"] == "阳光物业"
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "report_escalated")))
        assert agencies.staff.west.id in told and network.people.committee.id in told
        to_street = set(
            db.session.scalars(select(Notification.user_id).where(Notification.kind == "report_escalated_street"))
        )
        assert to_street == {network.people.west_official.id}
