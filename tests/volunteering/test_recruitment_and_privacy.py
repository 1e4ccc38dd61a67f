"""Recruitment by skills (counts only, one message per activity per day) and no contact detail anywhere."""

import json

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.notifications.models import Notification

from .conftest import make_activity

CONTACT_KEYS = {"email", "phone", "household", "building", "unit", "room"}


def walk_keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_keys(item)


def test_residents_keep_skills_and_availability(hood, client_for):
    resident = client_for(hood.residents[0])
    assert resident.get("/api/v1/me/volunteer-profile").get_json() == {"skills": [], "availability": ""}
    saved = resident.put(
        "/api/v1/me/volunteer-profile", json={"skills": [" 急救 ", "急救", "英语"], "availability": "周末上午"}
    )
    assert saved.get_json() == {"skills": ["急救", "英语"], "availability": "周末上午"}
    assert resident.get("/api/v1/me/volunteer-profile").get_json()["skills"] == ["急救", "英语"]
    assert resident.put("/api/v1/me/volunteer-profile", json={"skills": ["x" * 31]}).status_code == 422


def test_an_organisation_sees_a_count_and_sends_one_recruitment_a_day(app, hood, client_for, make_user):
    """Count (never a list) of residents with a skill; one notification per activity per day."""
    for resident, skills in zip(
        hood.residents, (["急救"], ["急救", "英语"], ["清洁"], [], ["急救"], ["绘画"]), strict=False
    ):
        client_for(resident).put("/api/v1/me/volunteer-profile", json={"skills": skills})
    client_for(hood.pending).put(
        "/api/v1/me/volunteer-profile", json={"skills": ["急救"]}
    )  # not verified: never counted
    stranger = make_user()
    client_for(stranger).put("/api/v1/me/volunteer-profile", json={"skills": ["急救"]})  # another community
    admin = client_for(hood.org)
    count = admin.get(f"/api/v1/organisations/{hood.oid}/recruitment?skills=急救,清洁")
    assert count.status_code == 200 and count.get_json() == {"skills": ["急救", "清洁"], "count": 4}
    assert (
        client_for(hood.residents[0]).get(f"/api/v1/organisations/{hood.oid}/recruitment?skills=急救").status_code
        == 403
    )

    activity = make_activity(admin, hood.oid, skills=["急救"])
    client_for(hood.residents[4]).post(f"/api/v1/shifts/{activity['shifts'][0]['id']}/signups")  # already in: not told
    sent = admin.post(f"/api/v1/organisations/{hood.oid}/recruitment", json={"activity_id": activity["id"]})
    assert sent.status_code == 201 and sent.get_json()["recipient_count"] == 2
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "volunteer_recruitment")))
    assert told == {hood.residents[0].id, hood.residents[1].id}
    again = admin.post(
        f"/api/v1/organisations/{hood.oid}/recruitment", json={"activity_id": activity["id"], "skills": ["清洁"]}
    )
    assert again.status_code == 429 and again.get_json()["code"] == "volunteering.recruitment_already_sent"
    other = make_activity(admin, hood.oid, title="敬老院探访", skills=[])
    assert (
        admin.post(f"/api/v1/organisations/{hood.oid}/recruitment", json={"activity_id": other["id"]}).status_code
        == 422
    )
    assert (
        admin.post(
            f"/api/v1/organisations/{hood.oid}/recruitment", json={"activity_id": other["id"], "skills": ["清洁"]}
        ).get_json()["recipient_count"]
        == 1
    )


@pytest.mark.parametrize("viewer", ["visitor", "volunteer", "org_admin"])
def test_no_contact_detail_in_volunteering_responses(hood, client_for, viewer):
    """Walk what a non-committee reader gets: no e-mail, phone or household, even for organisers."""
    admin = client_for(hood.org)
    activity = make_activity(admin, hood.oid, (15, 60, 1))
    sid = activity["shifts"][0]["id"]
    client_for(hood.residents[0]).post(f"/api/v1/shifts/{sid}/signups")
    client_for(hood.residents[1]).post(f"/api/v1/shifts/{sid}/signups")
    client_for(hood.residents[0]).put("/api/v1/me/volunteer-profile", json={"skills": ["急救"]})
    reader = client_for({"visitor": None, "volunteer": hood.residents[0], "org_admin": hood.org}[viewer])
    paths = [
        f"/api/v1/communities/{hood.cid}/organisations",
        f"/api/v1/organisations/{hood.oid}",
        f"/api/v1/organisations/{hood.oid}/activities",
        f"/api/v1/communities/{hood.cid}/activities",
        f"/api/v1/activities/{activity['id']}",
        "/api/v1/projects/1/volunteers",
    ]
    if viewer != "visitor":
        paths += ["/api/v1/me/volunteering", "/api/v1/me/organisations", "/api/v1/me/volunteer-profile"]
    if viewer == "org_admin":
        paths += [f"/api/v1/shifts/{sid}/signups", f"/api/v1/organisations/{hood.oid}/recruitment?skills=急救"]
    for path in paths:
        response = reader.get(path)
        assert response.status_code == 200, (path, response.get_json())
        body = response.get_data(as_text=True)
        assert not CONTACT_KEYS & set(walk_keys(json.loads(body))), path
        assert "1390000" not in body and "@example.test" not in body, path
