"""A community with two mapped grids, a grid worker for grid 1, a committee member and residents."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from backend.communities.models import Grid
from backend.extensions import db

# Two side-by-side boxes (lng, lat): grid 1 west, grid 2 east.
WEST = {
    "type": "Polygon",
    "coordinates": [[[121.470, 31.230], [121.473, 31.230], [121.473, 31.235], [121.470, 31.235], [121.470, 31.230]]],
}
EAST = {
    "type": "Polygon",
    "coordinates": [[[121.473, 31.230], [121.476, 31.230], [121.476, 31.235], [121.473, 31.235], [121.473, 31.230]]],
}
IN_WEST = (31.2320, 121.4710)  # lat, lng
IN_EAST = (31.2320, 121.4750)
OUTSIDE = (31.2500, 121.5000)


@pytest.fixture
def place(app, make_community, make_member):
    community = make_community(grids=2)
    with app.app_context():
        db.session.get(Grid, community.grid_ids[0]).polygon = WEST
        db.session.get(Grid, community.grid_ids[1]).polygon = EAST
        db.session.commit()
    return SimpleNamespace(
        community=community,
        cid=community.id,
        grid1=community.grid_ids[0],
        grid2=community.grid_ids[1],
        committee=make_member(community, "committee", display_name="王主任"),
        worker=make_member(community, "grid_worker", grid=0, display_name="李网格员"),
        reporter=make_member(community, grid=0, display_name="张阿姨"),
        neighbour=make_member(community, grid=0, display_name="赵大爷"),
        other=make_member(community, grid=1, display_name="钱老师"),
        pending=make_member(community, status="pending", grid=0),
    )


@pytest.fixture
def new_report(client_for, place):
    """new_report(**body) -> report JSON, posted by the reporter (defaults: street lights in grid 1)."""

    def make(by=None, **body):
        payload = {
            "category": "street_lights",
            "description": "3号楼门口的路灯不亮了",
            "lat": IN_WEST[0],
            "lng": IN_WEST[1],
            **body,
        }
        response = client_for(by or place.reporter).post(f"/api/v1/communities/{place.cid}/reports", json=payload)
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def act(client_for):
    """act(user, rid, action, **body) -> response of POST /reports/{rid}/transition."""

    def do(user, rid, action, **body):
        return client_for(user).post(f"/api/v1/reports/{rid}/transition", json={"action": action, **body})

    return do


def shift(hours=0, days=0):
    from backend.core.db import utcnow

    return utcnow() + timedelta(hours=hours, days=days)
