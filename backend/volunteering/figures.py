"""Aggregate figures of volunteering for insights (owned by insights; SQL aggregates, plain dicts).

Keyed (community_id, grid_id | None, bucket | None); per grid through the grids an activity is published
to (an activity for the whole community counts in the community's totals only). Everything is about
shifts that START in the period:
- activities: distinct activities with such a shift; signups: confirmed or waitlisted sign-ups on them;
- attended / expected: of the confirmed sign-ups on those shifts that have ended, how many checked in;
- volunteer_minutes: minutes recorded on those shifts (check-in or the organiser's correction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from backend.accounts.services import display_name_of
from backend.core.db import utcnow
from backend.core.sql import aggregate, count_if, facts, keyed, merge_into
from backend.extensions import db
from backend.volunteering.models import (
    Activity,
    ActivityGrid,
    Organisation,
    Shift,
    ShiftSignup,
)


def _facts(community_ids, start, end, by, buckets, now, *, with_signups: bool):
    key = ActivityGrid.grid_id if by == "grid" else None
    values = {"activity": Activity.id}
    if with_signups:
        values |= {
            "status": ShiftSignup.status,
            "minutes": ShiftSignup.minutes,
            "expected": (ShiftSignup.status == "confirmed") & (Shift.ends_at <= now),
            "attended": (ShiftSignup.status == "confirmed")
            & (Shift.ends_at <= now)
            & ShiftSignup.checked_in_at.is_not(None),
        }
    stmt = (
        select(*facts(Activity.community_id, key=key, time=Shift.starts_at, buckets=buckets, **values))
        .select_from(Shift)
        .join(Activity, Activity.id == Shift.activity_id)
    )
    if with_signups:
        stmt = stmt.join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
    if by == "grid":
        stmt = stmt.join(ActivityGrid, ActivityGrid.activity_id == Activity.id)
    return stmt.where(
        Activity.community_id.in_(community_ids), Shift.starts_at >= start, Shift.starts_at < end
    ).subquery()


def volunteer_figures(
    community_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    by: str | None = None,
    buckets: list[datetime] | None = None,
    now: datetime | None = None,
) -> dict[tuple, dict]:
    now = now or utcnow()
    if buckets:
        start, end = buckets[0], buckets[-1]
    found: dict[tuple, dict] = {}
    shifts = _facts(community_ids, start, end, by, buckets, now, with_signups=False)
    merge_into(
        found, keyed(db.session.execute(aggregate(shifts, activities=lambda c: func.count(func.distinct(c.activity)))))
    )
    signups = _facts(community_ids, start, end, by, buckets, now, with_signups=True)
    merge_into(
        found,
        keyed(
            db.session.execute(
                aggregate(
                    signups,
                    signups=lambda c: count_if(c.status != "cancelled"),
                    expected=lambda c: count_if(c.expected),
                    attended=lambda c: count_if(c.attended),
                    volunteer_minutes=lambda c: func.coalesce(func.sum(c.minutes), 0),
                )
            )
        ),
    )
    return found


def export_rows(community_id: int, start: datetime, end: datetime):
    """Hours per volunteer and shift (shifts starting in the period), with the volunteer's display name."""
    stmt = (
        select(
            Organisation.name.label("organisation"),
            Activity.id.label("activity_id"),
            Activity.title.label("activity"),
            Shift.starts_at,
            Shift.ends_at,
            display_name_of(ShiftSignup.user_id).label("volunteer_name"),
            ShiftSignup.status,
            ShiftSignup.checked_in_at,
            ShiftSignup.minutes,
            ShiftSignup.hours_reason,
        )
        .select_from(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .outerjoin(Organisation, Organisation.id == Activity.organisation_id)
        .where(
            Activity.community_id == community_id,
            Shift.starts_at >= start,
            Shift.starts_at < end,
            ShiftSignup.status == "confirmed",
        )
        .order_by(Shift.starts_at, Shift.id, ShiftSignup.id)
    )
    yield from db.session.execute(stmt.execution_options(yield_per=1000)).mappings()
