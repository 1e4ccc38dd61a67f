"""Free-text survey answers as targets: flagged and hidden like any content (the moderated list of answers)."""

from sqlalchemy import select

from backend.core import targets
from backend.extensions import db
from backend.surveys import services
from backend.surveys.models import Survey, SurveyAnswer


def _load_text_answer(answer_id: int):
    answer = db.session.get(SurveyAnswer, answer_id)
    return answer if answer is not None and answer.text is not None else None


def _load_text_answers(ids: list[int]) -> dict:
    if not ids:
        return {}
    rows = db.session.scalars(
        select(SurveyAnswer).where(SurveyAnswer.id.in_(list(ids)), SurveyAnswer.text.is_not(None))
    )
    return {answer.id: answer for answer in rows}


def _community_of(answer: SurveyAnswer) -> int:
    return db.session.get(Survey, answer.survey_id).community_id


targets.register(
    "survey_answer",
    load=_load_text_answer,
    load_many=_load_text_answers,
    can_see=services.text_answer_visible,
    community_id=_community_of,
    # Anonymous surveys: nobody (moderation can hide the answer but tells, warns or suspends no one).
    author_id=lambda answer: answer.respondent_id,
    title=lambda answer: answer.text[:60],
    excerpt=lambda answer: answer.text[:200],
    flaggable=True,
    hideable=True,
)
