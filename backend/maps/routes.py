"""Maps HTTP layer: parse, call one service, dump."""

from flask_smorest import Blueprint

from backend.core.web import actor
from backend.maps import services
from backend.maps.schemas import CommunityMapSchema, GridAtSchema, MapArgsSchema, PointArgsSchema, TileSourceSchema

blp = Blueprint("maps", __name__, url_prefix="/api/v1", description="A map for residents")


@blp.route("/map/tiles", methods=["GET"])
@blp.response(200, TileSourceSchema)
def tile_source():
    """The deployment's tile source (provider none: grids and pins on a plain background) (anyone)."""
    return services.tile_settings()


@blp.route("/communities/<int:cid>/map", methods=["GET"])
@blp.arguments(MapArgsSchema, location="query")
@blp.response(200, CommunityMapSchema)
def community_map(args, cid):
    """Grids, the report board's pins (the board's filters, positions as the viewer may see them) and upcoming
    activities (anyone)."""
    return services.community_map(actor(), cid, **args)


@blp.route("/communities/<int:cid>/grids/at", methods=["GET"])
@blp.arguments(PointArgsSchema, location="query")
@blp.response(200, GridAtSchema)
def grid_at(point, cid):
    """The grid a report placed at this WGS-84 point goes to, with its responsible person's public name (anyone)."""
    return services.grid_at_point(actor(), cid, **point)
