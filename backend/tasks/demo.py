"""Demo ledger for 阳光社区: the committee asks the grid worker to settle the rubbish collection, due in three days."""

from __future__ import annotations

from datetime import timedelta

from backend.extensions import db
from backend.tasks import services


def seed_tasks(ctx) -> None:
    services.create_task(
        ctx.users["committee"],
        ctx.community.id,
        title="跟进北门垃圾清运",
        description="和物业确认清运时间，结果在台账里写明。",
        owner_id=ctx.users["grid"].id,
        due_on=services.local_today() + timedelta(days=3),
    )
    db.session.flush()
