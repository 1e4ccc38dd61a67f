import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.agencies.schemas import AgencyRefSchema
from backend.communities.schemas import CommunityRefSchema, GridRefSchema
from backend.core.i18n import request_locale
from backend.core.schemas import InputSchema, abilities_schema, text
from backend.reports import categories as cats
from backend.reports import services, transfers
from backend.reports.models import REJECT_REASONS, STATUSES
from backend.reports.services import ACTIONS, HANDLER_ACTIONS
from backend.uploads.schemas import UploadSchema

ANONYMOUS_REPORTER = {
    "zh-CN": ("第{number}网格的居民", "一位居民"),
    "en": ("A resident of grid {number}", "A resident"),
}


def reporter_label(report) -> str:
    """How the public sees the reporter: by grid, never by name."""
    with_grid, without = ANONYMOUS_REPORTER[request_locale()]
    return with_grid.format(number=report.grid.number) if report.grid is not None else without


class ReportCreateSchema(InputSchema):
    category = text(30, required=True, min_length=1)
    description = text(2000, required=True, min_length=1)
    lat = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(-90, 90))
    lng = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(-180, 180))
    location_text = text(200, load_default=None, allow_none=True)
    grid_id = ma.fields.Integer(load_default=None, allow_none=True)
    photo_ids = ma.fields.List(ma.fields.Integer(), load_default=None, validate=ma.validate.Length(max=10))
    on_behalf_of = ma.fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "staff: the resident this report is filed for"}
    )
    channel = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(("app", "phone", "visit", "walk_in", "hotline")),
        metadata={"description": "how staff heard of it, with on_behalf_of"},
    )


class ReportListArgsSchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(STATUSES))
    category = text(30, load_default=None)
    grid_id = ma.fields.Integer(load_default=None)
    overdue = ma.fields.Boolean(load_default=None)
    mine = ma.fields.Boolean(load_default=False)
    assigned_to = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["me"]))


class NearbyArgsSchema(ma.Schema):
    category = text(30, required=True, min_length=1)
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(-90, 90))
    lng = ma.fields.Float(required=True, validate=ma.validate.Range(-180, 180))


class TransitionSchema(InputSchema):
    action = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf((*HANDLER_ACTIONS, *transfers.STAFF_ACTIONS, *transfers.AGENCY_ACTIONS)),
        metadata={
            "description": "staff: also transfer (with agency_id) and recall; an agency's staff: "
            "accept_transfer, return (with a note saying why), start, resolve"
        },
    )
    agency_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    note = text(2000, load_default="")
    assignee_id = ma.fields.Integer(load_default=None, allow_none=True)
    reason = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.OneOf(REJECT_REASONS))
    duplicate_of_id = ma.fields.Integer(load_default=None, allow_none=True)
    redirect_to = text(200, load_default=None, allow_none=True)
    photo_ids = ma.fields.List(ma.fields.Integer(), load_default=None, validate=ma.validate.Length(max=10))


class ConfirmSchema(InputSchema):
    stars = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(1, 5))
    comment = text(2000, load_default="")
    reopen = ma.fields.Boolean(load_default=False)

    @ma.validates_schema
    def _one_verdict(self, data, **_kwargs):
        if data["reopen"] and data["stars"] is not None:
            raise ma.ValidationError("either stars or reopen, not both", "stars")
        if not data["reopen"] and data["stars"] is None:
            raise ma.ValidationError("rate 1 to 5 stars, or reopen", "stars")
        if data["reopen"] and not data["comment"].strip():
            raise ma.ValidationError("say what is still wrong", "comment")


class StillBrokenSchema(InputSchema):
    comment = text(2000, required=True, min_length=1)


class ReportCategorySchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String()
    accept_hours = ma.fields.Integer()
    resolve_days = ma.fields.Integer()


class ReportCategoryListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReportCategorySchema))


