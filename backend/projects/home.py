"""The projects part of the home page (backend/home): new projects for my grid, and the committee's reviews.

Written over the bound parameters of backend/core/feed.py (built once per member shape or staff role)."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from backend.core import feed
from backend.projects.models import PUBLIC_STATUSES, Project

_project = Project.__table__.c


def new_in_grid(shape: feed.Shape, *, limit: int = 3) -> feed.Part:
    """Projects everyone may see, created since `since`, for the member's grid or the whole community."""
    for_my_grid = (
        or_(_project.grid_id.is_(None), _project.grid_id == feed.GRID) if shape.has_grid else _project.grid_id.is_(None)
    )
    stmt = select(
        *feed.row(
            "grid",
            "project",
            _project.id,
            _project.title,
            state=_project.status,
            at=_project.created_at,
        )
    ).where(
        _project.community_id == feed.COMMUNITY,
        _project.created_at >= feed.SINCE,
        _project.status.in_(feed.words(PUBLIC_STATUSES)),
        _project.is_hidden.is_(False),
        _project.author_id != feed.USER,
        for_my_grid,
    )
    return feed.Part(stmt, (_project.created_at.desc(), _project.id.desc()), limit)


def committee_counts() -> dict:
    """Projects that reached their supporters and wait for the committee's review (a scalar subquery)."""
    return {
        "projects_to_review": select(func.count())
        .select_from(Project.__table__)
        .where(_project.community_id == feed.COMMUNITY, _project.status == "in_review")
        .scalar_subquery()
    }
