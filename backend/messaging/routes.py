from flask_smorest import Blueprint

from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.web import actor
from backend.messaging import services
from backend.messaging.schemas import MessageSchema, OutboxArgsSchema

blp = Blueprint("messaging", __name__, url_prefix="/api/v1/admin", description="SMS and e-mail: the development outbox")


@blp.route("/outbox", methods=["GET"])
@blp.arguments(OutboxArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(MessageSchema, "OutboxPageSchema"))
def list_outbox(filters, page):
    """Messages handed to the development outbox, newest first, with their words (platform admin; audited; 404 when
    every channel has a real provider)."""
    return services.outbox(actor(), **filters, **page)
