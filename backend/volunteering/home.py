"""The volunteering part of the home page (backend/home): my next shift, new activities for my grid, and
the organisations waiting for the committee."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from backend.core import feed
from backend.core.db import utcnow
from backend.volunteering.models import (
    Activity,
    ActivityGrid,
    Organisation,
    Shift,
    ShiftSignup,
)


def next_shift(member) -> feed.Part:
    """The member's next shift in this community not yet over (confirmed or waitlisted): its activity's id
    and title, `state` the sign-up's status, `at` the start, `detail` the place."""
    stmt = (
        select(
            *feed.row(
                "mine",
                "shift",
                Activity.id,
                Activity.title,
                state=ShiftSignup.status,
                at=Shift.starts_at,
                detail=Activity.location,
            )
        )
        .select_from(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .where(
            ShiftSignup.user_id == member.user_id,
            ShiftSignup.status.in_(("confirmed", "waitlisted")),
            Shift.ends_at > utcnow(),
            Activity.community_id == member.community_id,
        )
    )
    return feed.Part(stmt, (Shift.starts_at, Shift.id), 1)


def new_for_grid(member, since, *, limit: int = 3) -> feed.Part:
    """Activities published since `since` that have not ended, for the whole community or the member's grid,
    of a verified organisation (or a project), not hidden."""
    for_my_grid = ~Activity.grids.any()
    if member.grid_id is not None:
        for_my_grid = or_(for_my_grid, Activity.grids.any(ActivityGrid.grid_id == member.grid_id))
    stmt = (
        select(
            *feed.row(
                "grid",
                "activity",
                Activity.id,
                Activity.title,
                at=Activity.starts_at,
                detail=Activity.location,
            )
        )
        .outerjoin(Organisation, Organisation.id == Activity.organisation_id)
        .where(
            Activity.community_id == member.community_id,
            Activity.created_at >= since,
            Activity.ends_at > utcnow(),
            or_(Activity.organisation_id.is_(None), Organisation.status == "verified"),
            Activity.is_hidden.is_(False),
            for_my_grid,
        )
    )
    return feed.Part(stmt, (Activity.created_at.desc(), Activity.id.desc()), limit)


def committee_counts(community_id: int) -> dict:
    """Organisations waiting to be verified (a scalar subquery)."""
    return {
        "organisations_pending": select(func.count())
        .select_from(Organisation)
        .where(Organisation.community_id == community_id, Organisation.status == "pending")
        .scalar_subquery()
    }
