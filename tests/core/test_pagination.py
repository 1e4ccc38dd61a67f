"""Keyset pagination: every item exactly once, stable while new items arrive, bad cursors refused."""

import pytest

from backend.communities.models import Community
from backend.extensions import db


@pytest.fixture
def many_communities(app):
    with app.app_context():
        db.session.add_all([Community(name=f"社区 {i:02d}", description="", settings={}) for i in range(45)])
        db.session.commit()


def test_walks_every_item_once(client, many_communities):
    seen, cursor = [], None
    while True:
        query = "/api/v1/communities?limit=20" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(query).json
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 45 and len(set(seen)) == 45 and seen == sorted(seen)


def test_items_added_meanwhile_do_not_shift_pages(app, client, many_communities):
    first = client.get("/api/v1/communities?limit=10").json
    with app.app_context():
        db.session.add(Community(name="新来的", description="", settings={}))
        db.session.commit()
    second = client.get(f"/api/v1/communities?limit=10&cursor={first['next_cursor']}").json
    assert second["items"][0]["id"] == first["items"][-1]["id"] + 1


def test_search_filters_by_name(client, many_communities):
    assert [c["name"] for c in client.get("/api/v1/communities?q=社区 07").json["items"]] == ["社区 07"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=abc", "cursor=not-a-cursor", "cursor=WzEsMl0"])
def test_bad_paging_arguments_are_422(client, query):
    response = client.get(f"/api/v1/communities?{query}")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
