"""Aggregate figures of polls for insights (owned by insights; SQL aggregates, plain dicts).

Ballots are counted from the roll (THAT someone voted, with its time), never from the ballots table (no
time, and secret). Keyed (community_id, None, bucket | None); per grid, the communities domain breaks
the voters down by their membership (see `voters`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from backend.core.sql import aggregate, facts, keyed
from backend.extensions import db
from backend.voting.models import Poll, RollEntry


def ballot_figures(
    community_ids: list[int], start: datetime, end: datetime, *, buckets: list[datetime] | None = None
) -> dict[tuple, dict]:
    """ballots: roll entries (one per voter or household and poll) made in the period."""
    if buckets:
        start, end = buckets[0], buckets[-1]
    inner = (
        select(*facts(Poll.community_id, time=RollEntry.voted_at, buckets=buckets, one=RollEntry.id))
        .join(Poll, Poll.id == RollEntry.poll_id)
        .where(Poll.community_id.in_(community_ids), RollEntry.voted_at >= start, RollEntry.voted_at < end)
        .subquery()
    )
    return keyed(db.session.execute(aggregate(inner, ballots=lambda c: func.count(c.one))))


def voters(community_ids: list[int], start: datetime, end: datetime):
    """A SELECT of (community_id, user_id), one row per ballot cast in the period: composed in SQL by
    backend.communities.figures.voter_breakdown (households and grids), never fetched."""
    return (
        select(Poll.community_id.label("community_id"), RollEntry.user_id.label("user_id"))
        .join(Poll, Poll.id == RollEntry.poll_id)
        .where(Poll.community_id.in_(community_ids), RollEntry.voted_at >= start, RollEntry.voted_at < end)
    )


def export_rows(community_id: int, start: datetime, end: datetime) -> list[dict]:
    """Polls whose window overlaps the period, with their frozen results (counts per option)."""
    polls = db.session.scalars(
        select(Poll)
        .where(Poll.community_id == community_id, Poll.opens_at < end, Poll.closes_at >= start)
        .order_by(Poll.id)
    )
    rows = []
    for poll in polls:
        results = poll.results or {}
        counts = results.get("counts") or []
        rows.append(
            {
                "id": poll.id,
                "title": poll.title,
                "method": poll.method,
                "eligibility": poll.eligibility,
                "grid_id": poll.grid_id,
                "project_id": poll.project_id,
                "opens_at": poll.opens_at,
                "closes_at": poll.closes_at,
                "state": poll.state,
                "is_secret": poll.is_secret,
                "voters": results.get("voters", poll.voter_count),
                "eligible": results.get("eligible", poll.eligible_count),
                "turnout": results.get("turnout"),
                "quorum_met": results.get("quorum_met"),
                "passed": results.get("passed"),
                "results": "; ".join(f"{c.get('label') or c.get('choice')}: {c.get('votes')}" for c in counts),
                "cancelled": results.get("cancelled"),
            }
        )
    return rows
