"""Demo care register for 阳光社区: 吴桂英 (living alone, 85) visited weekly by the grid worker, a counsellor,
and one request for a conversation."""

from __future__ import annotations

from backend.care import services
from backend.extensions import db
from backend.register import services as register


def seed_care(ctx) -> None:
    committee, grid_worker = ctx.users["committee"], ctx.users["grid"]
    resident_ids = register.resident_ids_in(ctx.community.id)
    if not resident_ids:
        return
    record = services.create_record(
        committee,
        ctx.community.id,
        resident_id=resident_ids[0],
        category="alone_elderly",
        visit_every_days=7,
        assignee_id=grid_worker.id,
        note="独居，耳背，敲门要用力",
    )
    services.log_visit(grid_worker, record.id, outcome="well", notes="精神不错，药按时吃了")
    services.create_record(
        committee,
        ctx.community.id,
        resident_id=resident_ids[-1],
        category="disability",
        visit_every_days=14,
        note="行动不便，需要上门",
    )
    services.designate_counsellor(committee, ctx.community.id, ctx.users["org"].id)
    services.ask_for_support(
        ctx.users["resident"], ctx.community.id, message="最近照顾老人很累，想找人聊聊", contact="工作日晚上"
    )
    db.session.flush()
