"""Aid fixtures: a community with an author, two helpers, a pending newcomer and a committee member."""

from types import SimpleNamespace

import pytest

CONTACT_KEYS = {"email", "phone", "household", "building", "unit", "room"}


@pytest.fixture
def town(make_community, make_member):
    community = make_community("阳光社区")
    return SimpleNamespace(
        community=community,
        cid=community.id,
        author=make_member(community, display_name="张阿姨", phone="13800000001"),
        helper=make_member(community, display_name="周师傅", phone="13800000002"),
        other=make_member(community, display_name="孙姐"),
        pending=make_member(community, status="pending", display_name="小陈"),
        committee=make_member(community, role="committee", display_name="王主任"),
    )


def post_request(client, cid, **overrides):
    body = {
        "kind": "request",
        "category": "health_escort",
        "title": "陪老人去医院",
        "body": "周三上午去瑞金医院复查",
        **overrides,
    }
    response = client.post(f"/api/v1/communities/{cid}/aid", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def walk_keys(value):
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_keys(item)
