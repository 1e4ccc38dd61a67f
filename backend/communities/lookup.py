"""Finding members at a desk (issue 18's polling table): by household ("3-1-101", "3 1 101") or by name.

For staff screens that already show households (the committee's); callers check who may look.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from backend.accounts.services import display_name_of
from backend.communities.models import Household, Membership
from backend.extensions import db

HOUSEHOLD_PARTS = re.compile(r"[^\W_]+")  # building, unit and room, whatever separates them (- / space 号 室)


def find_members(community_id: int, query: str, *, limit: int = 20) -> list[Membership]:
    """Members of the community whose household is `query` (three parts: building, unit, room) or whose room
    is `query`, or whose name contains it; by household, then id. Empty for an empty query."""
    query = query.strip()
    if not query:
        return []
    parts = HOUSEHOLD_PARTS.findall(query)
    stmt = select(Membership).where(Membership.community_id == community_id)
    if len(parts) == 3:
        building, unit, room = parts
        stmt = stmt.join(Household, Household.id == Membership.household_id).where(
            Household.building == building, Household.unit == unit, Household.room == room
        )
    else:
        in_room = select(Household.id).where(Household.community_id == community_id, Household.room == query)
        named = display_name_of(Membership.user_id).contains(query, autoescape=True)
        stmt = stmt.where(named | Membership.household_id.in_(in_room))
    return list(db.session.scalars(stmt.order_by(Membership.household_id, Membership.id).limit(limit)))


def household_label(member: Membership) -> str | None:
    household = member.household
    return f"{household.building}-{household.unit}-{household.room}" if household else None
