from flask import Response
from flask_smorest import Blueprint

from backend.core.i18n import request_locale
from backend.core.visitor_cache import shared_for_visitors
from backend.core.web import actor
from backend.insights import services
from backend.insights.schemas import (
    DashboardSchema,
    ExportArgsSchema,
    MapArgsSchema,
    MapSchema,
    OpenDataSchema,
    PeriodArgsSchema,
    RegionInsightsSchema,
    ScorecardsSchema,
    TrendArgsSchema,
    TrendsSchema,
    WarningsSchema,
)

blp = Blueprint(
    "insights", __name__, url_prefix="/api/v1", description="Dashboard, trends, map, warnings, exports, open data"
)

OPEN_DATA_MAX_AGE = 3600


@blp.route("/communities/<int:cid>/insights", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, DashboardSchema)
def dashboard(args, cid):
    """Figures per community, grid and report category for a period, and this week's warnings (committee)."""
    return services.dashboard(actor(), cid, locale=request_locale(), **args)


@blp.route("/communities/<int:cid>/insights/trends", methods=["GET"])
@blp.arguments(TrendArgsSchema, location="query")
@blp.response(200, TrendsSchema)
def trends(args, cid):
    """The main figures week by week for the last 12 weeks, for the community or one grid (committee)."""
    return services.trends(actor(), cid, **args)


@blp.route("/communities/<int:cid>/insights/map", methods=["GET"])
@blp.arguments(MapArgsSchema, location="query")
@blp.response(200, MapSchema)
def grid_map(args, cid):
    """Grid polygons with each grid's report figures, and report pins without reporters (committee)."""
    return services.grid_map(actor(), cid, **args)


@blp.route("/communities/<int:cid>/insights/scorecards", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, ScorecardsSchema)
def scorecards(args, cid):
    """Per grid worker and handler: answered and resolved on time, reopen rate, satisfaction (committee, the
    officials of its street and district)."""
    return services.scorecards(actor(), cid, **args)


@blp.route("/communities/<int:cid>/insights/warnings", methods=["GET"])
@blp.response(200, WarningsSchema)
def warnings(cid):
    """This week's early warnings: report surges per grid, rising reopen rates per category (committee)."""
    return services.warnings(actor(), cid, locale=request_locale())


@blp.route("/communities/<int:cid>/exports/<string:name>.csv", methods=["GET"])
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, content_type="text/csv", description="UTF-8 CSV with a byte-order mark")
def export_csv(args, cid, name):
    """CSV of reports, projects, polls, aid or volunteer-hours for a period (committee)."""
    filename, text = services.export_csv(actor(), cid, name, locale=request_locale(), **args)
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


@blp.route("/communities/<int:cid>/open-data.json", methods=["GET"])
@shared_for_visitors
@blp.response(200, OpenDataSchema)
def open_data(cid):
    """Aggregate figures per grid and month, no personal data, counts below 5 suppressed (anyone)."""
    return services.open_data_of(cid), 200, {"Cache-Control": f"public, max-age={OPEN_DATA_MAX_AGE}"}


@blp.route("/regions/<int:rid>/insights", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, RegionInsightsSchema)
def region_insights(args, rid):
    """One row of figures and warnings per community under a street or district, to compare them (platform
    admin, the region's officials, the officials of the district above a street)."""
    return services.region_insights(actor(), rid, locale=request_locale(), **args)
