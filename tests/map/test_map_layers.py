"""A community's map: grids, layers, activities at their grid's centre, bad input."""

from __future__ import annotations

import pytest

from backend.maps.services import polygon_centre
from tests.map.conftest import EAST, IN_WEST, WEST
from tests.volunteering.conftest import make_activity


@pytest.fixture
def organisation(client_for, town):
    created = client_for(town.reporter).post(
        f"/api/v1/communities/{town.cid}/organisations",
        json={"name": "阳光志愿者协会", "kind": "volunteer_group", "description": "社区清洁"},
    )
    assert created.status_code == 201, created.json
    oid = created.json["id"]
    assert client_for(town.committee).post(f"/api/v1/organisations/{oid}/verify").status_code == 200
    return oid


def test_activities_stand_at_the_centre_of_their_grid(client_for, town, organisation):
    """Is an activity of the east grid drawn at that grid's centre, and a community-wide one at no point?"""
    in_east = make_activity(client_for(town.reporter), organisation, grid_ids=[town.grid2], title="东区清洁")
    everywhere = make_activity(client_for(town.reporter), organisation, title="全社区清洁")
    body = client_for().get(f"/api/v1/communities/{town.cid}/map").json
    by_id = {a["id"]: a for a in body["activities"]}
    assert (by_id[in_east["id"]]["lat"], by_id[in_east["id"]]["lng"]) == (31.2325, 121.4745)
    assert (by_id[everywhere["id"]]["lat"], by_id[everywhere["id"]]["lng"]) == (None, None)
    assert by_id[in_east["id"]]["title"] == "东区清洁" and by_id[in_east["id"]]["location"] == "中心花园"
    assert "shifts" not in by_id[in_east["id"]] and "description" not in by_id[in_east["id"]]


def test_grids_come_with_their_polygons_in_order(client_for, town):
    body = client_for().get(f"/api/v1/communities/{town.cid}/map").json
    assert [(g["id"], g["polygon"]) for g in body["grids"]] == [(town.grid1, WEST), (town.grid2, EAST)]
    assert body["position_mode"] == "rounded" and body["reports_truncated"] is False


def test_layers_can_be_chosen(client_for, town, report_at, organisation):
    report_at(IN_WEST)
    make_activity(client_for(town.reporter), organisation, grid_ids=[town.grid1])
    only_reports = client_for().get(f"/api/v1/communities/{town.cid}/map?layers=reports").json
    assert len(only_reports["reports"]) == 1 and only_reports["activities"] == []
    only_activities = client_for().get(f"/api/v1/communities/{town.cid}/map?layers=activities").json
    assert only_activities["reports"] == [] and len(only_activities["activities"]) == 1


@pytest.mark.parametrize(
    "query",
    ["layers=people", "layers=reports,reports,reports", "status=lost", "grid_id=x", "overdue=maybe"],
)
def test_bad_map_queries_are_a_422(client_for, town, query):
    response = client_for().get(f"/api/v1/communities/{town.cid}/map?{query}")
    assert response.status_code == 422, response.json
    assert response.content_type.startswith("application/problem+json")


def test_the_centre_of_a_grid_copes_with_bad_polygons():
    """A polygon drawn badly leaves its activities off the map, it does not fail the map."""
    assert polygon_centre(None) is None
    assert polygon_centre({"type": "Point", "coordinates": [1, 2]}) is None
    assert polygon_centre({"type": "Polygon", "coordinates": [[["a", "b"], [1, 2], [3, 4]]]}) is None
    assert polygon_centre({"type": "Polygon", "coordinates": [[[1, 2]]]}) is None
    assert polygon_centre({"type": "Polygon", "coordinates": [[[1, 1], [2, 2], [3, 3]]]}) == (2.0, 2.0)
    assert polygon_centre(WEST) == (31.2325, 121.4715)


@pytest.mark.parametrize("who", ["neighbour", "committee"])
def test_the_maps_queries_do_not_grow_with_its_pins(client_for, town, report_at, count_queries, who):
    """Is a map of 30 pins as many statements as a map of 3 (no query per pin)?"""
    viewer = client_for(getattr(town, who))

    def statements() -> list[str]:
        # twice, the shorter: the first may look the session up (its cache lasts a few seconds)
        seen = []
        for _ in range(2):
            with count_queries() as counter:
                assert viewer.get(f"/api/v1/communities/{town.cid}/map").status_code == 200
            seen.append([s.split("\n")[0][:100] for s in counter.statements])
        return min(seen, key=len)

    for i in range(3):
        report_at((IN_WEST[0] + i * 0.0003, IN_WEST[1]))
    few = statements()
    for i in range(27):
        report_at((IN_WEST[0] + i * 0.0001, IN_WEST[1] + 0.001), by=town.neighbour if i % 2 else None)
    many = statements()
    assert len(many) == len(few), "\n".join(many)
