"""Organisations, their verification, activities and who may publish them."""

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.communities.models import Membership
from backend.extensions import db
from backend.notifications.models import Notification

from .conftest import at, make_activity


def test_a_resident_registers_an_organisation_that_the_committee_verifies(app, make_community, make_member, client_for):
    """Is a new organisation pending, hidden from the public, and published after verification (audited)?"""
    community = make_community()
    founder, committee = make_member(community), make_member(community, role="committee")
    created = client_for(founder).post(
        f"/api/v1/communities/{community.id}/organisations", json={"name": "邻里互助社", "kind": "social_organisation"}
    )
    assert created.status_code == 201
    org = created.get_json()
    assert org["status"] == "pending" and org["is_admin"] and org["admins"][0]["id"] == founder.id
    assert client_for().get(f"/api/v1/communities/{community.id}/organisations").get_json()["items"] == []
    assert client_for().get(f"/api/v1/organisations/{org['id']}").status_code == 404
    assert client_for(founder).get(f"/api/v1/organisations/{org['id']}").status_code == 200
    queue = client_for(committee).get(f"/api/v1/communities/{community.id}/organisations?status=pending").get_json()
    assert [o["id"] for o in queue["items"]] == [org["id"]]
    assert (
        client_for(founder).get(f"/api/v1/communities/{community.id}/organisations?status=pending").status_code == 403
    )
    duplicate = client_for(committee).post(
        f"/api/v1/communities/{community.id}/organisations", json={"name": "邻里互助社"}
    )
    assert duplicate.get_json()["code"] == "volunteering.organisation_name_taken"

    early = client_for(founder).post(
        f"/api/v1/organisations/{org['id']}/activities",
        json={
            "title": "敬老院探访",
            "location": "康乐敬老院",
            "shifts": [{"starts_at": at(600), "ends_at": at(700), "capacity": 5}],
        },
    )
    assert early.status_code == 409 and early.get_json()["code"] == "volunteering.organisation_not_verified"

    assert client_for(founder).post(f"/api/v1/organisations/{org['id']}/verify").status_code == 403
    verified = client_for(committee).post(f"/api/v1/organisations/{org['id']}/verify")
    assert verified.get_json()["status"] == "verified"
    assert (
        client_for(committee).post(f"/api/v1/organisations/{org['id']}/verify").get_json()["code"]
        == "organisation.invalid_transition"
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.verify"))
        assert entry.target_id == org["id"] and entry.actor_id == committee.id
        role = db.session.scalar(select(Membership.role).where(Membership.user_id == founder.id))
        assert role == "org_admin"
        kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == founder.id)))
        assert "organisation_verified" in kinds
    assert [
        o["id"] for o in client_for().get(f"/api/v1/communities/{community.id}/organisations").get_json()["items"]
    ] == [org["id"]]


@pytest.mark.parametrize("who, status", [("visitor", 401), ("pending", 403), ("verified", 201)])
def test_only_verified_residents_register_organisations(make_community, make_member, client_for, who, status):
    community = make_community()
    user = {"visitor": None, "pending": make_member(community, status="pending"), "verified": make_member(community)}[
        who
    ]
    response = client_for(user).post(f"/api/v1/communities/{community.id}/organisations", json={"name": "青年志愿队"})
    assert response.status_code == status


@pytest.mark.parametrize("who, status", [("visitor", 401), ("resident", 403), ("committee", 403), ("admin", 201)])
def test_only_organisation_admins_publish_activities(hood, client_for, who, status):
    user = {"visitor": None, "resident": hood.residents[0], "committee": hood.committee, "admin": hood.org}[who]
    response = client_for(user).post(
        f"/api/v1/organisations/{hood.oid}/activities",
        json={
            "title": "社区清洁日",
            "location": "中心花园",
            "shifts": [{"starts_at": at(600), "ends_at": at(700), "capacity": 5}],
        },
    )
    assert response.status_code == status


def test_an_added_admin_can_publish(hood, client_for):
    admin = client_for(hood.org)
    added = admin.post(f"/api/v1/organisations/{hood.oid}/admins", json={"user_id": hood.residents[0].id})
    assert added.status_code == 201 and len(added.get_json()["admins"]) == 2
    assert (
        admin.post(f"/api/v1/organisations/{hood.oid}/admins", json={"user_id": hood.residents[0].id}).get_json()[
            "code"
        ]
        == "volunteering.already_admin"
    )
    assert (
        admin.post(f"/api/v1/organisations/{hood.oid}/admins", json={"user_id": hood.pending.id}).get_json()["code"]
        == "volunteering.not_verified"
    )
    make_activity(client_for(hood.residents[0]), hood.oid)
    mine = client_for(hood.residents[0]).get("/api/v1/me/organisations").get_json()
    assert [o["id"] for o in mine] == [hood.oid]


