"""The moderation part of the committee's home page (backend/home): what waits in the queue and appeals."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.moderation.models import Appeal, ModerationCase


def committee_counts(community_id: int) -> dict:
    """Flagged or held items not yet resolved, and appeals not yet decided (scalar subqueries)."""
    return {
        "moderation_open": select(func.count())
        .select_from(ModerationCase)
        .where(
            ModerationCase.community_id == community_id,
            ModerationCase.state != "resolved",
        )
        .scalar_subquery(),
        "appeals_pending": select(func.count())
        .select_from(Appeal)
        .where(Appeal.community_id == community_id, Appeal.status == "pending")
        .scalar_subquery(),
    }
