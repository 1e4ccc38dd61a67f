"""What agencies' staff, committees and the public read of transfers and agencies' figures."""

import marshmallow as ma

from backend.agencies.schemas import AgencyRefSchema
from backend.communities.schemas import GridRefSchema
from backend.core.i18n import request_locale
from backend.reports import agency_figures
from backend.reports import categories as cats
from backend.reports.transfers import INBOX_STATES


class InboxArgsSchema(ma.Schema):
    state = ma.fields.String(load_default="open", validate=ma.validate.OneOf(INBOX_STATES))


class MonthArgsSchema(ma.Schema):
    month = ma.fields.String(
        load_default=None, validate=ma.validate.Length(max=7), metadata={"description": "YYYY-MM (default: this month)"}
    )


class TransferredReportSchema(ma.Schema):
    """The report as the agency sees it in its inbox: what and where, never who reported it."""

    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    category = ma.fields.String()
    category_label = ma.fields.Function(lambda r: cats.label(r.category, request_locale()))
    description = ma.fields.String()
    status = ma.fields.String()
    location_text = ma.fields.String()
    grid = ma.fields.Nested(GridRefSchema, allow_none=True)
    created_at = ma.fields.DateTime()


class TransferSchema(ma.Schema):
    id = ma.fields.Integer()
    state = ma.fields.String(metadata={"description": "pending | accepted | resolved | returned | recalled"})
    created_at = ma.fields.DateTime()
    respond_due_at = ma.fields.DateTime()
    resolve_due_at = ma.fields.DateTime()
    accepted_at = ma.fields.DateTime(allow_none=True)
    returned_at = ma.fields.DateTime(allow_none=True)
    return_reason = ma.fields.String()
    resolved_at = ma.fields.DateTime(allow_none=True)
    reopen_count = ma.fields.Integer()
    is_late = ma.fields.Boolean()
    report = ma.fields.Nested(TransferredReportSchema)


class TransferPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TransferSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True)


def _figure(name):
    if name.endswith(("share", "rate")):
        return ma.fields.Float(allow_none=True)
    if name == "mean_stars":
        return ma.fields.Float(allow_none=True)
    return ma.fields.Integer()


AgencyFiguresSchema = type(
    "AgencyFiguresSchema", (ma.Schema,), {name: _figure(name) for name in agency_figures.FIGURES}
)


class AgencyScoreSchema(ma.Schema):
    rank = ma.fields.Integer()
    agency = ma.fields.Nested(AgencyRefSchema)
    figures = ma.fields.Nested(AgencyFiguresSchema)


class AgencyScorecardsSchema(ma.Schema):
    month = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(AgencyScoreSchema))


class RegionRefSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    name = ma.fields.String()


class AgencyLeagueSchema(AgencyScorecardsSchema):
    region = ma.fields.Nested(RegionRefSchema)
