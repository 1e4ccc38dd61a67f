"""The voting part of a member's home page (backend/home): open polls this member may still vote in.

Written over the bound parameters of backend/core/feed.py (built once per member shape)."""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select

from backend.core import feed
from backend.voting.models import Poll, RollEntry

_poll = Poll.__table__.c
_roll = RollEntry.__table__.c


def _eligible(shape):
    """SQL: polls whose eligibility admits this verified member (the rule of voting.services, in SQL)."""
    rules = [_poll.eligibility == "verified"]
    if shape.has_household:
        rules.append(_poll.eligibility == "household")
    if shape.has_grid:
        rules.append(and_(_poll.eligibility == "grid", _poll.grid_id == feed.GRID))
    return or_(*rules)


def _not_voted(shape):
    """SQL: neither this member nor (for household polls) their household is on the poll's roll."""
    keys = (feed.VOTER_U, feed.VOTER_H) if shape.has_household else (feed.VOTER_U,)
    return ~exists().where(_roll.poll_id == _poll.id, _roll.voter_key.in_(keys))


def awaiting_my_vote(shape: feed.Shape, *, limit: int = 5) -> feed.Part | None:
    """Open polls, closing soonest first, that the member may vote in and has not; none unless verified."""
    if not shape.verified:
        return None
    stmt = select(*feed.row("polls", "poll", _poll.id, _poll.title, state=_poll.method, at=_poll.closes_at)).where(
        _poll.community_id == feed.COMMUNITY,
        _poll.state == "active",
        _poll.opens_at <= feed.NOW,
        _poll.closes_at > feed.NOW,
        _eligible(shape),
        _not_voted(shape),
    )
    return feed.Part(stmt, (_poll.closes_at, _poll.id), limit)
