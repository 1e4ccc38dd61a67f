"""The moderation part of the committee's home page (backend/home): what waits in the queue and appeals.
Written over the bound parameters of backend/core/feed.py (built once)."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.core import feed
from backend.moderation.models import Appeal, ModerationCase

_case = ModerationCase.__table__.c
_appeal = Appeal.__table__.c


def committee_counts() -> dict:
    """Flagged or held items not yet resolved, and appeals not yet decided (scalar subqueries)."""
    return {
        "moderation_open": select(func.count())
        .select_from(ModerationCase.__table__)
        .where(_case.community_id == feed.COMMUNITY, _case.state != "resolved")
        .scalar_subquery(),
        "appeals_pending": select(func.count())
        .select_from(Appeal.__table__)
        .where(_appeal.community_id == feed.COMMUNITY, _appeal.status == "pending")
        .scalar_subquery(),
    }
