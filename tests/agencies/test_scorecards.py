"""How agencies do (issue 19): the committee's and the officials' scorecards per agency and the street's published
monthly league table, checked against a month worked out by hand; the agency's inbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from backend.core.db import utcnow
from backend.extensions import db
from backend.reports.models import ReportTransfer


def _report(client_for, network, text):
    body = {
        "category": "rubbish",
        "description": text,
        "location_text": "3号楼",
        "grid_id": network.sunshine.grid_ids[0],
    }
    response = client_for(network.people.resident).post(f"/api/v1/communities/{network.sunshine.id}/reports", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def _act(client, report_id, action, **body):
    response = client.post(f"/api/v1/reports/{report_id}/transition", json={"action": action, **body})
    assert response.status_code == 200, response.json
    return response.json


def _month(app, client_for, network, agencies):
    """阳光物业: R1 accepted, resolved, rated 4; R2 returned after its response deadline; R3 accepted, resolved,
    reopened. 静安城管: R4 still pending."""
    worker, staff, resident = (
        client_for(network.people.worker),
        client_for(agencies.staff.west),
        client_for(network.people.resident),
    )
    west, city = agencies.west["id"], agencies.city["id"]
    r1, r2, r3, r4 = (_report(client_for, network, f"垃圾{n}") for n in range(1, 5))
    for rid, agency in ((r1, west), (r2, west), (r3, west), (r4, city)):
        _act(worker, rid, "transfer", agency_id=agency)
    _act(staff, r1, "accept_transfer")
    _act(staff, r1, "resolve")
    resident.post(f"/api/v1/reports/{r1}/confirm", json={"stars": 4})
    with app.app_context():
        late = utcnow() - timedelta(hours=1)
        db.session.execute(update(ReportTransfer).where(ReportTransfer.report_id == r2).values(respond_due_at=late))
        db.session.commit()
    _act(staff, r2, "return", note="不归物业管")
    _act(staff, r3, "accept_transfer")
    _act(staff, r3, "resolve")
    resident.post(f"/api/v1/reports/{r3}/confirm", json={"reopen": True, "comment": "还是满的"})
    return r1, r2, r3, r4


WEST_BY_HAND = {
    "received": 3,
    "answered": 3,
    "answered_on_time": 2,
    "response_on_time_share": 0.6667,
    "returned": 1,
    "resolved": 2,
    "resolved_on_time": 2,
    "resolve_on_time_share": 1.0,
    "reopened": 1,
    "reopen_rate": 0.5,
    "ratings": 1,
    "mean_stars": 4.0,
    "open": 1,
    "overdue": 0,
}
CITY_BY_HAND = {
    **dict.fromkeys(WEST_BY_HAND, 0),
    "received": 1,
    "open": 1,
    "response_on_time_share": None,
    "resolve_on_time_share": None,
    "reopen_rate": None,
    "mean_stars": None,
}


def test_the_committees_scorecards_match_the_month_worked_out_by_hand(app, client_for, network, agencies):
    _month(app, client_for, network, agencies)
    response = client_for(network.people.committee).get(f"/api/v1/communities/{network.sunshine.id}/agency-scorecards")
    assert response.status_code == 200, response.json
    cards = {row["agency"]["name"]: row for row in response.json["items"]}
    assert set(cards) == {"阳光物业", "静安城管"}
    assert cards["阳光物业"]["figures"] == WEST_BY_HAND
    assert cards["静安城管"]["figures"] == CITY_BY_HAND
    assert (cards["阳光物业"]["rank"], cards["静安城管"]["rank"]) == (1, 2)


def test_scorecards_are_read_by_the_committee_and_the_officials_above_only(client_for, network, agencies):
    path = f"/api/v1/communities/{network.sunshine.id}/agency-scorecards"
    people = network.people
    for who, status in (
        (people.committee, 200),
        (people.west_official, 200),
        (people.district_official, 200),
        (people.admin, 200),
        (people.east_official, 403),
        (people.far_district_official, 403),
        (people.star_committee, 403),
        (people.resident, 403),
        (people.worker, 403),
        (agencies.staff.west, 403),
    ):
        assert client_for(who).get(path).status_code == status, who.display_name
    assert client_for().get(path).status_code == 401
    assert client_for(people.committee).get(path + "?month=2026-13").status_code == 422
    assert client_for(people.committee).get(path + "?month=x" * 3).status_code == 422


def test_the_streets_league_table_is_published_without_any_person(app, client_for, network, agencies):
    _month(app, client_for, network, agencies)
    league = client_for().get(f"/api/v1/regions/{network.regions.west}/agency-league")
    assert league.status_code == 200, league.json
    assert league.json["region"]["name"] == "南京西路街道"
    assert [(row["rank"], row["agency"]["name"]) for row in league.json["items"]] == [(1, "阳光物业"), (2, "静安城管")]
    assert league.json["items"][0]["figures"] == WEST_BY_HAND
    for name in ("物业孙经理", "城管周队员", "张阿姨", "李网格员", "@"):
        assert name not in league.text
    district = client_for().get(f"/api/v1/regions/{network.regions.jingan}/agency-league").json
    assert [row["agency"]["name"] for row in district["items"]] == [
        "阳光物业",
        "静安城管",
        "静安寺物业",
    ]  # nothing: last
    east = client_for().get(f"/api/v1/regions/{network.regions.east}/agency-league").json
    assert [row["agency"]["name"] for row in east["items"]] == ["静安城管", "静安寺物业"]  # no figures: by name
    assert east["items"][0]["figures"]["received"] == 0  # 静安城管's transfers are in another street
    past = client_for().get(f"/api/v1/regions/{network.regions.west}/agency-league?month=2020-01").json
    assert all(row["figures"]["received"] == 0 for row in past["items"])
    assert client_for().get("/api/v1/regions/99999/agency-league").status_code == 404


def test_the_agencys_inbox_lists_its_transfers_for_its_staff_and_registrars(app, client_for, network, agencies):
    r1, r2, r3, r4 = _month(app, client_for, network, agencies)
    west = agencies.west["id"]
    inbox = client_for(agencies.staff.west).get(f"/api/v1/agencies/{west}/transfers")
    assert inbox.status_code == 200, inbox.json
    assert [(t["report"]["id"], t["state"]) for t in inbox.json["items"]] == [(r3, "accepted")]
    assert "张阿姨" not in inbox.text and "reporter" not in inbox.text
    returned = client_for(agencies.staff.west).get(f"/api/v1/agencies/{west}/transfers?state=returned").json
    assert [(t["report"]["id"], t["return_reason"]) for t in returned["items"]] == [(r2, "不归物业管")]
    assert client_for(network.people.west_official).get(f"/api/v1/agencies/{west}/transfers").status_code == 200
    for who in (agencies.staff.east, agencies.staff.city, network.people.committee, network.people.east_official):
        assert client_for(who).get(f"/api/v1/agencies/{west}/transfers").status_code == 403
    city = client_for(agencies.staff.city).get(f"/api/v1/agencies/{agencies.city['id']}/transfers").json
    assert [(t["report"]["id"], t["state"], t["is_late"]) for t in city["items"]] == [(r4, "pending", False)]
    with app.app_context():
        assert db.session.scalar(select(ReportTransfer.state).where(ReportTransfer.report_id == r1)) == "resolved"
