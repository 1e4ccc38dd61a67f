"""Aid HTTP layer: parse, call one service, dump."""

from flask_smorest import Blueprint

from backend.aid import services
from backend.aid.schemas import (
    AidListArgsSchema,
    AidPostCreateSchema,
    AidPostSchema,
    AidPostSummarySchema,
    AidResponseSchema,
    BlockSchema,
    CommunityTimeBankSchema,
    CompleteSchema,
    MyTimeBankSchema,
    ReopenSchema,
    ResponseCreateSchema,
    ThanksArgsSchema,
    ThanksCreateSchema,
    ThanksSchema,
)
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.web import actor

blp = Blueprint("aid", __name__, url_prefix="/api/v1", description="Mutual aid, blocks and the time bank")


@blp.route("/communities/<int:cid>/aid", methods=["GET"])
@blp.arguments(AidListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(AidPostSummarySchema))
def list_posts(filters, page, cid):
    """The aid board: open offers and requests (verified members); `mine=authored|responded` for my aid."""
    return services.list_posts(actor(), cid, **filters, **page)


@blp.route("/communities/<int:cid>/aid", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(AidPostCreateSchema)
@blp.response(201, AidPostSchema)
def create_post(data, cid):
    """Offer or ask for help (verified members)."""
    return services.create_post(actor(), cid, **data)


@blp.route("/aid/<int:aid_id>", methods=["GET"])
@blp.response(200, AidPostSchema)
def get_post(aid_id):
    """One post; the author also sees every response."""
    return services.get_post(actor(), aid_id)


@blp.route("/aid/<int:aid_id>/responses", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(ResponseCreateSchema)
@blp.response(201, AidResponseSchema)
def respond(data, aid_id):
    """Offer to help, or ask for what is offered (verified; not the author; not blocked by the author)."""
    return services.respond(actor(), aid_id, **data)


@blp.route("/aid/<int:aid_id>/responses/<int:rid>/accept", methods=["POST"])
@blp.response(200, AidPostSchema)
def accept_response(aid_id, rid):
    """Accept one response (author): the post is matched, the others are told."""
    return services.accept_response(actor(), aid_id, rid)


@blp.route("/aid/<int:aid_id>/complete", methods=["POST"])
@blp.arguments(CompleteSchema)
@blp.response(200, AidPostSchema)
def complete(data, aid_id):
    """Mark the help done (author or helper); optional hours for the time bank and thanks."""
    return services.complete(actor(), aid_id, **data)


@blp.route("/aid/<int:aid_id>/thanks", methods=["POST"])
@blp.arguments(ThanksCreateSchema)
@blp.response(201, AidPostSchema)
def thank(data, aid_id):
    """A short public thank-you from the person helped."""
    return services.thank(actor(), aid_id, **data)


@blp.route("/aid/<int:aid_id>/close", methods=["POST"])
@blp.response(200, AidPostSchema)
def close(aid_id):
    """Close an open or matched post (author)."""
    return services.close(actor(), aid_id)


@blp.route("/aid/<int:aid_id>/reopen", methods=["POST"])
@blp.arguments(ReopenSchema)
@blp.response(200, AidPostSchema)
def reopen(data, aid_id):
    """Open a closed or expired post again (author), optionally with a new date."""
    return services.reopen(actor(), aid_id, **data)


@blp.route("/users/<int:uid>/thanks", methods=["GET"])
@blp.arguments(ThanksArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(ThanksSchema))
def list_thanks(args, page, uid):
    """Thank-yous a person received in a community (members of that community)."""
    return services.list_thanks(actor(), uid, args["community_id"], **page)


@blp.route("/blocks", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(BlockSchema))
def list_blocks(page):
    """People I blocked."""
    return services.list_blocks(actor(), **page)


@blp.route("/blocks/<int:uid>", methods=["POST"])
@blp.response(201, BlockSchema)
def block(uid):
    """Block a person: no responses from them, my posts hidden from them (and theirs from me)."""
    return services.block(actor(), uid)


@blp.route("/blocks/<int:uid>", methods=["DELETE"])
@blp.response(204)
def unblock(uid):
    """Unblock a person."""
    services.unblock(actor(), uid)


@blp.route("/communities/<int:cid>/time-bank/me", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, MyTimeBankSchema)
def my_time_bank(page, cid):
    """My time-bank balance and history in this community."""
    return services.my_time_bank(actor(), cid, **page)


@blp.route("/communities/<int:cid>/time-bank", methods=["GET"])
@blp.response(200, CommunityTimeBankSchema)
def community_time_bank(cid):
    """Time-bank totals (committee)."""
    return services.community_time_bank(actor(), cid)
