"""Search HTTP layer: parse, call one service, dump."""

from flask_smorest import Blueprint

from backend.core.i18n import request_locale
from backend.core.web import actor
from backend.search import services
from backend.search.indexer import load_domain_kinds
from backend.search.schemas import SearchArgsSchema, SearchKindsSchema, SearchResultsSchema

blp = Blueprint("search", __name__, url_prefix="/api/v1", description="One search box over a community")

load_domain_kinds()  # every domain's searchable kinds, registered before the first request


@blp.route("/communities/<int:cid>/search", methods=["GET"])
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchResultsSchema)
def search(args, cid):
    """Projects, reports, aid posts, notices, activities and polls the person may open, best match first (anyone)."""
    return services.search(actor(), cid, **args)


@blp.route("/search/kinds", methods=["GET"])
@blp.response(200, SearchKindsSchema)
def search_kinds():
    """What search finds: each kind's name in the asker's language, icon and page (anyone)."""
    return {"items": services.kinds(locale=request_locale())}
