"""My patrols: the patrols I walked, their positions and findings (what I found is also in my reports)."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.patrols.models import Patrol, PatrolFinding, PatrolPoint

TABLES = ("patrols", "patrol_points", "patrol_findings")


def export(user) -> dict:
    mine = select(Patrol.id).where(Patrol.worker_id == user.id)
    return {
        "patrols": rows_of(select(Patrol).where(Patrol.worker_id == user.id)),
        "points": rows_of(select(PatrolPoint).where(PatrolPoint.patrol_id.in_(mine))),
        "findings": rows_of(select(PatrolFinding).where(PatrolFinding.patrol_id.in_(mine))),
    }
