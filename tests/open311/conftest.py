"""Open311 fixtures: two communities, a platform admin, an API key issued through the API."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def city(make_community, make_member, make_user):
    north = make_community("北苑社区", grids=2)
    south = make_community("南苑社区", grids=1)
    return SimpleNamespace(
        north=north,
        south=south,
        admin=make_user("平台管理员", platform_admin=True),
        committee=make_member(north, role="committee", display_name="王主任"),
        worker=make_member(north, role="grid_worker", grid=0, display_name="李网格"),
        resident=make_member(north, display_name="张阿姨"),
        south_committee=make_member(south, role="committee", display_name="赵主任"),
    )


@pytest.fixture
def issue_key(client_for, city):
    """issue_key(name) -> the key itself (as the platform admin saw it once)."""

    def issue(name: str = "12345 市级平台") -> str:
        response = client_for(city.admin).post("/api/v1/api-keys", json={"name": name})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["key"]

    return issue
