"""The surveys I answered, my answers where the survey was named, the surveys I wrote.

An anonymous survey's answers were never linked to their respondent, so they cannot be part of anyone's copy.
"""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.surveys.models import Survey, SurveyAnswer, SurveyResponse, SurveyRollEntry

TABLES = ("survey_roll", "survey_responses", "survey_answers", "surveys")


def export(user) -> dict:
    return {
        # respondent_key may name the household: the roll entry already says it is mine.
        "answered": rows_of(
            select(SurveyRollEntry).where(SurveyRollEntry.user_id == user.id), leave_out=("respondent_key",)
        ),
        "named_responses": rows_of(select(SurveyResponse).where(SurveyResponse.respondent_id == user.id)),
        "named_answers": rows_of(select(SurveyAnswer).where(SurveyAnswer.respondent_id == user.id)),
        "surveys_created": rows_of(select(Survey).where(Survey.created_by_id == user.id)),
    }
