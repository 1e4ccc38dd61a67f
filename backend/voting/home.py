"""The voting part of a member's home page (backend/home): open polls this member may still vote in."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select

from backend.core import feed
from backend.core.db import utcnow
from backend.voting.models import Poll, RollEntry


def _eligible(member):
    """SQL: polls whose eligibility admits this verified member (the rule of voting.services, in SQL)."""
    rules = [Poll.eligibility == "verified"]
    if member.household_id is not None:
        rules.append(Poll.eligibility == "household")
    if member.grid_id is not None:
        rules.append(and_(Poll.eligibility == "grid", Poll.grid_id == member.grid_id))
    return or_(*rules)


def not_voted(member):
    """SQL: neither this member nor (for household polls) their household is on the poll's roll."""
    keys = [f"u{member.user_id}"] + ([f"h{member.household_id}"] if member.household_id is not None else [])
    return ~exists().where(RollEntry.poll_id == Poll.id, RollEntry.voter_key.in_(keys))


def awaiting_my_vote(member, *, limit: int = 5) -> feed.Part:
    """Open polls, closing soonest first, that the member may vote in and has not; none unless verified."""
    now = utcnow()
    may_vote = member.status == "verified"
    stmt = select(*feed.row("polls", "poll", Poll.id, Poll.title, state=Poll.method, at=Poll.closes_at)).where(
        Poll.community_id == member.community_id,
        Poll.state == "active",
        Poll.opens_at <= now,
        Poll.closes_at > now,
        _eligible(member) if may_vote else false(),
        not_voted(member),
    )
    return feed.Part(stmt, (Poll.closes_at, Poll.id), limit)
