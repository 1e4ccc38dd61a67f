"""Aggregate figures of micro-projects for insights (owned by insights; plain dicts, SQL aggregates only).

Keyed (community_id, grid_id | None, bucket | None) like backend.reports.figures. Period = [start, end):
- submitted: submitted_at in the period; approved: decided by a vote in the period and approved
  (now approved, in progress or completed); completed: completed_at in the period;
- ratings / stars_sum: residents' ratings of completed projects given in the period.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from backend.accounts.services import display_name_of
from backend.core.sql import aggregate, count_if, facts, keyed, merge_into
from backend.extensions import db
from backend.projects.models import Project, ProjectRating

APPROVED_STATES = ("approved", "in_progress", "completed")


def _counted(community_ids, time_column, start, end, by, buckets, *conditions, name: str):
    inner = (
        select(
            *facts(
                Project.community_id,
                key=Project.grid_id if by == "grid" else None,
                time=time_column,
                buckets=buckets,
                one=Project.id,
            )
        )
        .where(Project.community_id.in_(community_ids), time_column >= start, time_column < end, *conditions)
        .subquery()
    )
    return keyed(db.session.execute(aggregate(inner, **{name: lambda c: func.count(c.one)})))


def project_figures(
    community_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    by: str | None = None,
    buckets: list[datetime] | None = None,
) -> dict[tuple, dict]:
    if buckets:
        start, end = buckets[0], buckets[-1]
    found: dict[tuple, dict] = {}
    merge_into(found, _counted(community_ids, Project.submitted_at, start, end, by, buckets, name="submitted"))
    merge_into(
        found,
        _counted(
            community_ids,
            Project.decided_at,
            start,
            end,
            by,
            buckets,
            Project.status.in_(APPROVED_STATES),
            Project.poll_id.is_not(None),
            name="approved",
        ),
    )
    merge_into(found, _counted(community_ids, Project.completed_at, start, end, by, buckets, name="completed"))
    rated = (
        select(
            *facts(
                Project.community_id,
                key=Project.grid_id if by == "grid" else None,
                time=ProjectRating.created_at,
                buckets=buckets,
                stars=ProjectRating.stars,
            )
        )
        .join(Project, Project.id == ProjectRating.project_id)
        .where(
            Project.community_id.in_(community_ids), ProjectRating.created_at >= start, ProjectRating.created_at < end
        )
        .subquery()
    )
    merge_into(
        found,
        keyed(
            db.session.execute(
                aggregate(
                    rated,
                    project_ratings=lambda c: func.count(c.stars),
                    project_stars_sum=lambda c: func.coalesce(func.sum(c.stars), 0),
                    project_stars_4_plus=lambda c: count_if(c.stars >= 4),
                )
            )
        ),
    )
    return found


def export_rows(community_id: int, start: datetime, end: datetime):
    """Projects created or decided in the period, with the author's display name (no contact data)."""
    stmt = (
        select(
            Project.id,
            Project.title,
            Project.category,
            Project.grid_id,
            Project.status,
            display_name_of(Project.author_id).label("author_name"),
            Project.budget_cents,
            Project.supports_count,
            Project.created_at,
            Project.submitted_at,
            Project.decided_at,
            Project.completed_at,
            Project.percent_done,
            Project.rating_count,
            Project.rating_average,
            Project.poll_id,
        )
        .where(
            Project.community_id == community_id,
            Project.status != "draft",
            ((Project.created_at >= start) & (Project.created_at < end))
            | ((Project.decided_at >= start) & (Project.decided_at < end))
            | ((Project.completed_at >= start) & (Project.completed_at < end)),
        )
        .order_by(Project.id)
    )
    yield from db.session.execute(stmt.execution_options(yield_per=1000)).mappings()
