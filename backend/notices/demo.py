"""Demo notices of 阳光社区: pinned, urgent, to one grid, scheduled, and an ordinary one."""

from __future__ import annotations

from datetime import timedelta

from backend.core.db import utcnow
from backend.notices import services as notices


def seed_notices(ctx) -> None:
    committee, cid = ctx.users["committee"], ctx.community.id
    notices.create_notice(
        committee,
        cid,
        title="【置顶】阳光社区居民公约（2026 修订版）",
        pinned=True,
        body="经居民代表会议讨论通过，新版公约已生效：文明养犬、垃圾分类、楼道不堆物、"
        "晚十点后不施工。全文在居委会公告栏和本页可查看，欢迎大家监督。",
    )
    notices.create_notice(
        committee,
        cid,
        title="紧急：明日 9:00–15:00 全小区停水",
        urgent=True,
        body="因市政供水管道抢修，明天上午 9 点到下午 3 点停水。请提前储水；行动不便的老人如需送水，请联系网格员。",
    )
    notices.create_notice(
        committee,
        cid,
        title="东苑电梯年检通知",
        grid_ids=[ctx.grids[0].id],
        body="本周四 14:00–17:00 东苑 1–3 号楼电梯进行年检，期间暂停使用，请大家错峰出行。",
    )
    notices.create_notice(
        committee,
        cid,
        title="周六上午社区义诊",
        publish_at=utcnow() + timedelta(days=2),
        body="周六 8:30–11:30 在社区活动中心，有量血压、测血糖、中医咨询，免费参加。",
    )
    notices.create_notice(
        committee,
        cid,
        title="垃圾分类督导志愿者招募",
        body="每天早晚各一小时在垃圾房旁督导分类，欢迎报名，可计入志愿时长。",
    )
