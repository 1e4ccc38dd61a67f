"""Demo patrol for 阳光社区: the grid worker walked grid 1 yesterday morning for 40 minutes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from backend.extensions import db
from backend.patrols import services
from backend.patrols.models import Patrol


def seed_patrols(ctx) -> None:
    worker = ctx.users["grid"]
    patrol = services.start_patrol(worker, ctx.community.id, grid_id=ctx.grids[0].id, note="早巡")
    services.end_patrol(worker, patrol.id, note="楼道通畅，消防通道无堆物")
    # yesterday morning, so this week's coverage shows it and the worker may start today's
    started = patrol.started_at - timedelta(days=1)
    db.session.execute(
        update(Patrol)
        .where(Patrol.id == patrol.id)
        .values(started_at=started, ended_at=started + timedelta(minutes=40))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
