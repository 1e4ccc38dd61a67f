from flask import current_app
from flask_smorest import Blueprint

from backend.core.i18n import request_locale
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.visitor_cache import shared_for_visitors
from backend.core.web import actor
from backend.projects import reads, services
from backend.projects.schemas import (
    CategoryListSchema,
    NoteSchema,
    ProgressUpdateSchema,
    ProjectCreateSchema,
    ProjectEventSchema,
    ProjectListArgsSchema,
    ProjectSchema,
    ProjectSummarySchema,
    ProjectUpdateSchema,
    RatingCreateSchema,
    RatingResultSchema,
    RatingSchema,
    ReasonSchema,
    ReviewSchema,
    SupportCreateSchema,
    SupportWithdrawArgsSchema,
)

blp = Blueprint("projects", __name__, url_prefix="/api/v1", description="Micro-projects (微项目)")


@blp.route("/communities/<int:cid>/projects", methods=["GET"])
@shared_for_visitors
@blp.arguments(ProjectListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(ProjectSummarySchema))
def list_projects(filters, page, cid):
    """A community's projects: filter by status, category, grid (or `mine`); sort newest | most_supported |
    closing_soon. Anyone may read the public states."""
    if reads.answers(mine=filters["mine"], status=filters["status"]):
        # The schema above documents the page; reads.project_page builds it already dumped (same bytes, no ORM).
        filters = {name: value for name, value in filters.items() if name != "mine"}
        return current_app.json.response(reads.project_page(actor(), cid, locale=request_locale(), **filters, **page))
    return services.list_projects(actor(), cid, **filters, **page)


@blp.route("/communities/<int:cid>/projects", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(ProjectCreateSchema)
@blp.response(201, ProjectSchema)
def create_project(data, cid):
    """Draft a project (verified residents); `submit: true` submits it at once."""
    return services.create_project(actor(), cid, **data)


@blp.route("/communities/<int:cid>/project-categories", methods=["GET"])
@blp.response(200, CategoryListSchema)
def project_categories(cid):
    """The community's project categories (built-in and its own) and its current support goal."""
    return services.project_settings(cid)


@blp.route("/projects/<int:pid>", methods=["GET"])
@shared_for_visitors
@blp.response(200, ProjectSchema)
def get_project(pid):
    """A project with what the viewer may do with it."""
    # The schema above documents the page; reads.project_view builds it already dumped (same bytes, no ORM).
    return current_app.json.response(reads.project_view(actor(), pid, locale=request_locale()))


@blp.route("/projects/<int:pid>", methods=["PATCH"])
@blp.arguments(ProjectUpdateSchema)
@blp.response(200, ProjectSchema)
def update_project(data, pid):
    """Edit: the author while a draft; the committee before the poll (audited, on the timeline)."""
    return services.update_project(actor(), pid, data)


@blp.route("/projects/<int:pid>/submit", methods=["POST"])
@blp.response(200, ProjectSchema)
def submit_project(pid):
    """draft → submitted (author): supports open."""
    return services.submit_project(actor(), pid)


@blp.route("/projects/<int:pid>/withdraw", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, ProjectSchema)
def withdraw_project(data, pid):
    """The author withdraws the project (before it goes to a vote)."""
    return services.withdraw_project(actor(), pid, **data)


@blp.route("/projects/<int:pid>/supports", methods=["POST"])
@blp.arguments(SupportCreateSchema, required=False)
@blp.response(201, ProjectSchema)
def support_project(data, pid):
    """Support a submitted project (verified residents, once); the goal sends it to review by itself. Staff may
    record a resident's support given in person (on_behalf_of)."""
    return services.support_project(actor(), pid, **(data or {}))


@blp.route("/projects/<int:pid>/supports", methods=["DELETE"])
@blp.arguments(SupportWithdrawArgsSchema, location="query")
@blp.response(200, ProjectSchema)
def unsupport_project(args, pid):
    """Take one's support back while supports are being collected; staff may take a resident's back at their word
    (on_behalf_of)."""
    return services.unsupport_project(actor(), pid, **args)


@blp.route("/projects/<int:pid>/review", methods=["POST"])
@blp.arguments(ReviewSchema)
@blp.response(200, ProjectSchema)
def review_project(data, pid):
    """Committee review: accept (ready for a poll) or reject with a reason shown to the author."""
    return services.review_project(actor(), pid, **data)


@blp.route("/projects/<int:pid>/start", methods=["POST"])
@blp.arguments(NoteSchema)
@blp.response(200, ProjectSchema)
def start_project(data, pid):
    """approved → in_progress (committee)."""
    return services.start_project(actor(), pid, **data)


@blp.route("/projects/<int:pid>/updates", methods=["POST"])
@blp.arguments(ProgressUpdateSchema)
@blp.response(201, ProjectEventSchema)
def post_update(data, pid):
    """Progress with percent done and photos (author, committee; while in progress)."""
    return services.post_update(actor(), pid, **data)


@blp.route("/projects/<int:pid>/complete", methods=["POST"])
@blp.arguments(NoteSchema)
@blp.response(200, ProjectSchema)
def complete_project(data, pid):
    """in_progress → completed (author or committee)."""
    return services.complete_project(actor(), pid, **data)


@blp.route("/projects/<int:pid>/rating", methods=["POST"])
@blp.arguments(RatingCreateSchema)
@blp.response(201, RatingResultSchema)
def rate_project(data, pid):
    """Rate a completed project 1–5 (verified residents, once each)."""
    return services.rate_project(actor(), pid, **data)


@blp.route("/projects/<int:pid>/ratings", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(RatingSchema))
def list_ratings(page, pid):
    """Ratings of a project, newest first."""
    return services.list_ratings(actor(), pid, **page)


@blp.route("/projects/<int:pid>/events", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(ProjectEventSchema))
def list_events(page, pid):
    """The project's public timeline, oldest first."""
    return services.list_events(actor(), pid, **page)
