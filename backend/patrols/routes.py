"""Grid patrols' HTTP layer: parse, call one service, dump."""

from flask_smorest import Blueprint

from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.patrols import services
from backend.patrols.schemas import (
    MyPatrolListArgsSchema,
    PatrolCoverageArgsSchema,
    PatrolCoverageSchema,
    PatrolDetailSchema,
    PatrolEndSchema,
    PatrolFindingCreateSchema,
    PatrolListArgsSchema,
    PatrolPointsSchema,
    PatrolSchema,
    PatrolStartSchema,
)

PatrolPageSchema = page_schema(PatrolSchema)

blp = Blueprint("patrols", __name__, url_prefix="/api/v1", description="Grid patrols (日常巡管)")


@blp.route("/communities/<int:cid>/patrols", methods=["POST"])
@blp.arguments(PatrolStartSchema)
@blp.response(201, PatrolSchema)
def start_patrol(data, cid):
    """Start a patrol of a grid (its grid worker, or a committee member); one active patrol per worker."""
    return services.start_patrol(actor(), cid, **data)


@blp.route("/communities/<int:cid>/patrols", methods=["GET"])
@blp.arguments(PatrolListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PatrolPageSchema)
def list_patrols(filters, page, cid):
    """The community's patrols, newest first (committee, officials above)."""
    return services.list_patrols(actor(), cid, **filters, **page)


@blp.route("/communities/<int:cid>/patrol-coverage", methods=["GET"])
@blp.arguments(PatrolCoverageArgsSchema, location="query")
@blp.response(200, PatrolCoverageSchema)
def coverage(args, cid):
    """Patrols per grid per week, grids not patrolled flagged (committee, officials above)."""
    return services.coverage(actor(), cid, **args)


@blp.route("/me/patrols", methods=["GET"])
@blp.arguments(MyPatrolListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PatrolPageSchema)
def list_my_patrols(filters, page):
    """My patrols (`active=true`: the one under way)."""
    return services.list_my_patrols(actor(), **filters, **page)


@blp.route("/patrols/<int:patrol_id>", methods=["GET"])
@blp.response(200, PatrolDetailSchema)
def get_patrol(patrol_id):
    """A patrol with its positions and findings (the worker; committee, officials above: audited)."""
    return services.get_patrol(actor(), patrol_id)


@blp.route("/patrols/<int:patrol_id>/points", methods=["POST"])
@blp.arguments(PatrolPointsSchema)
@blp.response(200, PatrolSchema)
def add_points(data, patrol_id):
    """Positions sent while walking (the worker, while the patrol is active; bounded)."""
    return services.add_points(actor(), patrol_id, **data)


@blp.route("/patrols/<int:patrol_id>/findings", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(PatrolFindingCreateSchema)
@blp.response(201, PatrolSchema)
def add_finding(data, patrol_id):
    """Something found on the patrol becomes a report in one step, with the patrol as its source."""
    return services.add_finding(actor(), patrol_id, **data)


@blp.route("/patrols/<int:patrol_id>/end", methods=["POST"])
@blp.arguments(PatrolEndSchema)
@blp.response(200, PatrolSchema)
def end_patrol(data, patrol_id):
    """End the patrol (the worker), with its last positions and a note."""
    return services.end_patrol(actor(), patrol_id, **data)
