"""The network of tests/network (two streets of 静安区, one of 徐汇区) with agencies and their staff."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.network.conftest import network  # noqa: F401  (the fixture, shared)


@pytest.fixture
def agencies(app, client_for, make_user, network):  # noqa: F811
    """阳光物业 (南京西路街道: 阳光社区, 明月社区), 静安寺物业 (静安寺街道: 星光社区), 静安城管 (静安区: all three),
    and a
    staff account for each."""
    admin = client_for(network.people.admin)

    def register(region, name, kind, communities):
        body = {"name": name, "kind": kind, "community_ids": [c.id for c in communities]}
        response = admin.post(f"/api/v1/regions/{region}/agencies", json=body)
        assert response.status_code == 201, response.json
        return response.json

    regions = network.regions
    west = register(regions.west, "阳光物业", "property", [network.sunshine, network.moon])
    east = register(regions.east, "静安寺物业", "property", [network.star])
    city = register(regions.jingan, "静安城管", "city_management", [network.sunshine, network.moon, network.star])
    staff = SimpleNamespace(
        west=make_user("物业孙经理"), east=make_user("静安寺物业小吴"), city=make_user("城管周队员")
    )
    for agency, user in ((west, staff.west), (east, staff.east), (city, staff.city)):
        response = admin.post(f"/api/v1/agencies/{agency['id']}/members", json={"user_id": user.id})
        assert response.status_code == 201, response.json
    return SimpleNamespace(west=west, east=east, city=city, staff=staff)
