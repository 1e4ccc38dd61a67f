"""The grid found from a pin: the report form's hint must name the grid the report will be routed to."""

from __future__ import annotations

import pytest

from tests.map.conftest import IN_EAST, IN_ELSEWHERE, IN_WEST, OUTSIDE


def grid_at(client, cid, point):
    return client.get(f"/api/v1/communities/{cid}/grids/at", query_string={"lat": point[0], "lng": point[1]})


def test_a_point_inside_a_grid_names_the_grid_and_its_responsible_person(client_for, town):
    """Does a pin in the west grid show that grid and its grid worker's public name (and nothing personal)?"""
    body = grid_at(client_for(town.reporter), town.cid, IN_WEST).json
    assert body["grid"]["id"] == town.grid1
    assert body["grid"]["name"] == "Grid 1"
    assert body["grid"]["responsible"] == {"id": town.worker.id, "display_name": "李网格员"}
    east = grid_at(client_for(), town.cid, IN_EAST).json["grid"]  # visitors too: the polygons are public
    assert east["id"] == town.grid2 and east["responsible"] is None


def test_a_point_outside_every_grid_finds_none(client_for, town):
    """Outside every grid: no grid (the committee routes the report), not an error."""
    response = grid_at(client_for(town.reporter), town.cid, OUTSIDE)
    assert response.status_code == 200 and response.json == {"grid": None}


def test_another_communitys_grid_is_never_found(client_for, town):
    """A point in another community's grid: none of this community's grids, and never the other one."""
    assert grid_at(client_for(town.reporter), town.cid, IN_ELSEWHERE).json == {"grid": None}
    assert grid_at(client_for(town.reporter), town.other_cid, IN_ELSEWHERE).json["grid"]["id"] == town.other.grid_ids[0]


def test_the_hint_is_where_the_report_goes(client_for, town, report_at):
    """Is the grid the form shows the grid the stored report gets?"""
    for point in (IN_WEST, IN_EAST, OUTSIDE):
        hinted = grid_at(client_for(town.reporter), town.cid, point).json["grid"]
        stored = report_at(point)["grid"]
        assert (hinted and hinted["id"]) == (stored and stored["id"])


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"lat": 31.2},
        {"lat": "north", "lng": 121.4},
        {"lat": 91, "lng": 121.4},
        {"lat": 31.2, "lng": -181},
        {"lat": "nan", "lng": 121.4},
        {"lat": "inf", "lng": 121.4},
        {"lat": "1e400", "lng": 121.4},
        {"lat": "3" * 5000, "lng": 121.4},
    ],
)
def test_bad_points_are_a_clear_422(client_for, town, query):
    """Half a point, words, out of range, NaN, infinity, a huge number: 422 problem+json, never a 500."""
    response = client_for(town.reporter).get(f"/api/v1/communities/{town.cid}/grids/at", query_string=query)
    assert response.status_code == 422, response.json
    assert response.content_type.startswith("application/problem+json")


def test_an_unknown_community_is_a_404(client_for, town):
    for cid in (999_999, 2**31 + 5):
        response = grid_at(client_for(town.reporter), cid, IN_WEST)
        assert response.status_code == 404
        assert client_for().get(f"/api/v1/communities/{cid}/map").status_code == 404
