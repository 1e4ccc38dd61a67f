"""Patrol figures for the dashboards and scorecards (insights reads them; patrols never imports insights)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from backend.extensions import db
from backend.patrols.models import Patrol


def patrols_by_worker(community_ids, since: datetime, until: datetime) -> dict[tuple[int, int], int]:
    """Patrols done (started in [since, until)) per (community, worker): a grid worker scorecard's
    'patrols done'."""
    rows = db.session.execute(
        select(Patrol.community_id, Patrol.worker_id, func.count())
        .where(Patrol.community_id.in_(list(community_ids)), Patrol.started_at >= since, Patrol.started_at < until)
        .group_by(Patrol.community_id, Patrol.worker_id)
    ).all()
    return {(community_id, worker_id): count for community_id, worker_id, count in rows}


def patrolled_grids(community_ids, since: datetime, until: datetime) -> dict[int, int]:
    """Per community: how many of its grids had at least one patrol started in [since, until)."""
    rows = db.session.execute(
        select(Patrol.community_id, func.count(func.distinct(Patrol.grid_id)))
        .where(Patrol.community_id.in_(list(community_ids)), Patrol.started_at >= since, Patrol.started_at < until)
        .group_by(Patrol.community_id)
    ).all()
    return dict(rows)
