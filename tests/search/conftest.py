"""A community with one item of every searchable kind, some of which some people may not open."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from backend.core.db import utcnow
from backend.extensions import db


@dataclass
class Town:
    community: object
    other: object
    committee: object
    grid0: object  # a verified resident of grid 0
    grid1: object  # a verified resident of grid 1
    pending: object
    outsider: object  # a verified resident of the other community
    ids: dict = field(default_factory=dict)


def add(item):
    db.session.add(item)
    db.session.flush()
    return item.id


def project(community_id, author_id, title, *, status="submitted", body="", hidden=False, age_days=0):
    from backend.projects.models import Project

    return add(
        Project(
            community_id=community_id,
            author_id=author_id,
            title=title,
            summary="",
            body=body,
            category="greenery",
            status=status,
            is_hidden=hidden,
            created_at=utcnow() - timedelta(days=age_days),
        )
    )


def report(community_id, reporter_id, description, *, hidden=False, location_text=""):
    from backend.reports.models import Report

    now = utcnow()
    return add(
        Report(
            community_id=community_id,
            reporter_id=reporter_id,
            category="street_lights",
            description=description,
            location_text=location_text,
            is_hidden=hidden,
            response_due_at=now,
            resolve_due_at=now,
        )
    )


def aid(community_id, author_id, title, *, hidden=False):
    from backend.aid.models import AidPost

    return add(
        AidPost(
            community_id=community_id,
            author_id=author_id,
            kind="request",
            category="errands",
            title=title,
            body="",
            is_hidden=hidden,
        )
    )


def notice(community_id, author_id, title, *, grid_id=None, publish_in_days=0, hidden=False, body=""):
    from backend.notices.models import Notice, NoticeGrid

    notice_id = add(
        Notice(
            community_id=community_id,
            author_id=author_id,
            title=title,
            body=body,
            is_hidden=hidden,
            is_whole_community=grid_id is None,
            publish_at=utcnow() + timedelta(days=publish_in_days),
        )
    )
    if grid_id is not None:
        add(NoticeGrid(notice_id=notice_id, grid_id=grid_id))
    return notice_id


def activity(community_id, creator_id, title, *, organisation_status="verified", hidden=False):
    from backend.volunteering.models import Activity, Organisation

    organisation_id = add(
        Organisation(
            community_id=community_id, name=f"队 {title[:10]}", status=organisation_status, created_by_id=creator_id
        )
    )
    starts = utcnow() + timedelta(days=3)
    return add(
        Activity(
            community_id=community_id,
            organisation_id=organisation_id,
            title=title,
            description="",
            created_by_id=creator_id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            is_hidden=hidden,
        )
    )


def poll(community_id, creator_id, title):
    from backend.voting.models import Poll

    now = utcnow()
    return add(
        Poll(
            community_id=community_id,
            title=title,
            description="",
            method="yes_no",
            opens_at=now,
            closes_at=now + timedelta(days=7),
            created_by_id=creator_id,
        )
    )


@pytest.fixture
def town(app, make_community, make_member):
    community, other = make_community("幸福里"), make_community("别的小区")
    world = Town(
        community=community,
        other=other,
        committee=make_member(community, role="committee"),
        grid0=make_member(community, grid=0),
        grid1=make_member(community, grid=1),
        pending=make_member(community, status="pending", grid=None),
        outsider=make_member(other),
    )
    cid, author = community.id, world.grid0.id
    with app.app_context():
        world.ids = {
            "report": report(cid, author, "3栋门口路灯不亮了", location_text="3栋2单元门口"),
            "activity": activity(cid, world.committee.id, "垃圾分类督导志愿者招募"),
            "notice": notice(cid, world.committee.id, "小区WiFi密码更新", body="新的密码贴在门卫室"),
            "project": project(cid, author, "楼下花园加装长椅", body="老人散步累了可以坐一坐"),
            "poll": poll(cid, world.committee.id, "是否在花园加装长椅"),
            "aid": aid(cid, author, "谁能帮我取个快递"),
        }
        db.session.commit()
    return world
