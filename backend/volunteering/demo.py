"""Demo volunteering in 阳光社区: a verified and a pending organisation, skills, activities with full and
waitlisted shifts, one checking in today and last month's recorded hours. Built through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.core.db import utcnow
from backend.extensions import db
from backend.volunteering import services as volunteering


def _at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return utcnow() + timedelta(days=days, hours=hours, minutes=minutes)


def _shift(start: datetime, hours: float, capacity: int) -> dict:
    return {"starts_at": start, "ends_at": start + timedelta(hours=hours), "capacity": capacity}


def _next_saturday_9am_shanghai() -> datetime:
    """Saturday 09:00 Beijing time (01:00 UTC), at least a day ahead."""
    day = utcnow().replace(hour=1, minute=0, second=0, microsecond=0) + timedelta(days=1)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return day


def seed_volunteering(ctx) -> None:
    users = ctx.users
    _seed_volunteering(ctx.community.id, ctx.grids, users["committee"], users["org"], users["resident"], ctx.neighbours)


def _seed_volunteering(cid, grids, committee, org_admin, resident, neighbours) -> None:
    zhao, qian, sun, zhou, wu, zheng, feng, chen = neighbours
    organisation = volunteering.create_organisation(
        org_admin,
        cid,
        name="阳光志愿者协会",
        kind="volunteer_group",
        description="由社区居民自发组成，组织社区清洁、敬老院探访、防诈骗宣传等志愿服务。",
    )
    volunteering.verify_organisation(committee, organisation.id)
    volunteering.create_organisation(
        qian, cid, name="花园种植小组", kind="volunteer_group", description="想在 3 号楼北侧空地种花种菜，欢迎加入。"
    )  # pending: committee queue

    for person, skills, availability in (
        (resident, ["烹饪", "陪伴老人"], "工作日下午"),
        (zhou, ["水电维修"], "晚上"),
        (qian, ["辅导", "书法"], "周末上午"),
        (sun, ["驾驶", "陪伴老人"], "周二、周四"),
        (zheng, ["急救", "英语"], "周末"),
        (chen, ["烹饪"], "周末"),
        (feng, ["清洁"], "随时"),
    ):
        volunteering.put_profile(person, skills=skills, availability=availability)

    saturday = _next_saturday_9am_shanghai()
    cleaning = volunteering.create_activity(
        org_admin,
        organisation.id,
        title="社区清洁日",
        description="清理中心花园和各楼道的杂物、小广告，工具由协会提供，请穿方便活动的衣服。",
        location="中心花园集合",
        lat=31.2313,  # the central garden, on the map (a public place: shown exactly)
        lng=121.4745,
        skills=["清洁"],
        grid_ids=[],
        shifts=[_shift(saturday, 2, 3), _shift(saturday + timedelta(hours=5), 2, 6)],
    )
    morning, afternoon = cleaning.shifts
    for person in (feng, zhao, sun, chen, zheng):  # three places: two on the waitlist
        volunteering.sign_up(person, morning.id)
    for person in (zhou, resident):
        volunteering.sign_up(person, afternoon.id)

    # Today: the resident is confirmed and can check in with the code shown by the organiser.
    visit = volunteering.create_activity(
        org_admin,
        organisation.id,
        title="敬老院探访",
        description="到康乐敬老院陪老人聊天、表演节目、一起包饺子。",
        location="康乐敬老院（社区东门对面）",
        lat=31.2328,  # across the road from the east gate, just outside the community's grids
        lng=121.4766,
        skills=["陪伴老人", "烹饪"],
        grid_ids=[],
        shifts=[_shift(_at(minutes=10), 4, 4), _shift(_at(days=7), 3, 2)],
    )
    for person in (resident, sun):
        volunteering.sign_up(person, visit.shifts[0].id)
    for person in (wu, zheng, feng):  # two places: one waits
        volunteering.sign_up(person, visit.shifts[1].id)

    volunteering.create_activity(
        org_admin,
        organisation.id,
        title="防诈骗宣传进楼道",
        description="给老人讲解常见电信诈骗手法，发放宣传册。",
        location="各楼栋一楼大厅",
        skills=["讲解", "陪伴老人"],
        grid_ids=[grids[0].id, grids[1].id],
        shifts=[_shift(_at(days=10), 2, 8)],
    )

    # Last month's activity with recorded hours, so the record and the certificate have content.
    past = volunteering.create_activity(
        org_admin,
        organisation.id,
        title="垃圾分类宣传",
        description="在小区门口指导居民垃圾分类。",
        location="小区南门",
        skills=["讲解"],
        grid_ids=[],
        shifts=[_shift(_at(days=1), 3, 5)],
    )
    for person in (resident, zhou, feng):
        signup = volunteering.sign_up(person, past.shifts[0].id)
        signup.checked_in_at, signup.minutes = _at(days=-30), 180
    past_shift = past.shifts[0]
    past_shift.starts_at, past_shift.ends_at = _at(days=-30), _at(days=-30, hours=3)
    past.starts_at, past.ends_at = past_shift.starts_at, past_shift.ends_at
    db.session.flush()
