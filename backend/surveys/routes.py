from flask import Response
from flask_smorest import Blueprint

from backend.core.i18n import request_locale
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.web import actor
from backend.surveys import services
from backend.surveys.schemas import (
    ConvertInputSchema,
    ConvertResultSchema,
    ResponseInputSchema,
    SurveyCreateSchema,
    SurveyListArgsSchema,
    SurveyResultsSchema,
    SurveySchema,
    SurveySummarySchema,
    SurveyUpdateSchema,
    TextAnswersArgsSchema,
    TextAnswerSchema,
)

blp = Blueprint("surveys", __name__, url_prefix="/api/v1", description="Surveys: questions, answers, results")


@blp.route("/communities/<int:cid>/surveys", methods=["POST"])
@blp.arguments(SurveyCreateSchema)
@blp.response(201, SurveySchema)
def create_survey(data, cid):
    """Write a survey (committee): a draft with its questions."""
    survey = services.create_survey(actor(), cid, **data)
    return services.get_survey(actor(), survey.id)


@blp.route("/communities/<int:cid>/surveys", methods=["GET"])
@blp.arguments(SurveyListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(SurveySummarySchema))
def list_surveys(filters, page, cid):
    """A community's surveys, newest first (drafts for the committee only)."""
    return services.list_surveys(actor(), cid, status=filters["status"], **page)


@blp.route("/surveys/<int:survey_id>", methods=["GET"])
@blp.response(200, SurveySchema)
def get_survey(survey_id):
    """A survey with its questions, whether I answered (my answers on named surveys), and `can`."""
    return services.get_survey(actor(), survey_id)


@blp.route("/surveys/<int:survey_id>", methods=["PATCH"])
@blp.arguments(SurveyUpdateSchema)
@blp.response(200, SurveySchema)
def update_survey(data, survey_id):
    """Edit a draft (committee); once open only closes_at and results_public."""
    return services.update_survey(actor(), survey_id, data)


@blp.route("/surveys/<int:survey_id>/open", methods=["POST"])
@blp.response(200, SurveySchema)
def open_survey(survey_id):
    """Open a draft for answers (committee)."""
    return services.open_survey(actor(), survey_id)


@blp.route("/surveys/<int:survey_id>/close", methods=["POST"])
@blp.response(200, SurveySchema)
def close_survey(survey_id):
    """Close an open survey (committee)."""
    return services.close_survey(actor(), survey_id)


@blp.route("/surveys/<int:survey_id>/responses", methods=["POST"])
@blp.arguments(ResponseInputSchema)
@blp.response(201, SurveySchema)
def submit_response(data, survey_id):
    """Answer a survey, once per person (or household)."""
    return services.submit_response(actor(), survey_id, data["answers"])


@blp.route("/surveys/<int:survey_id>/results", methods=["GET"])
@blp.response(200, SurveyResultsSchema)
def get_results(survey_id):
    """Results per question: the committee's live view; everyone's once closed if the results are public."""
    return services.get_results(actor(), survey_id)


@blp.route("/surveys/<int:survey_id>/text-answers", methods=["GET"])
@blp.arguments(TextAnswersArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(TextAnswerSchema))
def list_text_answers(filters, page, survey_id):
    """A text question's answers, in an order that says nothing about when they came (to read and flag)."""
    return services.list_text_answers(actor(), survey_id, question_id=filters["question_id"], **page)


@blp.route("/surveys/<int:survey_id>/export.csv", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "UTF-8 CSV with BOM: one row per response, one column per question; nothing personal",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
)
def export_csv(survey_id):
    """Every response (committee), without respondents or times; audited."""
    filename, body = services.export_csv(actor(), survey_id, request_locale())
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


@blp.route("/surveys/<int:survey_id>/convert", methods=["POST"])
@blp.arguments(ConvertInputSchema)
@blp.response(201, ConvertResultSchema)
def convert(data, survey_id):
    """Turn a closed survey's result into a project draft or a poll (committee), once each."""
    return services.convert(actor(), survey_id, locale=request_locale(), **data)
