"""Volunteering fixtures: a community with a verified organisation run by `org`, and residents."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from backend.core.db import utcnow


@pytest.fixture
def hood(make_community, make_member, client_for):
    community = make_community("阳光社区")
    people = SimpleNamespace(
        community=community,
        cid=community.id,
        org=make_member(community, display_name="刘志愿", phone="13900000001"),
        committee=make_member(community, role="committee", display_name="王主任"),
        residents=[make_member(community, display_name=f"居民{i}", phone=f"1390000010{i}") for i in range(6)],
        pending=make_member(community, status="pending", display_name="小陈"),
    )
    created = client_for(people.org).post(
        f"/api/v1/communities/{people.cid}/organisations",
        json={"name": "阳光志愿者协会", "kind": "volunteer_group", "description": "社区清洁、敬老院探访"},
    )
    assert created.status_code == 201, created.get_json()
    people.oid = created.get_json()["id"]
    assert client_for(people.committee).post(f"/api/v1/organisations/{people.oid}/verify").status_code == 200
    return people


def at(minutes: float) -> str:
    return (utcnow() + timedelta(minutes=minutes)).isoformat()


def make_activity(client, oid, *shifts, **overrides):
    """shifts: (start in minutes from now, length in minutes, capacity)."""
    body = {
        "title": "社区清洁日",
        "description": "清理绿地和楼道",
        "location": "中心花园",
        "skills": ["清洁"],
        "shifts": [
            {"starts_at": at(s), "ends_at": at(s + length), "capacity": cap}
            for s, length, cap in (shifts or [(24 * 60, 120, 3)])
        ],
        **overrides,
    }
    response = client.post(f"/api/v1/organisations/{oid}/activities", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
