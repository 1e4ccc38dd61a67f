"""Demo meetings of 阳光社区, built through the services: an upcoming 议事会 with RSVPs (张阿姨, resident@demo.linli,
has not answered, so the demo shows the RSVP button), last month's meeting with its minutes, and a hearing on the
garden project in its comment period."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.core.db import utcnow
from backend.extensions import db
from backend.meetings import services as meetings


def _at(days: float, hour: int) -> datetime:
    start = utcnow() + timedelta(days=days)
    return start.replace(hour=hour, minute=0, second=0, microsecond=0)


def _project_link(ctx, name: str) -> dict:
    project = getattr(ctx, "projects", {}).get(name)
    if project is None:
        return {}
    return {"link_kind": "project", "link_id": project if isinstance(project, int) else project.id}


def seed_meetings(ctx) -> None:
    committee, cid = ctx.users["committee"], ctx.community.id

    upcoming = meetings.create_meeting(
        committee,
        cid,
        kind="meeting",
        title="12 月居民议事会",
        description="议一议小区停车和楼道堆物，欢迎居民代表和热心邻居参加。",
        location="社区党群服务中心二楼会议室",
        starts_at=_at(5, 11),
        ends_at=_at(5, 13),
        capacity=20,
        agenda=[
            {"title": "夜间停车难：错时共享车位方案", "description": "与附近单位协商晚间开放车位。"},
            {"title": "楼道堆物集中清理", **_project_link(ctx, "sorting")},
            {"title": "其他事项"},
        ],
    )
    meetings.publish_meeting(committee, upcoming.id)
    for neighbour in ctx.neighbours[:4]:
        meetings.rsvp(neighbour, upcoming.id)

    past = meetings.create_meeting(
        committee,
        cid,
        kind="meeting",
        title="11 月居民议事会",
        description="小花园改造方案和老年助餐点选址。",
        location="社区党群服务中心二楼会议室",
        starts_at=_at(1, 11),
        ends_at=_at(1, 13),
        capacity=30,
        agenda=[
            {"title": "小花园改造方案", **_project_link(ctx, "garden")},
            {"title": "老年助餐点选址", **_project_link(ctx, "meals")},
        ],
    )
    meetings.publish_meeting(committee, past.id)
    for neighbour in [*ctx.neighbours[:5], ctx.users["resident"]]:
        meetings.rsvp(neighbour, past.id)
    # The demo's past: the meeting took place four weeks ago (services never move a meeting into the past).
    shift = timedelta(days=29)
    past.starts_at, past.ends_at = past.starts_at - shift, past.ends_at - shift
    db.session.flush()
    garden, meals = sorted(past.agenda, key=lambda item: item.position)
    meetings.save_minutes(
        committee,
        past.id,
        summary="到会居民 6 人，居委会委员 3 人。会议讨论了两项议题，形成以下决定。",
        items=[
            {"item_id": garden.id, "decision": "同意小花园改造方案，提交全体居民投票确认。"},
            {"item_id": meals.id, "decision": "助餐点设在 3 栋底商，居委会与运营方洽谈后在公告中公布。"},
        ],
        answers=[],
    )
    meetings.publish_minutes(committee, past.id)

    hearing = meetings.create_meeting(
        committee,
        cid,
        kind="hearing",
        title="加装电梯听证会（5 号楼）",
        description="5 号楼加装电梯方案听证：费用分摊、低层住户补偿、施工期间出行安排。听证会前欢迎留下意见。",
        location="5 号楼前小广场",
        starts_at=_at(8, 7),
        ends_at=_at(8, 9),
        capacity=40,
        comments_open_at=utcnow() - timedelta(days=1),
        comments_close_at=_at(7, 15),
        agenda=[{"title": "电梯方案介绍"}, {"title": "费用分摊与低层补偿"}, {"title": "施工期间出行安排"}],
    )
    meetings.publish_meeting(committee, hearing.id)
    for neighbour, body in zip(
        ctx.neighbours,
        [
            "支持加装，家里老人上下楼太难了。",
            "一楼住户采光会受影响，补偿标准希望公开。",
            "施工期间电动车停放怎么安排？",
        ],
        strict=False,
    ):
        meetings.post_hearing_comment(neighbour, hearing.id, body=body)
