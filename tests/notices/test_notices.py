"""Notices: committee publishes; residents addressed see them (pinned first, scheduled later); read receipts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.db import commit, utcnow
from backend.extensions import db
from backend.notices import services
from backend.notifications.models import Notification


@pytest.fixture
def town(make_community, make_member):
    community = make_community(grids=2)
    return {
        "community": community,
        "cid": community.id,
        "grids": community.grid_ids,
        "committee": make_member(community, "committee"),
        "east": make_member(community, grid=0),
        "west": make_member(community, grid=1),
        "pending": make_member(community, status="pending", grid=0),
    }


def publish(client_for, town, **body):
    payload = {"title": "停水通知", "body": "明天 9:00–15:00 因管道检修停水，请提前储水。", **body}
    response = client_for(town["committee"]).post(f"/api/v1/communities/{town['cid']}/notices", json=payload)
    assert response.status_code == 201, response.json
    return response.json


def titles(client, town):
    response = client.get(f"/api/v1/communities/{town['cid']}/notices")
    assert response.status_code == 200, response.json
    return [n["title"] for n in response.json["items"]]


@pytest.mark.parametrize("who, status", [("east", 403), ("pending", 403), (None, 401)])
def test_only_the_committee_publishes(client_for, town, who, status):
    response = client_for(town[who] if who else None).post(
        f"/api/v1/communities/{town['cid']}/notices", json={"title": "x", "body": "y"}
    )
    assert response.status_code == status


def test_publishing_is_audited_and_notifies_the_addressed(app, client_for, town):
    notice = publish(client_for, town, urgent=True)
    with app.app_context():
        action = db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == notice["id"]))
        assert action == "notice.publish"
        rows = list(db.session.scalars(select(Notification).where(Notification.kind == "notice_published")))
    assert sorted(r.user_id for r in rows) == sorted([town["east"].id, town["west"].id, town["pending"].id])
    assert all(r.context["urgent"] is True and r.context["notice_id"] == notice["id"] for r in rows)


def test_a_grid_notice_reaches_only_that_grid(app, client_for, town):
    publish(client_for, town, title="东区电梯检修", grid_ids=[town["grids"][0]])
    assert titles(client_for(town["east"]), town) == ["东区电梯检修"]
    assert titles(client_for(town["west"]), town) == []
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "notice_published")))
    assert told == {town["east"].id, town["pending"].id}


def test_a_grid_of_another_community_is_refused(client_for, town, make_community):
    other = make_community()
    response = client_for(town["committee"]).post(
        f"/api/v1/communities/{town['cid']}/notices", json={"title": "x", "body": "y", "grid_ids": [other.grid_ids[0]]}
    )
    assert response.status_code == 422 and "grid_ids" in response.json["errors"]


def test_pinned_first_then_newest(client_for, town):
    publish(client_for, town, title="旧通知")
    publish(client_for, town, title="置顶：防台风", pinned=True)
    publish(client_for, town, title="新通知")
    assert titles(client_for(town["east"]), town) == ["置顶：防台风", "新通知", "旧通知"]
    page = client_for(town["east"]).get(f"/api/v1/communities/{town['cid']}/notices?limit=2").json
    rest = client_for(town["east"]).get(
        f"/api/v1/communities/{town['cid']}/notices", query_string={"limit": 2, "cursor": page["next_cursor"]}
    )
    assert [n["title"] for n in rest.json["items"]] == ["旧通知"]


def test_a_scheduled_notice_appears_and_is_announced_at_its_time(app, client_for, town):
    later = (utcnow() + timedelta(hours=2)).isoformat()
    notice = publish(client_for, town, title="周六义诊", publish_at=later)
    assert notice["is_scheduled"] is True
    assert titles(client_for(town["east"]), town) == []
    assert titles(client_for(town["committee"]), town) == ["周六义诊"]
    assert client_for(town["east"]).get(f"/api/v1/notices/{notice['id']}").status_code == 404
    with app.app_context():
        assert services.publish_due_notices(utcnow()) == 0
        assert services.publish_due_notices(utcnow() + timedelta(hours=3)) == 1
        commit()
        assert services.publish_due_notices(utcnow() + timedelta(hours=4)) == 0
        told = list(db.session.scalars(select(Notification.user_id).where(Notification.kind == "notice_published")))
    assert sorted(told) == sorted([town["east"].id, town["west"].id, town["pending"].id])


def test_opening_leaves_one_read_receipt_and_the_committee_sees_the_count(client_for, town):
    notice = publish(client_for, town)
    url = f"/api/v1/notices/{notice['id']}"
    first = client_for(town["east"]).get(url).json
    assert first["is_read"] is True and first["read_count"] is None  # residents do not see the figure
    client_for(town["east"]).get(url)
    client_for(town["pending"]).get(url)
    assert client_for(town["committee"]).get(url).json["read_count"] == 2
    listed = client_for(town["committee"]).get(f"/api/v1/communities/{town['cid']}/notices").json["items"][0]
    assert listed["read_count"] == 2


def test_notices_are_for_members(client_for, town, make_user):
    notice = publish(client_for, town)
    assert client_for(make_user()).get(f"/api/v1/notices/{notice['id']}").status_code == 403
    assert client_for().get(f"/api/v1/communities/{town['cid']}/notices").status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 121}, "title"),
        ({"body": "x" * 5001}, "body"),
        ({"color": "red"}, "color"),
    ],
)
def test_bad_notices_are_refused(client_for, town, body, field):
    response = client_for(town["committee"]).post(
        f"/api/v1/communities/{town['cid']}/notices", json={"title": "t", "body": "b", **body}
    )
    assert response.status_code == 422 and field in response.json["errors"]


def test_comments_on_a_notice_follow_its_audience(client_for, town):
    notice = publish(client_for, town, grid_ids=[town["grids"][0]])
    url = f"/api/v1/notices/{notice['id']}/comments"
    assert client_for(town["east"]).post(url, json={"body": "收到，谢谢提醒"}).status_code == 201
    assert client_for(town["west"]).get(url).status_code == 404
