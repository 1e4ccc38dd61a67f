from flask_smorest import Blueprint

from backend.core.pagination import PageArgsSchema
from backend.core.visitor_cache import shared_for_visitors
from backend.core.web import actor
from backend.reports import agency_figures, transfers
from backend.reports.transfer_schemas import (
    AgencyLeagueSchema,
    AgencyScorecardsSchema,
    InboxArgsSchema,
    MonthArgsSchema,
    TransferPageSchema,
)

blp = Blueprint(
    "agency_work", __name__, url_prefix="/api/v1", description="Reports transferred to agencies, and how agencies do"
)


@blp.route("/agencies/<int:agency_id>/transfers", methods=["GET"])
@blp.arguments(InboxArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, TransferPageSchema)
def inbox(args, page, agency_id):
    """The agency's transfers, newest first (`state=open`: pending and accepted; its staff, its registrars)."""
    return transfers.agency_inbox(actor(), agency_id, state=args["state"], **page)


@blp.route("/communities/<int:cid>/agency-scorecards", methods=["GET"])
@blp.arguments(MonthArgsSchema, location="query")
@blp.response(200, AgencyScorecardsSchema)
def community_scorecards(args, cid):
    """The agencies serving the community and their figures there this month (committee, officials above)."""
    return agency_figures.community_scorecards(actor(), cid, month=args["month"])


@blp.route("/regions/<int:rid>/agency-league", methods=["GET"])
@shared_for_visitors
@blp.arguments(MonthArgsSchema, location="query")
@blp.response(200, AgencyLeagueSchema)
def league(args, rid):
    """The published monthly league table of agencies in a street's or district's communities (anyone)."""
    return agency_figures.league_table(rid, month=args["month"])
