"""The platform admin's hierarchy (district → street → community), moving a community to another street, the
first committee member, and the staff list a report is handed to: each open only to whom it is for."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.extensions import db


@pytest.fixture
def admin(make_user):
    return make_user("平台管理员", platform_admin=True)


def make_region(client, kind, name, parent_id=None):
    body = {"kind": kind, "name": name} | ({"parent_id": parent_id} if parent_id else {})
    response = client.post("/api/v1/regions", json=body)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def hierarchy(client_for, admin):
    client = client_for(admin)
    district = make_region(client, "district", "静安区")
    west = make_region(client, "street", "南京西路街道", district["id"])
    east = make_region(client, "street", "静安寺街道", district["id"])
    created = client.post("/api/v1/communities", json={"name": "阳光社区", "street_id": west["id"]})
    assert created.status_code == 201, created.json
    return {"district": district, "west": west, "east": east, "community": created.json}


def test_the_admin_lists_districts_then_streets_with_their_communities(client_for, admin, hierarchy):
    response = client_for(admin).get("/api/v1/regions")
    assert response.status_code == 200
    items = response.json["items"]
    assert [(r["kind"], r["name"]) for r in items] == [
        ("district", "静安区"),
        ("street", "南京西路街道"),
        ("street", "静安寺街道"),
    ]
    west = next(r for r in items if r["id"] == hierarchy["west"]["id"])
    assert [c["name"] for c in west["communities"]] == ["阳光社区"]
    assert west["parent_id"] == hierarchy["district"]["id"]


@pytest.mark.parametrize("who, status", [(None, 401), ("resident", 403), ("committee", 403)])
def test_only_platform_admins_read_or_change_the_hierarchy(
    client_for, make_community, make_member, hierarchy, who, status
):
    community = make_community()
    user = make_member(community, who) if who else None
    client = client_for(user)
    cid = hierarchy["community"]["id"]
    assert client.get("/api/v1/regions").status_code == status
    assert client.patch(f"/api/v1/communities/{cid}", json={"street_id": hierarchy["east"]["id"]}).status_code == status
    assert client.patch(f"/api/v1/communities/{community.id}", json={"name": "改名"}).status_code == status


def test_moving_a_community_to_another_street_is_audited(app, client_for, admin, hierarchy):
    cid = hierarchy["community"]["id"]
    moved = client_for(admin).patch(
        f"/api/v1/communities/{cid}", json={"street_id": hierarchy["east"]["id"], "name_en": "Sunshine"}
    )
    assert moved.status_code == 200, moved.json
    assert (moved.json["street"], moved.json["street_id"], moved.json["name_en"]) == (
        "静安寺街道",
        hierarchy["east"]["id"],
        "Sunshine",
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "community.update"))
        assert entry.before == {"street_id": hierarchy["west"]["id"], "name_en": None}
        assert entry.after == {"street_id": hierarchy["east"]["id"], "name_en": "Sunshine"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"street_id": 999_999}, "street_id"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"grids": []}, "grids"),
    ],
)
def test_a_bad_change_is_refused_and_changes_nothing(client_for, admin, hierarchy, body, field):
    cid = hierarchy["community"]["id"]
    response = client_for(admin).patch(f"/api/v1/communities/{cid}", json=body)
    assert response.status_code == 422 and field in response.json["errors"]
    assert client_for(admin).get(f"/api/v1/communities/{cid}").json["street_id"] == hierarchy["west"]["id"]


def test_a_district_is_no_street_to_move_to(client_for, admin, hierarchy):
    cid = hierarchy["community"]["id"]
    response = client_for(admin).patch(f"/api/v1/communities/{cid}", json={"street_id": hierarchy["district"]["id"]})
    assert response.status_code == 422 and "street_id" in response.json["errors"]


def test_the_admin_appoints_the_first_committee_member(client_for, admin, make_user, hierarchy):
    cid = hierarchy["community"]["id"]
    chair = make_user("王主任")
    joined = client_for(chair).post(
        f"/api/v1/communities/{cid}/join", json={"building": "1", "unit": "1", "room": "101"}
    )
    assert joined.status_code == 201
    client = client_for(admin)
    assert client.post(f"/api/v1/communities/{cid}/members/{chair.id}/verify").status_code == 200
    appointed = client.put(f"/api/v1/communities/{cid}/members/{chair.id}/role", json={"role": "committee"})
    assert appointed.status_code == 200 and appointed.json["role"] == "committee"
    # from now on the committee can do its own work
    assert client_for(chair).get(f"/api/v1/communities/{cid}/members").status_code == 200


def test_staff_see_the_staff_by_name_with_their_grids(client_for, make_community, make_member):
    community = make_community(grids=2)
    chair = make_member(community, "committee", display_name="王主任", grid=None)
    worker = make_member(community, "grid_worker", grid=1, display_name="李网格员")
    resident = make_member(community, display_name="张阿姨")
    make_member(community, "grid_worker", status="pending", display_name="还没核实")
    response = client_for(worker).get(f"/api/v1/communities/{community.id}/staff")
    assert response.status_code == 200
    staff = {s["user"]["display_name"]: s for s in response.json["items"]}
    assert set(staff) == {"王主任", "李网格员"}
    assert staff["李网格员"]["grid_ids"] == [community.grid_ids[1]] and staff["王主任"]["role"] == "committee"
    assert set(staff["李网格员"]["user"]) == {"id", "display_name"}  # a name, never a contact
    assert client_for(resident).get(f"/api/v1/communities/{community.id}/staff").status_code == 403
    assert client_for(None).get(f"/api/v1/communities/{community.id}/staff").status_code == 401
    other = make_community()
    assert client_for(chair).get(f"/api/v1/communities/{other.id}/staff").status_code == 403
