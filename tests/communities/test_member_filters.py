"""The members listing narrowed by role and by a part of the name: what the owner pickers ask for."""

import pytest


def ids(response):
    assert response.status_code == 200, response.json
    return sorted(m["user"]["id"] for m in response.json["items"])


@pytest.fixture
def street(make_community, make_member, make_user):
    """A community with a chair, a grid worker and residents, and a neighbouring community with its own chair."""
    community, other = make_community(), make_community()
    people = {
        "chair": make_member(community, "committee", display_name="王主任"),
        "worker": make_member(community, "grid_worker", display_name="李网格"),
        "resident": make_member(community, display_name="王小明"),
        "percent": make_member(community, display_name="100%_sure"),
        "pending": make_member(community, "grid_worker", status="pending", display_name="赵待审"),
        "elsewhere": make_member(other, "committee", display_name="王外区"),
    }
    return community, other, people


def test_role_filter_lists_only_the_staff_a_picker_offers(client_for, street):
    """Can the owner picker ask for the committee and the grid workers only, not the first 100 members?"""
    community, _, p = street
    client = client_for(p["chair"])
    url = f"/api/v1/communities/{community.id}/members"
    assert ids(client.get(f"{url}?role=committee&role=grid_worker&status=verified")) == sorted(
        [p["chair"].id, p["worker"].id]
    )
    assert ids(client.get(f"{url}?role=grid_worker")) == sorted([p["worker"].id, p["pending"].id])


def test_name_search_matches_a_part_of_the_name_in_this_community_only(client_for, street):
    """Does typing 王 find this community's 王s, and never the neighbouring community's?"""
    community, _, p = street
    client = client_for(p["chair"])
    url = f"/api/v1/communities/{community.id}/members"
    assert ids(client.get(f"{url}?q=王")) == sorted([p["chair"].id, p["resident"].id])
    assert ids(client.get(f"{url}?q=王&role=committee")) == [p["chair"].id]
    assert ids(client.get(f"{url}?q=nobody")) == []


def test_like_wildcards_in_the_search_are_taken_literally(client_for, street):
    """Can a search of % or _ list everyone (a LIKE wildcard), or only the names that hold them?"""
    community, _, p = street
    client = client_for(p["chair"])
    url = f"/api/v1/communities/{community.id}/members"
    assert ids(client.get(f"{url}?q=%25")) == [p["percent"].id]
    assert ids(client.get(f"{url}?q=_")) == [p["percent"].id]
    assert ids(client.get(f"{url}?q=%5C")) == []


@pytest.mark.parametrize(
    "query",
    ["role=mayor", "role=platform_admin", "q=" + "王" * 41, "q=", "role=" + "&role=".join(["resident"] * 5)],
)
def test_bad_filters_are_a_clear_422(client_for, street, query):
    """Does an unknown role, an empty or huge search give one problem+json 422, never a 500?"""
    community, _, p = street
    response = client_for(p["chair"]).get(f"/api/v1/communities/{community.id}/members?{query}")
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_filters_do_not_open_the_listing_to_others(client_for, street):
    """May a resident, or another community's chair, list the staff by filtering? (no: committee only)"""
    community, _, p = street
    url = f"/api/v1/communities/{community.id}/members?role=committee&q=王"
    assert client_for(p["resident"]).get(url).status_code == 403
    assert client_for(p["elsewhere"]).get(url).status_code == 403
