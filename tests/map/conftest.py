"""A community with two mapped grids side by side (west and east), their people, and a second community."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from backend.communities.models import Grid
from backend.extensions import db


def box(west: float, south: float, east: float, north: float) -> dict:
    """A GeoJSON Polygon (lng, lat) for a rectangle."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


WEST = box(121.470, 31.230, 121.473, 31.235)
EAST = box(121.473, 31.230, 121.476, 31.235)
ELSEWHERE = box(121.500, 31.250, 121.503, 31.253)  # another community's grid, 3 km away
IN_WEST = (31.232417, 121.471263)  # lat, lng: deliberately not on a cell's centre
IN_EAST = (31.232911, 121.474788)
IN_ELSEWHERE = (31.2515, 121.5015)
OUTSIDE = (31.2600, 121.5200)


def set_polygons(app, community, *polygons) -> None:
    with app.app_context():
        for grid_id, polygon in zip(community.grid_ids, polygons, strict=True):
            db.session.get(Grid, grid_id).polygon = polygon
        db.session.commit()


@pytest.fixture
def town(app, make_community, make_member):
    community = make_community("阳光社区", grids=2)
    set_polygons(app, community, WEST, EAST)
    other = make_community("邻社区", grids=1)
    set_polygons(app, other, ELSEWHERE)
    return SimpleNamespace(
        community=community,
        cid=community.id,
        grid1=community.grid_ids[0],
        grid2=community.grid_ids[1],
        committee=make_member(community, "committee", display_name="王主任"),
        worker=make_member(community, "grid_worker", grid=0, display_name="李网格员"),
        reporter=make_member(community, grid=0, display_name="张阿姨"),
        neighbour=make_member(community, grid=1, display_name="赵大爷"),
        other=other,
        other_cid=other.id,
        stranger=make_member(other, display_name="外人"),
    )


@pytest.fixture
def report_at(client_for, town):
    """report_at(point, by=None, **body) -> the report as its reporter sees it (posted by town.reporter)."""

    def make(point, by=None, cid=None, **body):
        payload = {"category": "street_lights", "description": "路灯不亮了", "lat": point[0], "lng": point[1], **body}
        response = client_for(by or town.reporter).post(f"/api/v1/communities/{cid or town.cid}/reports", json=payload)
        assert response.status_code == 201, response.json
        return response.json

    return make
