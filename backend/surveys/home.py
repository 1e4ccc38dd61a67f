"""The surveys part of a member's home page (backend/home): open surveys this member may still answer."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select

from backend.core import feed
from backend.core.db import utcnow
from backend.surveys.models import Survey, SurveyRollEntry


def _eligible(member):
    """SQL: surveys whose eligibility admits this verified member (communities.eligibility's rule, in SQL)."""
    rules = [Survey.eligibility == "verified"]
    if member.household_id is not None:
        rules.append(Survey.eligibility == "household")
    if member.grid_id is not None:
        rules.append(and_(Survey.eligibility == "grid", Survey.grid_id == member.grid_id))
    return or_(*rules)


def _not_answered(member):
    """SQL: neither this member nor (for household surveys) their household is on the survey's roll."""
    keys = [f"u{member.user_id}"] + ([f"h{member.household_id}"] if member.household_id is not None else [])
    return ~exists().where(SurveyRollEntry.survey_id == Survey.id, SurveyRollEntry.respondent_key.in_(keys))


def awaiting_my_answer(member, *, limit: int = 3) -> feed.Part:
    """Open surveys the member may answer and has not, those with a deadline first (soonest first), then the
    newest; none unless verified."""
    now = utcnow()
    stmt = select(
        *feed.row("surveys", "survey", Survey.id, Survey.title, state=Survey.eligibility, at=Survey.closes_at)
    ).where(
        Survey.community_id == member.community_id,
        Survey.started(now),
        Survey.not_ended(now),
        _eligible(member) if member.status == "verified" else false(),
        _not_answered(member),
    )
    return feed.Part(stmt, (Survey.closes_at.is_(None), Survey.closes_at, Survey.id.desc()), limit)
