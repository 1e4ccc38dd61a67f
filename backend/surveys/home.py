"""The surveys part of a member's home page (backend/home): open surveys this member may still answer.

Written over the bound parameters of backend/core/feed.py (built once per member shape)."""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select

from backend.core import feed
from backend.surveys.models import Survey, SurveyRollEntry

_survey = Survey.__table__.c
_roll = SurveyRollEntry.__table__.c


def _eligible(shape):
    """SQL: surveys whose eligibility admits this verified member (communities.eligibility's rule, in SQL)."""
    rules = [_survey.eligibility == "verified"]
    if shape.has_household:
        rules.append(_survey.eligibility == "household")
    if shape.has_grid:
        rules.append(and_(_survey.eligibility == "grid", _survey.grid_id == feed.GRID))
    return or_(*rules)


def _not_answered(shape):
    """SQL: neither this member nor (for household surveys) their household is on the survey's roll."""
    keys = (feed.VOTER_U, feed.VOTER_H) if shape.has_household else (feed.VOTER_U,)
    return ~exists().where(_roll.survey_id == _survey.id, _roll.respondent_key.in_(keys))


def _open_now():
    """The model's own rule (Survey.started(now) & Survey.not_ended(now)) applied to the table's columns and the
    bound `now`: one rule, and no ORM attribute in the statement (that would send it through the ORM)."""
    return Survey.started.__func__(_survey, feed.NOW) & Survey.not_ended.__func__(_survey, feed.NOW)


def awaiting_my_answer(shape: feed.Shape, *, limit: int = 3) -> feed.Part | None:
    """Open surveys the member may answer and has not, those with a deadline first (soonest first), then the
    newest; none unless verified."""
    if not shape.verified:
        return None
    stmt = select(
        *feed.row("surveys", "survey", _survey.id, _survey.title, state=_survey.eligibility, at=_survey.closes_at)
    ).where(_survey.community_id == feed.COMMUNITY, _open_now(), _eligible(shape), _not_answered(shape))
    return feed.Part(stmt, (_survey.closes_at.is_(None), _survey.closes_at, _survey.id.desc()), limit)
