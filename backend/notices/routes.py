from flask import current_app
from flask_smorest import Blueprint

from backend.core.i18n import request_locale
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.qr import qr_svg
from backend.core.web import actor
from backend.notices import reads, services
from backend.notices.schemas import NoticeCreateSchema, NoticePosterSchema, NoticeSchema

blp = Blueprint("notices", __name__, url_prefix="/api/v1", description="Notices (公告)")


@blp.route("/communities/<int:cid>/notices", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(NoticeSchema))
def list_notices(page, cid):
    """Notices addressed to me (members), pinned first, newest first; the committee sees all with read counts."""
    # The schema above documents the page; reads.notice_page builds it already dumped (same bytes, no ORM).
    return current_app.json.response(reads.notice_page(actor(), cid, locale=request_locale(), **page))


@blp.route("/communities/<int:cid>/notices", methods=["POST"])
@blp.arguments(NoticeCreateSchema)
@blp.response(201, NoticeSchema)
def create_notice(data, cid):
    """Publish a notice to the community or chosen grids, now or at publish_at (committee)."""
    return services.create_notice(actor(), cid, **data)


@blp.route("/notices/<int:nid>", methods=["GET"])
@blp.response(200, NoticeSchema)
def get_notice(nid):
    """A notice; opening it leaves a read receipt."""
    return services.read_notice(actor(), nid)


@blp.route("/notices/<int:nid>/poster", methods=["GET"])
@blp.response(200, NoticePosterSchema)
def get_notice_poster(nid):
    """A notice as a poster to print (committee): the notice, the community's name, its address and QR code."""
    poster = services.poster(actor(), nid)
    return {**poster, "qr_svg": qr_svg(poster["url"])}
