"""Aggregate figures of moderation for insights (owned by insights; SQL aggregates, plain dicts).

Per community (moderation has no grid) and optionally per time bucket. Period = [start, end):
- flags: flags raised in the period; actions_<type>: committee actions taken in the period by type;
- appeals_filed: appeals made in the period; appeals_upheld / appeals_reversed: decided in the period;
  appeals_pending: waiting now.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from backend.core.sql import aggregate, count_if, facts, keyed, merge_into
from backend.extensions import db
from backend.moderation.models import ACTIONS, Appeal, Flag, ModerationAction


def moderation_figures(
    community_ids: list[int], start: datetime, end: datetime, *, buckets: list[datetime] | None = None
) -> dict[tuple, dict]:
    if buckets:
        start, end = buckets[0], buckets[-1]
    found: dict[tuple, dict] = {}
    flags = (
        select(*facts(Flag.community_id, time=Flag.created_at, buckets=buckets, one=Flag.id))
        .where(Flag.community_id.in_(community_ids), Flag.created_at >= start, Flag.created_at < end)
        .subquery()
    )
    merge_into(found, keyed(db.session.execute(aggregate(flags, flags=lambda c: func.count(c.one)))))

    actions = (
        select(
            *facts(
                ModerationAction.community_id,
                time=ModerationAction.created_at,
                buckets=buckets,
                action=ModerationAction.action,
            )
        )
        .where(
            ModerationAction.community_id.in_(community_ids),
            ModerationAction.created_at >= start,
            ModerationAction.created_at < end,
        )
        .subquery()
    )
    merge_into(
        found,
        keyed(
            db.session.execute(
                aggregate(
                    actions,
                    **{f"actions_{name}": (lambda c, name=name: count_if(c.action == name)) for name in ACTIONS},
                )
            )
        ),
    )

    filed = (
        select(*facts(Appeal.community_id, time=Appeal.created_at, buckets=buckets, one=Appeal.id))
        .where(Appeal.community_id.in_(community_ids), Appeal.created_at >= start, Appeal.created_at < end)
        .subquery()
    )
    merge_into(found, keyed(db.session.execute(aggregate(filed, appeals_filed=lambda c: func.count(c.one)))))
    decided = (
        select(*facts(Appeal.community_id, time=Appeal.decided_at, buckets=buckets, status=Appeal.status))
        .where(Appeal.community_id.in_(community_ids), Appeal.decided_at >= start, Appeal.decided_at < end)
        .subquery()
    )
    merge_into(
        found,
        keyed(
            db.session.execute(
                aggregate(
                    decided,
                    appeals_upheld=lambda c: count_if(c.status == "upheld"),
                    appeals_reversed=lambda c: count_if(c.status == "reversed"),
                )
            )
        ),
    )
    if not buckets:
        pending = (
            select(*facts(Appeal.community_id, one=Appeal.id))
            .where(Appeal.community_id.in_(community_ids), Appeal.status == "pending")
            .subquery()
        )
        merge_into(found, keyed(db.session.execute(aggregate(pending, appeals_pending=lambda c: func.count(c.one)))))
    return found


ACTION_TYPES = ACTIONS
