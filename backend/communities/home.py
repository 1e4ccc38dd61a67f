"""The communities part of the home page (backend/home): residents waiting for verification, and the grids
a grid worker answers for."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.communities.models import Grid, Membership


def committee_counts(community_id: int) -> dict:
    """Residents waiting for the committee to verify their household (a scalar subquery)."""
    return {
        "members_pending": select(func.count())
        .select_from(Membership)
        .where(Membership.community_id == community_id, Membership.status == "pending")
        .scalar_subquery()
    }


def responsible_grid_ids(community_id: int, user_id: int):
    """A subquery of the grids of this community whose responsible person the user is."""
    return select(Grid.id).where(Grid.community_id == community_id, Grid.responsible_user_id == user_id)
