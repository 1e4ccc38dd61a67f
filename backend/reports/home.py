"""The reports part of the home page (backend/home): my reports, new ones in my grid, and staff's counts.

Written over the bound parameters of backend/core/feed.py (built once per member shape or staff role)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, or_, select

from backend.core import feed
from backend.reports.models import OPEN_STATUSES, Report

# A closed report stays on its reporter's home page for a few days, so "resolved → confirmed" is seen.
RECENTLY_CLOSED = timedelta(days=3)
CLOSED_SINCE = "reports_closed_since"

_report = Report.__table__.c


def mine(shape: feed.Shape, *, limit: int = 3) -> feed.Part:
    """The member's own reports still open (or closed in the last days), the most recently moved first."""
    stmt = select(
        *feed.row(
            "mine",
            "report",
            _report.id,
            _report.description,
            state=_report.status,
            at=_report.updated_at,
            detail=_report.category,
        )
    ).where(
        _report.community_id == feed.COMMUNITY,
        _report.reporter_id == feed.USER,
        or_(
            _report.status.in_(feed.words((*OPEN_STATUSES, "resolved"))),
            _report.updated_at > feed.before_now(CLOSED_SINCE),
        ),
    )
    order = (_report.updated_at.desc(), _report.id.desc())
    return feed.Part(stmt, order, limit, before_now=((CLOSED_SINCE, RECENTLY_CLOSED),))


def new_in_grid(shape: feed.Shape, *, limit: int = 3) -> feed.Part | None:
    """Reports of the member's grid since `since` that the public board shows (not hidden), newest first."""
    if not shape.has_grid:
        return None
    stmt = select(
        *feed.row(
            "grid",
            "report",
            _report.id,
            _report.description,
            state=_report.status,
            at=_report.created_at,
            detail=_report.category,
        )
    ).where(
        _report.community_id == feed.COMMUNITY,
        _report.grid_id == feed.GRID,
        _report.created_at >= feed.SINCE,
        _report.is_hidden.is_(False),
    )
    return feed.Part(stmt, (_report.created_at.desc(), _report.id.desc()), limit)


def _count(*conditions):
    return select(func.count()).select_from(Report.__table__).where(*conditions).scalar_subquery()


def _late():
    return and_(_report.status.in_(feed.words(OPEN_STATUSES)), _report.next_due_at < feed.NOW)


def committee_counts() -> dict:
    """New reports nobody has picked up yet, and open reports past their deadline (scalar subqueries)."""
    return {
        "reports_new": _count(_report.community_id == feed.COMMUNITY, _report.status == "submitted"),
        "reports_overdue": _count(_report.community_id == feed.COMMUNITY, _late()),
    }


def grid_worker_counts(grid_ids) -> dict:
    """For a grid worker (`user_id`): new reports to accept (assigned to them, or in the grids they answer for:
    `grid_ids`, a subquery), reports they are handling, and of both those past their deadline."""
    mine_or_my_grids = or_(_report.assignee_id == feed.USER, _report.grid_id.in_(grid_ids))
    handling = tuple(status for status in OPEN_STATUSES if status != "submitted")
    return {
        "reports_new": _count(
            _report.community_id == feed.COMMUNITY,
            _report.status == "submitted",
            mine_or_my_grids,
        ),
        "reports_in_progress": _count(
            _report.community_id == feed.COMMUNITY,
            _report.assignee_id == feed.USER,
            _report.status.in_(feed.words(handling)),
        ),
        "reports_overdue": _count(_report.community_id == feed.COMMUNITY, mine_or_my_grids, _late()),
    }