def test_activity_shifts_are_validated(hood, client_for):
    admin = client_for(hood.org)
    bad = admin.post(f"/api/v1/organisations/{hood.oid}/activities", json={"title": "x", "location": "y", "shifts": []})
    assert bad.status_code == 422
    backwards = admin.post(
        f"/api/v1/organisations/{hood.oid}/activities",
        json={
            "title": "社区清洁日",
            "location": "中心花园",
            "shifts": [{"starts_at": at(700), "ends_at": at(600), "capacity": 5}],
        },
    )
    assert backwards.status_code == 422 and "shifts" in backwards.get_json()["errors"]
    zero = admin.post(
        f"/api/v1/organisations/{hood.oid}/activities",
        json={
            "title": "社区清洁日",
            "location": "中心花园",
            "shifts": [{"starts_at": at(600), "ends_at": at(700), "capacity": 0}],
        },
    )
    assert zero.status_code == 422
    other_grid = admin.post(
        f"/api/v1/organisations/{hood.oid}/activities",
        json={
            "title": "社区清洁日",
            "location": "中心花园",
            "grid_ids": [99999],
            "shifts": [{"starts_at": at(600), "ends_at": at(700), "capacity": 5}],
        },
    )
    assert other_grid.status_code == 422


def test_upcoming_activities_list_with_places_left_and_grid_filter(hood, client_for):
    admin = client_for(hood.org)
    later = make_activity(admin, hood.oid, (3000, 60, 2), title="敬老院探访", grid_ids=[hood.community.grid_ids[1]])
    sooner = make_activity(admin, hood.oid, (600, 60, 5), (2000, 60, 1), title="社区清洁日")
    listing = client_for().get(f"/api/v1/communities/{hood.cid}/activities").get_json()["items"]
    assert [a["id"] for a in listing] == [sooner["id"], later["id"]]
    assert [s["places_left"] for s in listing[0]["shifts"]] == [5, 1]
    assert "checkin_code" not in str(listing)
    grid0 = (
        client_for().get(f"/api/v1/communities/{hood.cid}/activities?grid_id={hood.community.grid_ids[0]}").get_json()
    )
    assert [a["id"] for a in grid0["items"]] == [sooner["id"]]
    org_list = client_for().get(f"/api/v1/organisations/{hood.oid}/activities").get_json()["items"]
    assert [a["id"] for a in org_list] == [later["id"], sooner["id"]]
    detail = client_for(hood.residents[0]).get(f"/api/v1/activities/{sooner['id']}").get_json()
    assert detail["can"]["manage"] is False and detail["organisation"]["name"] == "阳光志愿者协会"
    assert client_for(hood.org).get(f"/api/v1/activities/{sooner['id']}").get_json()["can"]["manage"] is True


def test_a_project_that_needs_volunteers_opens_an_activity(hood, client_for, monkeypatch):
    """Project activities: the project's author or the committee; the project then shows volunteers and hours."""
    from types import SimpleNamespace

    from backend.volunteering import services

    project = SimpleNamespace(
        id=77, community_id=hood.cid, author_id=hood.residents[0].id, status="approved", volunteers_needed=4
    )
    monkeypatch.setattr(services.projects, "get_project", lambda pid: project)
    body = {
        "title": "街角花园种植",
        "location": "3 号楼北侧",
        "shifts": [{"starts_at": at(600), "ends_at": at(720), "capacity": 4}],
    }
    assert client_for(hood.residents[1]).post("/api/v1/projects/77/activities", json=body).status_code == 403
    created = client_for(hood.residents[0]).post("/api/v1/projects/77/activities", json=body)
    assert created.status_code == 201
    activity = created.get_json()
    assert activity["project_id"] == 77 and activity["organisation"] is None and activity["can"]["manage"]
    assert client_for(hood.committee).post("/api/v1/projects/77/activities", json=body).status_code == 201
    client_for(hood.residents[2]).post(f"/api/v1/shifts/{activity['shifts'][0]['id']}/signups")
    summary = client_for().get("/api/v1/projects/77/volunteers").get_json()
    assert summary == {"project_id": 77, "activities": 2, "volunteers": 1, "hours": 0.0}
    project.status = "voting"
    refused = client_for(hood.committee).post("/api/v1/projects/77/activities", json=body)
    assert refused.get_json()["code"] == "volunteering.project_not_open_for_volunteers"


def test_unknown_project_is_not_found(hood, client_for):
    body = {"title": "街角花园", "location": "x", "shifts": [{"starts_at": at(600), "ends_at": at(720), "capacity": 4}]}
    assert client_for(hood.committee).post("/api/v1/projects/987654/activities", json=body).status_code == 404


def test_activities_have_public_comment_threads(hood, client_for):
    activity = make_activity(client_for(hood.org), hood.oid)
    asked = client_for(hood.residents[0]).post(
        f"/api/v1/activities/{activity['id']}/comments", json={"body": "需要自带手套吗？"}
    )
    assert asked.status_code == 201, asked.get_json()
    assert len(client_for().get(f"/api/v1/activities/{activity['id']}/comments").get_json()["items"]) == 1