class ReportSchema(ma.Schema):
    """The public board's view; `reporter` is only filled for the reporter, the assignee and the committee."""

    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    category = ma.fields.String()
    category_label = ma.fields.Function(lambda r: cats.label(r.category, request_locale()))
    description = ma.fields.String()
    status = ma.fields.String()
    grid = ma.fields.Nested(GridRefSchema, allow_none=True)
    lat = ma.fields.Method("_lat", allow_none=True)
    lng = ma.fields.Method("_lng", allow_none=True)
    position_precision = ma.fields.Method(
        "_precision",
        metadata={
            "description": "exact (the reporter, the assignee, the committee), rounded (the centre of a ~100 m "
            "cell) or grid (no point: the community's setting)"
        },
    )
    location_text = ma.fields.String()
    reporter_label = ma.fields.Function(reporter_label)
    reporter = ma.fields.Nested(PublicUserSchema, attribute="visible_reporter", allow_none=True)
    is_mine = ma.fields.Boolean()
    assignee = ma.fields.Nested(PublicUserSchema, allow_none=True)
    photos = ma.fields.List(ma.fields.Nested(UploadSchema))
    me_too_count = ma.fields.Integer()
    reopen_count = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    response_due_at = ma.fields.DateTime()
    resolve_due_at = ma.fields.DateTime()
    is_overdue = ma.fields.Boolean(attribute="is_late")
    escalated_at = ma.fields.DateTime(allow_none=True)
    street_escalated_at = ma.fields.DateTime(allow_none=True, metadata={"description": "passed up to the street"})
    district_escalated_at = ma.fields.DateTime(allow_none=True, metadata={"description": "passed up to the district"})
    resolved_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    duplicate_of_id = ma.fields.Integer(allow_none=True)
    redirect_to = ma.fields.String()
    rating_stars = ma.fields.Integer(allow_none=True)
    rating_comment = ma.fields.String()
    is_confirmed_by_default = ma.fields.Boolean()
    project_id = ma.fields.Integer(allow_none=True)
    # True only in the views of the reporter and the committee (nobody else receives a hidden report).
    is_hidden = ma.fields.Boolean()

    @staticmethod
    def _position(report) -> tuple:
        # Set by services.present for this viewer; a path that did not present shows the rounded point.
        shown = getattr(report, "shown_position", None)
        return shown or ("rounded", *services.rounded_position(report.lat, report.lng))

    def _lat(self, report):
        return self._position(report)[1]

    def _lng(self, report):
        return self._position(report)[2]

    def _precision(self, report):
        return self._position(report)[0]


class ReportEventSchema(ma.Schema):
    """A timeline step: staff appear with their name, residents only by role."""

    id = ma.fields.Integer()
    action = ma.fields.String()
    actor_role = ma.fields.String()
    actor = ma.fields.Method("_staff_actor", allow_none=True)
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    created_at = ma.fields.DateTime()
    photos = ma.fields.List(ma.fields.Nested(UploadSchema))

    agency = ma.fields.Nested(
        AgencyRefSchema, allow_none=True, metadata={"description": "the agency a step was for or by (never its staff)"}
    )

    def _staff_actor(self, event):
        if event.actor_role in ("grid_worker", "committee") and event.actor is not None:
            return PublicUserSchema().dump(event.actor)
        return None


class ReportTransferSchema(ma.Schema):
    """The agency holding a report: its deadlines, and where the transfer stands."""

    state = ma.fields.String(metadata={"description": "pending | accepted | resolved"})
    created_at = ma.fields.DateTime()
    respond_due_at = ma.fields.DateTime()
    resolve_due_at = ma.fields.DateTime()
    accepted_at = ma.fields.DateTime(allow_none=True)


class ReportDetailSchema(ReportSchema):
    events = ma.fields.List(ma.fields.Nested(ReportEventSchema))
    agency = ma.fields.Nested(AgencyRefSchema, allow_none=True, metadata={"description": "the agency handling it"})
    transfer = ma.fields.Nested(ReportTransferSchema, allow_none=True)
    channel = ma.fields.String(metadata={"description": "app, or how staff who filed it for the reporter heard of it"})
    can = ma.fields.Nested(abilities_schema("ReportAbilitiesSchema", ACTIONS))
    my_me_too = ma.fields.Boolean()


class ReportNearbyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReportSchema))


class ToProjectSchema(InputSchema):
    """Optional wording for the project draft; by default it takes the report's description."""

    title = text(120, load_default=None, allow_none=True)
    body = text(10000, load_default=None, allow_none=True)


class ResponsibilityInSchema(InputSchema):
    category = ma.fields.String(required=True, validate=ma.validate.Length(max=30))
    handler = ma.fields.String(required=True, validate=ma.validate.OneOf(("grid_worker", "committee", "agency")))
    agency_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    respond_hours = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=cats.MAX_ACCEPT_HOURS))
    resolve_days = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=cats.MAX_RESOLVE_DAYS))


class ResponsibilitiesInSchema(InputSchema):
    items = ma.fields.List(
        ma.fields.Nested(ResponsibilityInSchema), required=True, validate=ma.validate.Length(max=len(cats.CATEGORIES))
    )


class ResponsibilitySchema(ma.Schema):
    category = ma.fields.String()
    label = ma.fields.String()
    handler = ma.fields.String(metadata={"description": "grid_worker | committee | agency"})
    agency_id = ma.fields.Integer(allow_none=True)
    respond_hours = ma.fields.Integer(metadata={"description": "to accept (respond to) a new report"})
    resolve_days = ma.fields.Integer()


class ResponsibilitiesSchema(ma.Schema):
    community = ma.fields.Nested(CommunityRefSchema)
    items = ma.fields.List(ma.fields.Nested(ResponsibilitySchema))
