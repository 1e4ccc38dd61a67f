"""Who is responsible for what (权责清单, issue 19): per category, who handles a report and with which deadlines;
published to anyone, edited by the committee (audited), applied when a report is made."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.notifications.models import Notification

NOISE_TO_COMMITTEE = {"category": "noise", "handler": "committee", "respond_hours": 6, "resolve_days": 2}


def _path(network):
    return f"/api/v1/communities/{network.sunshine.id}/responsibilities"


def test_anyone_reads_the_published_list_with_the_defaults(client_for, network):
    response = client_for().get(_path(network))
    assert response.status_code == 200
    rows = {row["category"]: row for row in response.json["items"]}
    assert rows["safety_hazard"] == {
        "category": "safety_hazard",
        "label": "安全隐患",
        "handler": "grid_worker",
        "agency_id": None,
        "respond_hours": 2,
        "resolve_days": 1,
    }
    assert response.json["community"]["name"] == "阳光社区"


def test_the_committee_edits_it_audited_and_new_reports_follow_it(app, client_for, network):
    people = network.people
    changed = client_for(people.committee).put(_path(network), json={"items": [NOISE_TO_COMMITTEE]})
    assert changed.status_code == 200, changed.json
    rows = {row["category"]: row for row in changed.json["items"]}
    assert (rows["noise"]["handler"], rows["noise"]["respond_hours"], rows["noise"]["resolve_days"]) == (
        "committee",
        6,
        2,
    )
    assert rows["street_lights"]["handler"] == "grid_worker"  # left out: unchanged
    resident = client_for(people.resident)
    place = {"location_text": "3号楼", "grid_id": network.sunshine.grid_ids[0], "description": "半夜装修"}
    noise = resident.post(
        f"/api/v1/communities/{network.sunshine.id}/reports", json={"category": "noise", **place}
    ).json
    lamp = resident.post(
        f"/api/v1/communities/{network.sunshine.id}/reports", json={"category": "street_lights", **place}
    ).json
    assert noise["assignee"] is None and lamp["assignee"]["display_name"] == "李网格员"
    created = datetime.fromisoformat(noise["created_at"])
    assert (datetime.fromisoformat(noise["response_due_at"]) - created).total_seconds() == 6 * 3600
    assert (datetime.fromisoformat(noise["resolve_due_at"]) - created).days == 2
    with app.app_context():
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "report_submitted").order_by(Notification.id)
        ).all()
        assert told == [people.committee.id, people.worker.id]  # noise to the committee, the lamp to the grid
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "responsibilities.update"))
        assert [row["category"] for row in entry.after["items"]] == ["noise"]
        assert entry.before["items"][0]["handler"] == "grid_worker"
    assert client_for().get(_path(network)).json["items"][4]["handler"] == "committee"  # published at once


@pytest.mark.parametrize("who", ["resident", "worker", "star_committee", "west_official"])
def test_only_the_communitys_committee_edits_it(client_for, network, who):
    response = client_for(getattr(network.people, who)).put(_path(network), json={"items": [NOISE_TO_COMMITTEE]})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "row",
    [
        {**NOISE_TO_COMMITTEE, "category": "fireworks"},  # not a category of the community
        {**NOISE_TO_COMMITTEE, "handler": "agency", "agency_id": 1},  # no agency serves it (yet)
        {**NOISE_TO_COMMITTEE, "handler": "mayor"},
        {**NOISE_TO_COMMITTEE, "respond_hours": 0},
        {**NOISE_TO_COMMITTEE, "resolve_days": 100000},
        {**NOISE_TO_COMMITTEE, "respond_hours": "soon"},
    ],
)
def test_a_bad_row_changes_nothing(client_for, network, row):
    committee = client_for(network.people.committee)
    response = committee.put(_path(network), json={"items": [row]})
    assert response.status_code == 422, response.json
    assert client_for().get(_path(network)).json["items"][4]["handler"] == "grid_worker"


def test_a_category_twice_or_a_huge_list_is_refused(client_for, network):
    committee = client_for(network.people.committee)
    twice = committee.put(_path(network), json={"items": [NOISE_TO_COMMITTEE, NOISE_TO_COMMITTEE]})
    assert twice.status_code == 422
    huge = committee.put(_path(network), json={"items": [NOISE_TO_COMMITTEE] * 5000})
    assert huge.status_code == 422


def test_an_unknown_community_is_404(client_for, network):
    assert client_for().get("/api/v1/communities/999999/responsibilities").status_code == 404
