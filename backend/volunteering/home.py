"""The volunteering part of the home page (backend/home): my next shift, new activities for my grid, and
the organisations waiting for the committee.

Written over the bound parameters of backend/core/feed.py (built once per member shape or staff role)."""

from __future__ import annotations

from sqlalchemy import exists, func, or_, select

from backend.core import feed
from backend.volunteering.models import (
    Activity,
    ActivityGrid,
    Organisation,
    Shift,
    ShiftSignup,
)

_activities = Activity.__table__
_activity = _activities.c
_activity_grid = ActivityGrid.__table__.c
_organisations = Organisation.__table__
_shift = Shift.__table__.c
_signup = ShiftSignup.__table__.c


def next_shift(shape: feed.Shape) -> feed.Part:
    """The member's next shift in this community not yet over (confirmed or waitlisted): its activity's id
    and title, `state` the sign-up's status, `at` the start, `detail` the place."""
    stmt = (
        select(
            *feed.row(
                "mine",
                "shift",
                _activity.id,
                _activity.title,
                state=_signup.status,
                at=_shift.starts_at,
                detail=_activity.location,
            )
        )
        .select_from(ShiftSignup.__table__)
        .join(Shift.__table__, _shift.id == _signup.shift_id)
        .join(_activities, _activity.id == _shift.activity_id)
        .where(
            _signup.user_id == feed.USER,
            _signup.status.in_(feed.words(("confirmed", "waitlisted"))),
            _shift.ends_at > feed.NOW,
            _activity.community_id == feed.COMMUNITY,
        )
    )
    return feed.Part(stmt, (_shift.starts_at, _shift.id), 1)


def new_for_grid(shape: feed.Shape, *, limit: int = 3) -> feed.Part:
    """Activities published since `since` that have not ended, for the whole community or the member's grid,
    of a verified organisation (or a project), not hidden."""
    for_my_grid = ~exists().where(_activity_grid.activity_id == _activity.id)
    if shape.has_grid:
        mine = exists().where(_activity_grid.activity_id == _activity.id, _activity_grid.grid_id == feed.GRID)
        for_my_grid = or_(for_my_grid, mine)
    stmt = (
        select(
            *feed.row(
                "grid",
                "activity",
                _activity.id,
                _activity.title,
                at=_activity.starts_at,
                detail=_activity.location,
            )
        )
        .select_from(_activities.outerjoin(_organisations, _organisations.c.id == _activity.organisation_id))
        .where(
            _activity.community_id == feed.COMMUNITY,
            _activity.created_at >= feed.SINCE,
            _activity.ends_at > feed.NOW,
            or_(_activity.organisation_id.is_(None), _organisations.c.status == "verified"),
            _activity.is_hidden.is_(False),
            for_my_grid,
        )
    )
    return feed.Part(stmt, (_activity.created_at.desc(), _activity.id.desc()), limit)


def committee_counts() -> dict:
    """Organisations waiting to be verified (a scalar subquery)."""
    return {
        "organisations_pending": select(func.count())
        .select_from(_organisations)
        .where(_organisations.c.community_id == feed.COMMUNITY, _organisations.c.status == "pending")
        .scalar_subquery()
    }
