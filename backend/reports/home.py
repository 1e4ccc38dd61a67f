"""The reports part of the home page (backend/home): my reports, new ones in my grid, and staff's counts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, or_, select

from backend.core import feed
from backend.core.db import utcnow
from backend.reports.models import OPEN_STATUSES, Report

# A closed report stays on its reporter's home page for a few days, so "resolved → confirmed" is seen.
RECENTLY_CLOSED = timedelta(days=3)


def mine(member, *, limit: int = 3) -> feed.Part:
    """The member's own reports still open (or closed in the last days), the most recently moved first."""
    recent = utcnow() - RECENTLY_CLOSED
    stmt = select(
        *feed.row(
            "mine",
            "report",
            Report.id,
            Report.description,
            state=Report.status,
            at=Report.updated_at,
            detail=Report.category,
        )
    ).where(
        Report.community_id == member.community_id,
        Report.reporter_id == member.user_id,
        or_(Report.status.in_((*OPEN_STATUSES, "resolved")), Report.updated_at > recent),
    )
    return feed.Part(stmt, (Report.updated_at.desc(), Report.id.desc()), limit)


def new_in_grid(member, since, *, limit: int = 3) -> feed.Part | None:
    """Reports of the member's grid since `since` that the public board shows (not hidden), newest first."""
    if member.grid_id is None:
        return None
    stmt = select(
        *feed.row(
            "grid",
            "report",
            Report.id,
            Report.description,
            state=Report.status,
            at=Report.created_at,
            detail=Report.category,
        )
    ).where(
        Report.community_id == member.community_id,
        Report.grid_id == member.grid_id,
        Report.created_at >= since,
        Report.is_hidden.is_(False),
    )
    return feed.Part(stmt, (Report.created_at.desc(), Report.id.desc()), limit)


def _count(*conditions):
    return select(func.count()).select_from(Report).where(*conditions).scalar_subquery()


def _late():
    return and_(Report.status.in_(OPEN_STATUSES), Report.next_due_at < utcnow())


def committee_counts(community_id: int) -> dict:
    """New reports nobody has picked up yet, and open reports past their deadline (scalar subqueries)."""
    return {
        "reports_new": _count(Report.community_id == community_id, Report.status == "submitted"),
        "reports_overdue": _count(Report.community_id == community_id, _late()),
    }


def grid_worker_counts(community_id: int, user_id: int, grid_ids) -> dict:
    """For a grid worker: new reports to accept (assigned to them, or in the grids they answer for:
    `grid_ids`, a subquery), reports they are handling, and of both those past their deadline."""
    mine_or_my_grids = or_(Report.assignee_id == user_id, Report.grid_id.in_(grid_ids))
    handling = tuple(status for status in OPEN_STATUSES if status != "submitted")
    return {
        "reports_new": _count(
            Report.community_id == community_id,
            Report.status == "submitted",
            mine_or_my_grids,
        ),
        "reports_in_progress": _count(
            Report.community_id == community_id,
            Report.assignee_id == user_id,
            Report.status.in_(handling),
        ),
        "reports_overdue": _count(Report.community_id == community_id, mine_or_my_grids, _late()),
    }
