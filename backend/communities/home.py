"""The communities part of the home page (backend/home): residents waiting for verification, and the grids
a grid worker answers for. Written over the bound parameters of backend/core/feed.py (built once)."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.communities.models import Grid, Membership
from backend.core import feed

_grid = Grid.__table__.c
_membership = Membership.__table__.c


def committee_counts() -> dict:
    """Residents waiting for the committee to verify their household (a scalar subquery)."""
    return {
        "members_pending": select(func.count())
        .select_from(Membership.__table__)
        .where(_membership.community_id == feed.COMMUNITY, _membership.status == "pending")
        .scalar_subquery()
    }


def responsible_grid_ids():
    """A subquery of the grids of the community whose responsible person the user (`user_id`) is."""
    return select(_grid.id).where(_grid.community_id == feed.COMMUNITY, _grid.responsible_user_id == feed.USER)
