from flask import current_app
from flask_smorest import Blueprint

from backend.core.i18n import request_locale
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.visitor_cache import shared_for_visitors
from backend.core.web import actor
from backend.reports import reads, responsibilities, services
from backend.reports.schemas import (
    ConfirmSchema,
    NearbyArgsSchema,
    ReportCategoryListSchema,
    ReportCreateSchema,
    ReportDetailSchema,
    ReportListArgsSchema,
    ReportNearbyListSchema,
    ReportSchema,
    ResponsibilitiesInSchema,
    ResponsibilitiesSchema,
    StillBrokenSchema,
    ToProjectSchema,
    TransitionSchema,
)

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Problem reports (随手拍)")


@blp.route("/communities/<int:cid>/reports", methods=["GET"])
@shared_for_visitors
@blp.arguments(ReportListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(ReportSchema))
def list_reports(filters, page, cid):
    """The public board (reporters anonymised); mine=true for my reports; assigned_to=me for my queue."""
    viewer = actor()
    if reads.answers(viewer, **filters):
        # The schema above documents the page; reads.my_reports_page builds it already dumped (same bytes, no ORM).
        return current_app.json.response(reads.my_reports_page(viewer, cid, locale=request_locale(), **page))
    return services.list_reports(viewer, cid, **filters, **page)


@blp.route("/communities/<int:cid>/reports", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(ReportCreateSchema)
@blp.response(201, ReportDetailSchema)
def create_report(data, cid):
    """Report a problem (verified residents); routed to the grid worker or the committee."""
    report = services.create_report(actor(), cid, **data)
    return services.report_detail(actor(), report.id)


@blp.route("/communities/<int:cid>/responsibilities", methods=["GET"])
@blp.response(200, ResponsibilitiesSchema)
def get_responsibilities(cid):
    """权责清单: who handles each report category, and its deadlines (published: anyone)."""
    return responsibilities.list_for(cid, locale=request_locale())


@blp.route("/communities/<int:cid>/responsibilities", methods=["PUT"])
@blp.arguments(ResponsibilitiesInSchema)
@blp.response(200, ResponsibilitiesSchema)
def put_responsibilities(data, cid):
    """Set who handles categories and their deadlines (committee; audited; categories left out unchanged)."""
    return responsibilities.update(actor(), cid, data["items"], locale=request_locale())


@blp.route("/communities/<int:cid>/reports/nearby", methods=["GET"])
@blp.arguments(NearbyArgsSchema, location="query")
@blp.response(200, ReportNearbyListSchema)
def nearby_reports(query, cid):
    """Open reports of the same category within 50 m: the duplicate hint shown before submitting."""
    return {"items": services.nearby(actor(), cid, **query)}


@blp.route("/communities/<int:cid>/report-categories", methods=["GET"])
@blp.response(200, ReportCategoryListSchema)
def report_categories(cid):
    """The community's report categories with their deadlines (accept hours, resolve days)."""
    return {"items": services.list_categories(cid, request_locale())}


@blp.route("/reports/<int:rid>", methods=["GET"])
@blp.response(200, ReportDetailSchema)
def get_report(rid):
    """A report with photos and its public timeline (reporter anonymised for the public)."""
    return services.report_detail(actor(), rid)


@blp.route("/reports/<int:rid>/transition", methods=["POST"])
@blp.arguments(TransitionSchema)
@blp.response(200, ReportDetailSchema)
def transition(data, rid):
    """Accept, assign, start, resolve (with photos) or reject (with a reason): grid worker or committee."""
    services.transition(actor(), rid, **data)
    return services.report_detail(actor(), rid)


@blp.route("/reports/<int:rid>/confirm", methods=["POST"])
@blp.arguments(ConfirmSchema)
@blp.response(200, ReportDetailSchema)
def confirm(data, rid):
    """The reporter rates the result 1–5 (closes it) or reopens it with a comment."""
    services.confirm(actor(), rid, **data)
    return services.report_detail(actor(), rid)


@blp.route("/reports/<int:rid>/me-too", methods=["POST"])
@blp.response(200, ReportDetailSchema)
def me_too(rid):
    """ "Me too": a verified neighbour has the same problem; counted once, and they follow the report."""
    services.me_too(actor(), rid)
    return services.report_detail(actor(), rid)


@blp.route("/reports/<int:rid>/still-broken", methods=["POST"])
@blp.arguments(StillBrokenSchema)
@blp.response(200, ReportDetailSchema)
def still_broken(data, rid):
    """ "Still not fixed": the reporter or a me-too neighbour reopens a resolved report once, within 30 days."""
    services.still_broken(actor(), rid, **data)
    return services.report_detail(actor(), rid)


@blp.route("/reports/<int:rid>/to-project", methods=["POST"])
@blp.arguments(ToProjectSchema)
@blp.response(200, ReportDetailSchema)
def to_project(data, rid):
    """Turn a report that needs more than a repair into a micro-project draft, linked both ways (committee)."""
    services.to_project(actor(), rid, **data)
    return services.report_detail(actor(), rid)
