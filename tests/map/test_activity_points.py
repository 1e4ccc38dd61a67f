"""An activity's own place on the map: stored in WGS-84, exact for everyone (a public place), on the map, on
its page and in the calendar (GEO); both coordinates or neither."""

import pytest
from icalendar import Calendar

from tests.map.conftest import IN_EAST, IN_WEST
from tests.volunteering.conftest import at


@pytest.fixture
def organisation(client_for, town):
    """A verified organisation run by town.reporter."""
    created = client_for(town.reporter).post(
        f"/api/v1/communities/{town.cid}/organisations", json={"name": "楼组志愿队", "kind": "volunteer_group"}
    )
    assert created.status_code == 201, created.json
    assert client_for(town.committee).post(f"/api/v1/organisations/{created.json['id']}/verify").status_code == 200
    return created.json["id"]


def create(client, oid, **fields):
    body = {
        "title": "楼道清理",
        "location": "5栋楼下",
        "shifts": [{"starts_at": at(60), "ends_at": at(120), "capacity": 3}],
        **fields,
    }
    return client.post(f"/api/v1/organisations/{oid}/activities", json=body)


def test_an_activity_placed_on_the_map_stands_at_its_own_point_for_everyone(client_for, town, organisation):
    """Is the pin exactly where the organiser put it, for a visitor too, and not at its grid's centre?"""
    created = create(client_for(town.reporter), organisation, lat=IN_WEST[0], lng=IN_WEST[1], grid_ids=[town.grid2])
    assert created.status_code == 201, created.json
    activity = created.json
    assert (activity["lat"], activity["lng"]) == IN_WEST
    for reader in (None, town.neighbour, town.committee):
        page = client_for(reader).get(f"/api/v1/activities/{activity['id']}").json
        assert (page["lat"], page["lng"]) == IN_WEST
        on_map = {a["id"]: a for a in client_for(reader).get(f"/api/v1/communities/{town.cid}/map").json["activities"]}
        assert (on_map[activity["id"]]["lat"], on_map[activity["id"]]["lng"]) == IN_WEST
    event = Calendar.from_ical(client_for().get(f"/api/v1/activities/{activity['id']}.ics").data).walk("VEVENT")[0]
    assert (event["GEO"].latitude, event["GEO"].longitude) == pytest.approx(IN_WEST)


def test_an_activity_without_a_point_has_none(client_for, town, organisation):
    created = create(client_for(town.reporter), organisation, grid_ids=[town.grid2])
    assert (created.json["lat"], created.json["lng"]) == (None, None)
    event = Calendar.from_ical(client_for().get(f"/api/v1/activities/{created.json['id']}.ics").data).walk("VEVENT")
    assert "GEO" not in event[0]


@pytest.mark.parametrize(
    "point",
    [
        f'"lat": {IN_EAST[0]}',
        f'"lng": {IN_EAST[1]}',
        f'"lat": {IN_EAST[0]}, "lng": null',
        '"lat": 91, "lng": 121.47',
        '"lat": 31.2, "lng": -181',
        '"lat": "north", "lng": 121.47',
        '"lat": 1e999, "lng": 121.47',
        '"lat": NaN, "lng": 121.47',
    ],
)
def test_half_a_point_or_one_off_the_globe_is_refused_and_nothing_is_written(client_for, town, organisation, point):
    client = client_for(town.reporter)
    before = client.get(f"/api/v1/organisations/{organisation}/activities").json["items"]
    shift = f'{{"starts_at": "{at(60)}", "ends_at": "{at(120)}", "capacity": 3}}'
    body = f'{{"title": "楼道清理", "location": "5栋楼下", "shifts": [{shift}], {point}}}'
    refused = client.post(
        f"/api/v1/organisations/{organisation}/activities", data=body, content_type="application/json"
    )
    assert refused.status_code in (400, 422), refused.json
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/organisations/{organisation}/activities").json["items"] == before
