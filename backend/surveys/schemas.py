from datetime import UTC

import marshmallow as ma

from backend.core.schemas import InputSchema, abilities_schema, text
from backend.surveys.models import ELIGIBILITIES, KINDS, SCALE
from backend.surveys.services import ACTIONS

MAX_QUESTIONS = 50
MAX_OPTIONS = 20
MAX_TEXT_ANSWER = 2000


def _aware(**kwargs):
    return ma.fields.AwareDateTime(default_timezone=UTC, **kwargs)


class QuestionInputSchema(InputSchema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    prompt = text(300, required=True, min_length=1)
    required = ma.fields.Boolean(load_default=True)
    options = ma.fields.List(text(100), load_default=list, validate=ma.validate.Length(max=MAX_OPTIONS))
    max_choices = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(1, MAX_OPTIONS))


class SurveyCreateSchema(InputSchema):
    title = text(120, required=True, min_length=1)
    description = text(5000, load_default="")
    questions = ma.fields.List(
        ma.fields.Nested(QuestionInputSchema), required=True, validate=ma.validate.Length(min=1, max=MAX_QUESTIONS)
    )
    eligibility = ma.fields.String(load_default="verified", validate=ma.validate.OneOf(ELIGIBILITIES))
    grid_id = ma.fields.Integer(load_default=None, allow_none=True)
    anonymous = ma.fields.Boolean(load_default=True)
    results_public = ma.fields.Boolean(load_default=False)
    opens_at = _aware(load_default=None, allow_none=True, metadata={"description": "a draft opens by itself then"})
    closes_at = _aware(load_default=None, allow_none=True)


class SurveyUpdateSchema(InputSchema):
    """Only the fields sent change; `questions` replaces the whole list (drafts only)."""

    title = text(120, min_length=1)
    description = text(5000)
    questions = ma.fields.List(
        ma.fields.Nested(QuestionInputSchema), validate=ma.validate.Length(min=1, max=MAX_QUESTIONS)
    )
    eligibility = ma.fields.String(validate=ma.validate.OneOf(ELIGIBILITIES))
    grid_id = ma.fields.Integer(allow_none=True)
    anonymous = ma.fields.Boolean()
    results_public = ma.fields.Boolean()
    opens_at = _aware(allow_none=True)
    closes_at = _aware(allow_none=True)


class AnswerInputSchema(InputSchema):
    """One field per question kind: option (single), options (multiple), scale, text, ranking (every option)."""

    question_id = ma.fields.Integer(required=True)
    option = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(0, MAX_OPTIONS))
    options = ma.fields.List(ma.fields.Integer(), allow_none=True, validate=ma.validate.Length(max=MAX_OPTIONS))
    scale = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(*SCALE))
    text = text(MAX_TEXT_ANSWER, allow_none=True)
    ranking = ma.fields.List(ma.fields.Integer(), allow_none=True, validate=ma.validate.Length(max=MAX_OPTIONS))


class ResponseInputSchema(InputSchema):
    answers = ma.fields.List(
        ma.fields.Nested(AnswerInputSchema), required=True, validate=ma.validate.Length(max=MAX_QUESTIONS)
    )


class ConvertInputSchema(InputSchema):
    into = ma.fields.String(required=True, validate=ma.validate.OneOf(("project", "poll")))
    title = text(120, load_default=None, allow_none=True)
    category = text(40, load_default=None, allow_none=True, metadata={"description": "project: a category key"})
    question_id = ma.fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "poll: the single, multiple or ranking question"}
    )
    opens_at = _aware(load_default=None, allow_none=True, metadata={"description": "poll: required"})
    closes_at = _aware(load_default=None, allow_none=True, metadata={"description": "poll: required"})


class SurveyListArgsSchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(("draft", "open", "closed")))


class TextAnswersArgsSchema(ma.Schema):
    question_id = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 2**31 - 1))


class QuestionSchema(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    kind = ma.fields.String()
    prompt = ma.fields.String()
    required = ma.fields.Boolean(attribute="is_required")
    options = ma.fields.List(ma.fields.String())
    max_choices = ma.fields.Integer(allow_none=True)


class MyAnswerSchema(ma.Schema):
    question_id = ma.fields.Integer()
    choice = ma.fields.Raw(allow_none=True, metadata={"description": "option index, list of indexes, or 1-5"})
    text = ma.fields.String(allow_none=True)


class MyResponseSchema(ma.Schema):
    answered_at = ma.fields.DateTime()
    answers = ma.fields.List(
        ma.fields.Nested(MyAnswerSchema),
        allow_none=True,
        metadata={"description": "named surveys only: an anonymous survey's answers are nobody's"},
    )


class SurveySummarySchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String(attribute="status_now", metadata={"description": "draft, open or closed"})
    eligibility = ma.fields.String()
    grid_id = ma.fields.Integer(allow_none=True)
    anonymous = ma.fields.Boolean(attribute="is_anonymous")
    results_public = ma.fields.Boolean()
    opens_at = ma.fields.DateTime(allow_none=True)
    closes_at = ma.fields.DateTime(allow_none=True)
    responses = ma.fields.Integer(attribute="response_count")
    question_count = ma.fields.Function(lambda survey: len(survey.questions))
    answered = ma.fields.Boolean(
        allow_none=True, metadata={"description": "I (or my household) answered; null when I may not answer"}
    )
    can = ma.fields.Nested(abilities_schema("SurveyAbilitiesSchema", ACTIONS))


class SurveySchema(SurveySummarySchema):
    description = ma.fields.String()
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema))
    created_at = ma.fields.DateTime()
    opened_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    project_id = ma.fields.Integer(allow_none=True, metadata={"description": "the project draft made from it"})
    poll_id = ma.fields.Integer(allow_none=True, metadata={"description": "the poll made from it"})
    not_eligible_reason = ma.fields.String(allow_none=True)
    my_response = ma.fields.Nested(MyResponseSchema, allow_none=True)


class TextAnswerSchema(ma.Schema):
    id = ma.fields.Integer()
    text = ma.fields.String()
    is_hidden = ma.fields.Boolean()


class OptionResultSchema(ma.Schema):
    index = ma.fields.Integer()
    label = ma.fields.String()
    count = ma.fields.Integer(metadata={"description": "chosen (single, multiple) or ranked first (ranking)"})
    share = ma.fields.Float(allow_none=True)
    points = ma.fields.Integer(allow_none=True, metadata={"description": "ranking: Borda points"})
    mean_rank = ma.fields.Float(allow_none=True)


class ScaleResultSchema(ma.Schema):
    value = ma.fields.Integer()
    count = ma.fields.Integer()
    share = ma.fields.Float(allow_none=True)


class QuestionResultSchema(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    kind = ma.fields.String()
    prompt = ma.fields.String()
    required = ma.fields.Boolean()
    answered = ma.fields.Integer()
    options = ma.fields.List(ma.fields.Nested(OptionResultSchema))
    scale = ma.fields.List(ma.fields.Nested(ScaleResultSchema))
    mean = ma.fields.Float(allow_none=True)
    texts = ma.fields.List(ma.fields.Nested(TextAnswerSchema))


class SurveyResultsSchema(ma.Schema):
    survey_id = ma.fields.Integer()
    status = ma.fields.String()
    live = ma.fields.Boolean()
    responses = ma.fields.Integer()
    eligible = ma.fields.Integer()
    turnout = ma.fields.Float(allow_none=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionResultSchema))


class ConvertResultSchema(ma.Schema):
    into = ma.fields.String()
    id = ma.fields.Integer(metadata={"description": "the new project's or poll's id"})
    survey = ma.fields.Nested(SurveySchema)
