"""Flags I raised, moderation decisions about my content or profile, my appeals, what I decided (committee)."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.moderation.models import Appeal, Flag, ModerationAction, ModerationCase

TABLES = ("flags", "moderation_actions", "appeals", "moderation_cases")


def export(user) -> dict:
    return {
        "flags_raised": rows_of(select(Flag).where(Flag.flagger_id == user.id)),
        "cases_about_my_content": rows_of(select(ModerationCase).where(ModerationCase.author_id == user.id)),
        "actions_about_me": rows_of(select(ModerationAction).where(ModerationAction.author_id == user.id)),
        "appeals": rows_of(select(Appeal).where(Appeal.author_id == user.id)),
        "actions_taken": rows_of(select(ModerationAction).where(ModerationAction.actor_id == user.id)),
    }
