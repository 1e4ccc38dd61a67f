"""The projects part of the home page (backend/home): new projects for my grid, and the committee's reviews."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from backend.core import feed
from backend.projects.models import PUBLIC_STATUSES, Project


def new_in_grid(member, since, *, limit: int = 3) -> feed.Part:
    """Projects everyone may see, created since `since`, for the member's grid or the whole community."""
    for_my_grid = (
        Project.grid_id.is_(None)
        if member.grid_id is None
        else or_(Project.grid_id.is_(None), Project.grid_id == member.grid_id)
    )
    stmt = select(
        *feed.row(
            "grid",
            "project",
            Project.id,
            Project.title,
            state=Project.status,
            at=Project.created_at,
        )
    ).where(
        Project.community_id == member.community_id,
        Project.created_at >= since,
        Project.status.in_(PUBLIC_STATUSES),
        Project.is_hidden.is_(False),
        Project.author_id != member.user_id,
        for_my_grid,
    )
    return feed.Part(stmt, (Project.created_at.desc(), Project.id.desc()), limit)


def committee_counts(community_id: int) -> dict:
    """Projects that reached their supporters and wait for the committee's review (a scalar subquery)."""
    return {
        "projects_to_review": select(func.count())
        .select_from(Project)
        .where(Project.community_id == community_id, Project.status == "in_review")
        .scalar_subquery()
    }
