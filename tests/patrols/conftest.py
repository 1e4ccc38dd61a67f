"""Patrol fixtures: the network's streets and districts (tests/network/conftest.py) with a second grid worker in
阳光社区 (grid 2) and a grid worker of 星光社区 (another street)."""

from types import SimpleNamespace

import pytest

from tests.network.conftest import network  # noqa: F401  (the fixture, reused)


@pytest.fixture
def town(network, make_member):  # noqa: F811
    people = network.people
    people.other_worker = make_member(network.sunshine, "grid_worker", grid=1, display_name="周网格员")
    people.star_worker = make_member(network.star, "grid_worker", grid=0, display_name="星光网格员")
    return SimpleNamespace(**vars(network), cid=network.sunshine.id, grids=network.sunshine.grid_ids)


def start(client, town, grid=0, **body):
    return client.post(f"/api/v1/communities/{town.cid}/patrols", json={"grid_id": town.grids[grid], **body})
