from flask import current_app
from flask_smorest import Blueprint

from backend.core.i18n import request_locale
from backend.core.web import actor
from backend.home import services
from backend.home.schemas import HomeSchema

blp = Blueprint(
    "home",
    __name__,
    url_prefix="/api/v1",
    description="A member's home page in one request",
)


@blp.route("/communities/<int:cid>/home", methods=["GET"])
@blp.response(200, HomeSchema)
def get_home(cid):
    """Urgent notices, polls to vote in, my reports, aid and next shift, new in my grid, staff counts (members)."""
    # The schema above documents the page; services.home builds it already dumped (same bytes, no ORM objects).
    return current_app.json.response(services.home(actor(), cid, locale=request_locale()))
