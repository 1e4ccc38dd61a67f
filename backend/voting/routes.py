from flask import Response
from flask_smorest import Blueprint

from backend.core import idempotency
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.visitor_cache import shared_for_visitors
from backend.core.web import actor
from backend.voting import services
from backend.voting.schemas import (
    BallotBoxEntrySchema,
    BallotBoxInputSchema,
    BallotInputSchema,
    BallotReceiptSchema,
    ChoicesInputSchema,
    CountedPaperBallotSchema,
    PaperBallotInputSchema,
    PollCloseSchema,
    PollCreateSchema,
    PollingTableArgsSchema,
    PollingTableSchema,
    PollListArgsSchema,
    PollResultsSchema,
    PollSchema,
    PollSummarySchema,
)

blp = Blueprint("voting", __name__, url_prefix="/api/v1", description="Polls, ballots and results")


@blp.route("/communities/<int:cid>/polls", methods=["POST"])
@blp.arguments(PollCreateSchema)
@blp.response(201, PollSchema)
def create_poll(data, cid):
    """Open a poll (committee): yes/no, single, approval, ranked or budget."""
    poll = services.create_poll(actor(), cid, **data)
    return services.get_poll(actor(), poll.id)


@blp.route("/communities/<int:cid>/polls", methods=["GET"])
@blp.arguments(PollListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(PollSummarySchema))
def list_polls(filters, page, cid):
    """A community's polls, newest first; filter by status upcoming, open or closed."""
    return services.list_polls(actor(), cid, status=filters["status"], **page)


@blp.route("/polls/<int:poll_id>", methods=["GET"])
@blp.response(200, PollSchema)
def get_poll(poll_id):
    """A poll with its options, status, the viewer's ballot state and (committee, or after close) turnout."""
    return services.get_poll(actor(), poll_id)


@blp.route("/polls/<int:poll_id>/ballots", methods=["POST"])
@blp.arguments(BallotInputSchema)
@blp.response(201, BallotReceiptSchema)
def cast_ballot(data, poll_id):
    """Cast a ballot; the receipt is shown only in this response."""
    # Stored under the user's id, the response (the receipt) would link voter and ballot.
    idempotency.skip_remembering()
    return services.cast_ballot(actor(), poll_id, data)


@blp.route("/polls/<int:poll_id>/polling-table", methods=["GET"])
@blp.arguments(PollingTableArgsSchema, location="query")
@blp.response(200, PollingTableSchema)
def polling_table(args, poll_id):
    """Voters at a polling table, by household or name, with whether they may vote and have voted (committee)."""
    return services.polling_table(actor(), poll_id, args["q"])


@blp.route("/polls/<int:poll_id>/paper-ballots", methods=["POST"])
@blp.arguments(PaperBallotInputSchema)
@blp.response(201, BallotReceiptSchema)
def record_paper_ballot(data, poll_id):
    """Record a voter's paper ballot at a polling table (committee); the receipt is shown only in this response."""
    # Stored, the response (the receipt) would tie this request, and so the voter, to the ballot.
    idempotency.skip_remembering()
    return services.record_paper_ballot(actor(), poll_id, data)


@blp.route("/polls/<int:poll_id>/ballot-box", methods=["POST"])
@blp.arguments(BallotBoxInputSchema)
@blp.response(201, BallotBoxEntrySchema)
def put_in_ballot_box(data, poll_id):
    """A voter puts a sealed paper ballot in the ballot box (committee): on the roll now, counted later."""
    return services.put_in_ballot_box(actor(), poll_id, data["voter_id"])


@blp.route("/polls/<int:poll_id>/ballot-box/count", methods=["POST"])
@blp.arguments(ChoicesInputSchema)
@blp.response(201, CountedPaperBallotSchema)
def count_boxed_ballot(data, poll_id):
    """Count one paper ballot from the ballot box (committee), before the results are frozen."""
    # Kept by the Idempotency-Key layer (unlike a voter's ballot): it names no voter, and a retried request must
    # answer the same receipt instead of counting the paper twice.
    return services.count_boxed_ballot(actor(), poll_id, data)


@blp.route("/polls/<int:poll_id>/results", methods=["GET"])
@shared_for_visitors
@blp.response(200, PollResultsSchema)
def get_results(poll_id):
    """Frozen results after close; the committee's live view before (turnout only for secret polls)."""
    return services.get_results(actor(), poll_id)


@blp.route("/polls/<int:poll_id>/recount.csv", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "UTF-8 CSV with BOM: receipt_hash, choices, labels",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
)
def recount(poll_id):
    """Every ballot of a closed poll (receipt hash and choices, no voter identity), so anyone can recount."""
    filename, body = services.recount_csv(actor(), poll_id)
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


@blp.route("/polls/<int:poll_id>/close", methods=["POST"])
@blp.arguments(PollCloseSchema)
@blp.response(200, PollSchema)
def close_poll(data, poll_id):
    """Committee: cancel before opening, or close early once everyone eligible has voted (docs/domains/voting.md)."""
    return services.close_poll(actor(), poll_id, reason=data["reason"])
