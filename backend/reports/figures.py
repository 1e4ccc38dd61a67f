"""Aggregate figures of problem reports for the insights dashboard, exports and open data (owned by insights).

Every figure is a SQL aggregate (GROUP BY; percentiles through core.sql.percentiles), grouped by
community, optionally by grid or category (`by`) and optionally by time bucket (`buckets`: the edges of
consecutive weeks or months). Results are plain dicts keyed (community_id, key, bucket); a missing
dimension is None. Raw counts and sums only: shares and means are derived by the caller, so that
roll-ups over several communities stay exact.

Definitions (period = [start, end)):
- new: created in the period; open / overdue: now (open status; overdue = its next deadline has passed);
- resolved: whose latest resolution (resolved_at) is in the period, whatever happened after it;
  resolved_within_deadline: of those, resolved_at <= resolve_due_at; reopened: of those, reopened at
  least once (reopen_count > 0);
- accept_seconds / resolve_seconds: whole seconds from creation to acceptance (accepted in the period)
  and to the latest resolution (resolved in the period), as n, p50 and p90;
- ratings, stars_sum, stars_4_plus: reporters' star ratings of reports confirmed (closed) in the
  period; confirmed_by_default: closed in the period without a rating after a week.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select

from backend.accounts.services import display_name_of
from backend.core.db import utcnow
from backend.core.sql import (
    aggregate,
    count_if,
    epoch_seconds,
    facts,
    keyed,
    merge_into,
    percentiles,
)
from backend.extensions import db
from backend.reports.categories import CATEGORIES
from backend.reports.models import OPEN_STATUSES, Report

TIMES = {"p50": 0.5, "p90": 0.9}


def _key(by: str | None):
    return {None: None, "grid": Report.grid_id, "category": Report.category, "assignee": Report.assignee_id}[by]


def _facts(community_ids, time_column, start, end, *conditions, by=None, buckets=None, **values):
    return (
        select(*facts(Report.community_id, key=_key(by), time=time_column, buckets=buckets, **values))
        .where(Report.community_id.in_(community_ids), time_column >= start, time_column < end, *conditions)
        .subquery()
    )


def _timing(inner, prefix: str) -> dict[tuple, dict]:
    rows = db.session.execute(percentiles(inner, "seconds", TIMES))
    return {
        dimension: {f"{prefix}_n": v["n"], f"{prefix}_p50": v["p50"], f"{prefix}_p90": v["p90"]}
        for dimension, v in keyed(rows).items()
    }


def report_figures(
    community_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    by: str | None = None,
    buckets: list[datetime] | None = None,
    now: datetime | None = None,
) -> dict[tuple, dict]:
    """Report figures per (community, grid|category|None, bucket|None); see the module docstring."""
    now = now or utcnow()
    if buckets:
        start, end = buckets[0], buckets[-1]
    scope = {"by": by, "buckets": buckets}
    found: dict[tuple, dict] = {}

    created = _facts(community_ids, Report.created_at, start, end, **scope, one=Report.id)
    merge_into(found, keyed(db.session.execute(aggregate(created, new=lambda c: count_if(c.one.is_not(None))))))

    resolved = _facts(
        community_ids,
        Report.resolved_at,
        start,
        end,
        **scope,
        in_time=Report.resolved_at <= Report.resolve_due_at,
        reopened=Report.reopen_count > 0,
        seconds=epoch_seconds(Report.resolved_at) - epoch_seconds(Report.created_at),
    )
    merge_into(
        found,
        keyed(
            db.session.execute(
                aggregate(
                    resolved,
                    resolved=lambda c: count_if(c.seconds.is_not(None)),
                    resolved_within_deadline=lambda c: count_if(c.in_time),
                    reopened=lambda c: count_if(c.reopened),
                )
            )
        ),
    )
    # A lean subquery of its own: (community, resolved_at, created_at) is then a covering index.
    resolve_times = _facts(
        community_ids,
        Report.resolved_at,
        start,
        end,
        **scope,
        seconds=epoch_seconds(Report.resolved_at) - epoch_seconds(Report.created_at),
    )
    merge_into(found, _timing(resolve_times, "resolve_seconds"))

    accepted = _facts(
        community_ids,
        Report.accepted_at,
        start,
        end,
        **scope,
        seconds=epoch_seconds(Report.accepted_at) - epoch_seconds(Report.created_at),
    )
    merge_into(found, _timing(accepted, "accept_seconds"))

    confirmed = _facts(
        community_ids,
        Report.closed_at,
        start,
        end,
        Report.status == "confirmed",
        **scope,
        stars=Report.rating_stars,
        by_default=Report.is_confirmed_by_default,
    )
    merge_into(
        found,
        keyed(
            db.session.execute(
                aggregate(
                    confirmed,
                    ratings=lambda c: count_if(c.stars.is_not(None)),
                    stars_sum=lambda c: func.coalesce(func.sum(c.stars), 0),
                    stars_4_plus=lambda c: count_if(c.stars >= 4),
                    confirmed_by_default=lambda c: count_if(c.by_default),
                )
            )
        ),
    )

    if not buckets:  # open and overdue are "now", not a period
        open_now = (
            select(*facts(Report.community_id, key=_key(by)), (Report.next_due_at < now).label("late"))
            .where(Report.community_id.in_(community_ids), Report.status.in_(OPEN_STATUSES))
            .subquery()
        )
        merge_into(
            found,
            keyed(
                db.session.execute(aggregate(open_now, open=lambda c: func.count(), overdue=lambda c: count_if(c.late)))
            ),
        )
    return found


def handler_figures(community_ids: list[int], start: datetime, end: datetime, *, now: datetime | None = None):
    """The report figures per (community, assignee): a handler's scorecard. Besides report_figures' counts,
    `accepted` (accepted in the period) and `accepted_within_deadline` (of those, by the response deadline).
    A report counts for whoever it is assigned to now (a reassignment moves it)."""
    found = report_figures(community_ids, start, end, by="assignee", now=now)
    in_time = Report.accepted_at <= Report.response_due_at
    accepted = _facts(community_ids, Report.accepted_at, start, end, by="assignee", in_time=in_time)
    merge_into(
        found,
        keyed(
            db.session.execute(
                aggregate(
                    accepted,
                    accepted=lambda c: count_if(c.in_time.is_not(None)),
                    accepted_within_deadline=lambda c: count_if(c.in_time),
                )
            )
        ),
    )
    return found


def weekly_new_by(community_ids: list[int], buckets: list[datetime], by: str) -> dict[tuple, int]:
    """New reports per (community, grid|category, week): the early-warning baseline."""
    inner = _facts(community_ids, Report.created_at, buckets[0], buckets[-1], by=by, buckets=buckets, one=Report.id)
    return {
        d: v["new"]
        for d, v in keyed(db.session.execute(aggregate(inner, new=lambda c: count_if(c.one.is_not(None))))).items()
    }


def resolved_and_reopened_by_category(community_ids: list[int], start: datetime, end: datetime) -> dict[tuple, dict]:
    """Per category: reports resolved in [start, end) and how many of them were reopened."""
    inner = _facts(community_ids, Report.resolved_at, start, end, by="category", reopened=Report.reopen_count > 0)
    return keyed(
        db.session.execute(
            aggregate(
                inner, resolved=lambda c: count_if(c.reopened.is_not(None)), reopened=lambda c: count_if(c.reopened)
            )
        )
    )


def report_pins(community_id: int, start: datetime, end: datetime, *, limit: int = 2000) -> list[dict]:
    """Points of open reports and of reports made in the period: position, category, status. No reporter."""
    rows = db.session.execute(
        select(Report.id, Report.lat, Report.lng, Report.category, Report.status, Report.grid_id, Report.next_due_at)
        .where(
            Report.community_id == community_id,
            Report.lat.is_not(None),
            Report.status.in_(OPEN_STATUSES) | and_(Report.created_at >= start, Report.created_at < end),
        )
        .order_by(Report.id.desc())
        .limit(limit)
    )
    now = utcnow()
    return [
        {
            "id": r.id,
            "lat": r.lat,
            "lng": r.lng,
            "category": r.category,
            "status": r.status,
            "grid_id": r.grid_id,
            "is_overdue": r.status in OPEN_STATUSES and r.next_due_at is not None and r.next_due_at < now,
        }
        for r in rows
    ]


def category_keys() -> tuple[str, ...]:
    return CATEGORIES


def export_rows(community_id: int, start: datetime, end: datetime):
    """Reports made in the period, for the committee's CSV: reporter's and handler's display names, never
    their phone or e-mail. Streams rows (an export is a listing, not a count)."""
    stmt = (
        select(
            Report.id,
            Report.created_at,
            Report.category,
            Report.grid_id,
            Report.status,
            Report.location_text,
            Report.description,
            display_name_of(Report.reporter_id).label("reporter_name"),
            display_name_of(Report.assignee_id).label("assignee_name"),
            Report.accepted_at,
            Report.resolved_at,
            Report.closed_at,
            Report.resolve_due_at,
            Report.reopen_count,
            Report.me_too_count,
            Report.rating_stars,
            Report.is_confirmed_by_default,
            Report.reject_reason,
        )
        .where(Report.community_id == community_id, Report.created_at >= start, Report.created_at < end)
        .order_by(Report.id)
    )
    yield from db.session.execute(stmt.execution_options(yield_per=1000)).mappings()
