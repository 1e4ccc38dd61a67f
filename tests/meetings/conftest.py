"""Meeting fixtures: a community with a committee member and verified residents, a meeting factory, clock moves."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from backend.core.db import utcnow
from backend.extensions import db


def at(hours: float) -> str:
    return (utcnow() + timedelta(hours=hours)).isoformat()


def meeting_body(**overrides) -> dict:
    body = {
        "title": "居民议事会",
        "description": "议一议停车难。",
        "location": "社区会议室",
        "starts_at": at(48),
        "ends_at": at(50),
        "capacity": 3,
        "agenda": [{"title": "停车难"}, {"title": "其他事项"}],
    }
    body.update(overrides)
    return body


def hearing_body(**overrides) -> dict:
    fields = {"kind": "hearing", "title": "加装电梯听证会", "comments_open_at": at(-1), "comments_close_at": at(24)}
    return meeting_body(**{**fields, **overrides})


@pytest.fixture
def town(make_community, make_member):
    """阳光小区: a committee member, eight verified residents, a pending newcomer."""
    community = make_community("阳光小区", grids=2)
    return SimpleNamespace(
        community=community,
        cid=community.id,
        committee=make_member(community, "committee", display_name="王主任"),
        residents=[make_member(community, display_name=f"邻居{i}") for i in range(8)],
        pending=make_member(community, status="pending", display_name="新来的"),
    )


@pytest.fixture
def new_meeting(client_for, town):
    """new_meeting(published=True, **body overrides) -> meeting JSON, written (and published) by the committee."""

    def make(published: bool = True, body: dict | None = None, **overrides) -> dict:
        committee = client_for(town.committee)
        response = committee.post(f"/api/v1/communities/{town.cid}/meetings", json=body or meeting_body(**overrides))
        assert response.status_code == 201, response.get_json()
        if published:
            response = committee.post(f"/api/v1/meetings/{response.get_json()['id']}/publish")
            assert response.status_code == 200, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def move_meeting(app):
    """move_meeting(meeting_id, hours): the meeting (and a hearing's comment period) moves by `hours`, as if the
    clock had moved the other way (services never move a meeting into the past)."""

    def move(meeting_id: int, hours: float) -> None:
        from backend.meetings.models import Meeting

        shift = timedelta(hours=hours)
        with app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            for name in ("starts_at", "ends_at", "comments_open_at", "comments_close_at"):
                if getattr(meeting, name) is not None:
                    setattr(meeting, name, getattr(meeting, name) + shift)
            db.session.commit()

    return move
