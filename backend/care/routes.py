"""Care HTTP layer: parse, call one service, dump."""

from flask_smorest import Blueprint

from backend.care import services
from backend.care.schemas import (
    CounsellorSchema,
    CoverageSchema,
    FollowUpSchema,
    RecordCreateSchema,
    RecordDetailSchema,
    RecordListArgsSchema,
    RecordSchema,
    RecordUpdateSchema,
    SupportRequestCreateSchema,
    SupportRequestSchema,
    VisitCreateSchema,
    VisitSchema,
)
from backend.core.i18n import request_locale
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.web import actor

blp = Blueprint("care", __name__, url_prefix="/api/v1", description="The care register and emotional support")


@blp.route("/communities/<int:cid>/care-records", methods=["GET"])
@blp.arguments(RecordListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(RecordSchema))
def list_records(filters, page, cid):
    """The care list (committee); one's own assignments (grid workers, volunteers). Audited."""
    return services.list_records(actor(), cid, **filters, **page)


@blp.route("/communities/<int:cid>/care-records", methods=["POST"])
@blp.arguments(RecordCreateSchema)
@blp.response(201, RecordSchema)
def create_record(data, cid):
    """Put a resident of the register on the care list, with a visit plan and an assignee (committee)."""
    return services.create_record(actor(), cid, **data)


@blp.route("/care-records/<int:record_id>", methods=["GET"])
@blp.response(200, RecordDetailSchema)
def get_record(record_id):
    """One care record and its visits (committee, assignee; audited)."""
    return services.get_record(actor(), record_id)


@blp.route("/care-records/<int:record_id>", methods=["PATCH"])
@blp.arguments(RecordUpdateSchema)
@blp.response(200, RecordSchema)
def update_record(data, record_id):
    """Change the plan, the assignee, the category, or take someone off the list (committee; audited)."""
    return services.update_record(actor(), record_id, data)


@blp.route("/care-records/<int:record_id>/visits", methods=["POST"])
@blp.arguments(VisitCreateSchema)
@blp.response(201, VisitSchema)
def log_visit(data, record_id):
    """Log a visit (assignee, committee): the next one is due a plan's interval later."""
    return services.log_visit(actor(), record_id, **data)


@blp.route("/care-visits/<int:visit_id>/follow-up", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(FollowUpSchema)
@blp.response(201, VisitSchema)
def follow_up_visit(data, visit_id):
    """Turn a need found on a visit into an aid request or a report, in one step (assignee, committee)."""
    return services.follow_up_visit(actor(), visit_id, **data, locale=request_locale())


@blp.route("/communities/<int:cid>/care-coverage", methods=["GET"])
@blp.response(200, CoverageSchema(many=True))
def coverage(cid):
    """Per grid: people on the care list, assigned, visited on time, overdue (committee; counts only)."""
    return services.coverage(actor(), cid)


@blp.route("/communities/<int:cid>/counsellors", methods=["GET"])
@blp.response(200, CounsellorSchema(many=True))
def list_counsellors(cid):
    """The members who answer requests for emotional support (committee)."""
    return services.list_counsellors(actor(), cid)


@blp.route("/communities/<int:cid>/counsellors/<int:uid>", methods=["PUT"])
@blp.response(200, CounsellorSchema)
def designate_counsellor(cid, uid):
    """Designate a verified member as a counsellor (committee; audited)."""
    return services.designate_counsellor(actor(), cid, uid)


@blp.route("/communities/<int:cid>/counsellors/<int:uid>", methods=["DELETE"])
@blp.response(204)
def remove_counsellor(cid, uid):
    """A member is no longer a counsellor (committee; audited)."""
    services.remove_counsellor(actor(), cid, uid)


@blp.route("/communities/<int:cid>/support-requests", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(SupportRequestSchema))
def list_support_requests(page, cid):
    """Counsellors: open requests and those they took; anyone else: their own."""
    return services.list_support_requests(actor(), cid, **page)


@blp.route("/communities/<int:cid>/support-requests", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(SupportRequestCreateSchema)
@blp.response(201, SupportRequestSchema)
def ask_for_support(data, cid):
    """Ask for a private conversation (members): only the community's counsellors see it."""
    return services.ask_for_support(actor(), cid, **data)


@blp.route("/support-requests/<int:request_id>/take", methods=["POST"])
@blp.response(200, SupportRequestSchema)
def take_support_request(request_id):
    """A counsellor takes an open request (one counsellor per request)."""
    return services.take_support_request(actor(), request_id)


@blp.route("/support-requests/<int:request_id>/close", methods=["POST"])
@blp.response(200, SupportRequestSchema)
def close_support_request(request_id):
    """The requester or the counsellor who took it closes the request."""
    return services.close_support_request(actor(), request_id)
