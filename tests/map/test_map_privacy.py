"""The map's data, each as a question: can anyone other than the reporter, the assignee and the committee
get a report's exact point through a map endpoint? Do other communities' reports or hidden ones leak in?"""

from __future__ import annotations

import pytest

from backend.communities.models import Community
from backend.extensions import db
from backend.reports.services import rounded_position
from tests.map.conftest import IN_EAST, IN_ELSEWHERE, IN_WEST


def pins(client, cid, **query) -> dict:
    response = client.get(f"/api/v1/communities/{cid}/map", query_string=query)
    assert response.status_code == 200, response.json
    return {pin["id"]: pin for pin in response.json["reports"]}


def test_neighbours_and_visitors_see_only_the_cells_centre(client_for, town, report_at):
    """Does a neighbour or a visitor get the exact point of a report on the map? (Only its ~100 m cell.)"""
    west, east = report_at(IN_WEST), report_at(IN_EAST, category="rubbish")
    for viewer in (client_for(town.neighbour), client_for(), client_for(town.stranger)):
        seen = pins(viewer, town.cid)
        assert set(seen) == {west["id"], east["id"]}
        for report, point in ((west, IN_WEST), (east, IN_EAST)):
            pin = seen[report["id"]]
            assert pin["position_precision"] == "rounded"
            assert (pin["lat"], pin["lng"]) == rounded_position(*point) != point
            assert "reporter" not in pin and "location_text" not in pin


@pytest.mark.parametrize("who", ["reporter", "committee"])
def test_the_reporter_and_the_committee_see_the_exact_point(client_for, town, report_at, who):
    """Is the map as exact for those who handle the report as its page is?"""
    report = report_at(IN_WEST)
    pin = pins(client_for(getattr(town, who)), town.cid)[report["id"]]
    assert (pin["position_precision"], pin["lat"], pin["lng"]) == ("exact", *IN_WEST)


def test_the_assignee_sees_the_exact_point_the_grid_worker_of_another_grid_does_not(
    client_for, town, report_at, make_member
):
    """Once assigned, does the assignee (and only they, among staff other than the committee) see it exactly?"""
    report = report_at(IN_WEST)
    outsider_worker = make_member(town.community, "grid_worker", grid=1, display_name="孙网格员")
    assigned = client_for(town.committee).post(
        f"/api/v1/reports/{report['id']}/transition", json={"action": "assign", "assignee_id": town.worker.id}
    )
    assert assigned.status_code == 200, assigned.json
    assert pins(client_for(town.worker), town.cid)[report["id"]]["position_precision"] == "exact"
    assert pins(client_for(outsider_worker), town.cid)[report["id"]]["position_precision"] == "rounded"


def test_a_grid_only_community_shows_no_point_on_the_map(app, client_for, town, report_at):
    """With `report_position: grid`, does any coordinate reach a neighbour through the map?"""
    with app.app_context():
        db.session.get(Community, town.cid).settings = {"report_position": "grid"}
        db.session.commit()
    report = report_at(IN_WEST)
    body = client_for(town.neighbour).get(f"/api/v1/communities/{town.cid}/map").json
    assert body["position_mode"] == "grid"
    (pin,) = body["reports"]
    assert (pin["position_precision"], pin["lat"], pin["lng"]) == ("grid", None, None)
    assert pin["grid"]["id"] == town.grid1  # still counted in its grid
    assert pins(client_for(town.committee), town.cid)[report["id"]]["lat"] == IN_WEST[0]


def test_many_reports_from_one_home_reveal_nothing_more(client_for, town, report_at):
    """Do several reports made from points of one cell, read together, narrow the cell down? (All look alike.)"""
    points = [(IN_WEST[0] + i * 0.0001, IN_WEST[1] + j * 0.0001) for i in range(-2, 3) for j in range(-2, 3)]
    points = [p for p in points if rounded_position(*p) == rounded_position(*IN_WEST)]
    for point in points:
        report_at(point)
    seen = {(pin["lat"], pin["lng"]) for pin in pins(client_for(town.neighbour), town.cid).values()}
    assert seen == {rounded_position(*IN_WEST)}


def test_another_communitys_reports_never_appear(client_for, town, report_at):
    """Does a community's map carry reports of another community (even when asked with its grid's id)?"""
    theirs = report_at(IN_ELSEWHERE, by=town.stranger, cid=town.other_cid)
    mine = report_at(IN_WEST)
    assert set(pins(client_for(town.neighbour), town.cid)) == {mine["id"]}
    other_grid = town.other.grid_ids[0]
    assert pins(client_for(town.neighbour), town.cid, grid_id=other_grid) == {}
    assert set(pins(client_for(town.neighbour), town.other_cid)) == {theirs["id"]}


def test_a_hidden_report_is_off_the_map_for_neighbours(app, client_for, town, report_at):
    """Does a report hidden by moderation stay on the map for anyone but its reporter and the committee?"""
    from backend.reports.models import Report

    report = report_at(IN_WEST)
    with app.app_context():
        db.session.get(Report, report["id"]).is_hidden = True
        db.session.commit()
    assert report["id"] not in pins(client_for(town.neighbour), town.cid)
    assert report["id"] not in pins(client_for(), town.cid)
    assert report["id"] in pins(client_for(town.committee), town.cid)


def test_the_map_takes_the_boards_filters(client_for, town, report_at):
    """Are the list and the map two views of the same data (same filters, same reports)?"""
    report_at(IN_WEST)
    accepted = report_at(IN_EAST, category="rubbish")
    client_for(town.committee).post(f"/api/v1/reports/{accepted['id']}/transition", json={"action": "accept"})
    viewer = client_for(town.neighbour)
    queries = ({}, {"status": "accepted"}, {"status": "submitted"}, {"category": "rubbish"}, {"grid_id": town.grid2})
    for query in queries:
        listed = viewer.get(f"/api/v1/communities/{town.cid}/reports", query_string=query).json["items"]
        assert set(pins(viewer, town.cid, **query)) == {r["id"] for r in listed}, query
