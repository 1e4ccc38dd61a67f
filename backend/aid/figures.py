"""Aggregate figures of mutual aid for insights (owned by insights; SQL aggregates, plain dicts).

Keyed (community_id, grid_id | None, bucket | None). Period = [start, end):
- posts: offers and requests posted in the period; matched: of those, matched or completed now;
- match_seconds (n, p50): whole seconds from the post to the response its author accepted. The aid
  domain keeps no acceptance time, so "time to match" is measured to the accepted neighbour's answer;
- minutes_exchanged: time-bank minutes recorded in the period (a completed post pays in once).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from backend.accounts.services import display_name_of
from backend.aid.models import AidPost, AidResponse, TimeBankEntry
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


def aid_figures(
    community_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    by: str | None = None,
    buckets: list[datetime] | None = None,
) -> dict[tuple, dict]:
    if buckets:
        start, end = buckets[0], buckets[-1]
    key = AidPost.grid_id if by == "grid" else None
    found: dict[tuple, dict] = {}
    posted = (
        select(
            *facts(
                AidPost.community_id,
                key=key,
                time=AidPost.created_at,
                buckets=buckets,
                matched=AidPost.status.in_(("matched", "completed")),
            )
        )
        .where(AidPost.community_id.in_(community_ids), AidPost.created_at >= start, AidPost.created_at < end)
        .subquery()
    )
    merge_into(
        found,
        keyed(
            db.session.execute(
                aggregate(posted, aid_posts=lambda c: func.count(c.matched), aid_matched=lambda c: count_if(c.matched))
            )
        ),
    )

    matched = (
        select(
            *facts(
                AidPost.community_id,
                key=key,
                time=AidPost.created_at,
                buckets=buckets,
                seconds=epoch_seconds(AidResponse.created_at) - epoch_seconds(AidPost.created_at),
            )
        )
        .join(AidResponse, AidResponse.id == AidPost.accepted_response_id)
        .where(
            AidPost.community_id.in_(community_ids),
            AidPost.created_at >= start,
            AidPost.created_at < end,
            AidPost.status.in_(("matched", "completed")),
        )
        .subquery()
    )
    merge_into(
        found,
        {
            d: {"match_seconds_n": v["n"], "match_seconds_p50": v["p50"]}
            for d, v in keyed(db.session.execute(percentiles(matched, "seconds", {"p50": 0.5}))).items()
        },
    )

    banked = (
        select(
            *facts(
                TimeBankEntry.community_id,
                key=key,
                time=TimeBankEntry.created_at,
                buckets=buckets,
                minutes=TimeBankEntry.minutes,
            )
        )
        .join(AidPost, AidPost.id == TimeBankEntry.post_id)
        .where(
            TimeBankEntry.community_id.in_(community_ids),
            TimeBankEntry.created_at >= start,
            TimeBankEntry.created_at < end,
        )
        .subquery()
    )
    merge_into(
        found,
        keyed(db.session.execute(aggregate(banked, minutes_exchanged=lambda c: func.coalesce(func.sum(c.minutes), 0)))),
    )
    return found


def export_rows(community_id: int, start: datetime, end: datetime):
    """Aid posts made in the period with author's and helper's display names and hours (no contact data)."""
    stmt = (
        select(
            AidPost.id,
            AidPost.created_at,
            AidPost.kind,
            AidPost.category,
            AidPost.title,
            AidPost.grid_id,
            AidPost.status,
            display_name_of(AidPost.author_id).label("author_name"),
            display_name_of(AidPost.helper_id).label("helper_name"),
            AidPost.completed_at,
            TimeBankEntry.minutes,
        )
        .outerjoin(TimeBankEntry, TimeBankEntry.post_id == AidPost.id)
        .where(AidPost.community_id == community_id, AidPost.created_at >= start, AidPost.created_at < end)
        .order_by(AidPost.id)
    )
    yield from db.session.execute(stmt.execution_options(yield_per=1000)).mappings()
