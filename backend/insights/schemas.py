"""Insights: query arguments and the shapes of the dashboard, trends, map, warnings, open data, roll-up."""

import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.core.schemas import InputSchema
from backend.insights.periods import KINDS
from backend.insights.services import MAP_FIGURES
from backend.moderation.figures import ACTION_TYPES

F = ma.fields


class PeriodArgsSchema(InputSchema):
    period = F.String(load_default="week", validate=ma.validate.OneOf(KINDS))
    start = F.Date(load_default=None, metadata={"description": "first day (custom period), local date"})
    end = F.Date(load_default=None, metadata={"description": "last day, included (custom period)"})


class ExportArgsSchema(PeriodArgsSchema):
    period = F.String(load_default="month", validate=ma.validate.OneOf(KINDS))


class MapArgsSchema(PeriodArgsSchema):
    figure = F.String(load_default="open", validate=ma.validate.OneOf(MAP_FIGURES))


class TrendArgsSchema(InputSchema):
    grid_id = F.Integer(load_default=None)


def _share():
    return F.Float(allow_none=True, metadata={"description": "0..1, null when there is nothing to divide by"})


class InsightPeriodSchema(ma.Schema):
    kind = F.String()
    start = F.String(metadata={"description": "first local day"})
    end = F.String(metadata={"description": "last local day (included)"})
    starts_at = F.DateTime()
    ends_at = F.DateTime(metadata={"description": "exclusive"})


class InsightCommunitySchema(ma.Schema):
    id = F.Integer()
    name = F.String()
    name_en = F.String(allow_none=True)


class InsightPersonSchema(ma.Schema):
    id = F.Integer()
    display_name = F.String(allow_none=True)


class InsightGridSchema(ma.Schema):
    id = F.Integer()
    number = F.Integer()
    name = F.String()
    responsible = F.Nested(InsightPersonSchema, allow_none=True)


class DurationHoursSchema(ma.Schema):
    count = F.Integer()
    median = F.Float(allow_none=True)
    p90 = F.Float(allow_none=True)


class InsightSatisfactionSchema(ma.Schema):
    mean_stars = F.Float(allow_none=True)
    share_4_plus = _share()
    ratings = F.Integer()
    confirmed_by_default = F.Integer()


class ReportFiguresSchema(ma.Schema):
    open = F.Integer(metadata={"description": "now"})
    overdue = F.Integer(metadata={"description": "now"})
    new = F.Integer()
    resolved = F.Integer()
    accept_hours = F.Nested(DurationHoursSchema)
    resolve_hours = F.Nested(DurationHoursSchema)
    resolved_within_deadline = F.Integer()
    within_deadline_share = _share()
    reopened = F.Integer()
    reopen_rate = _share()
    satisfaction = F.Nested(InsightSatisfactionSchema)


class ParticipationSchema(ma.Schema):
    verified_residents = F.Integer()
    verified_households = F.Integer()
    voting_households = F.Integer()
    household_vote_share = _share()
    ballots = F.Integer()
    projects_submitted = F.Integer()
    projects_approved = F.Integer()
    projects_completed = F.Integer()
    project_ratings = F.Integer()
    project_mean_stars = F.Float(allow_none=True)


class AidFiguresSchema(ma.Schema):
    posts = F.Integer()
    matched = F.Integer()
    matched_share = _share()
    match_hours_median = F.Float(allow_none=True)
    hours_exchanged = F.Float()


class VolunteeringFiguresSchema(ma.Schema):
    activities = F.Integer()
    signups = F.Integer()
    attended = F.Integer()
    attendance_rate = _share()
    hours = F.Float()


class AppealOutcomeFiguresSchema(ma.Schema):
    filed = F.Integer()
    pending = F.Integer()
    upheld = F.Integer()
    reversed = F.Integer()


class ModerationFiguresSchema(ma.Schema):
    flags = F.Integer()
    actions = F.Dict(keys=F.String(validate=ma.validate.OneOf(ACTION_TYPES)), values=F.Integer())
    appeals = F.Nested(AppealOutcomeFiguresSchema)


class InsightFiguresSchema(ma.Schema):
    reports = F.Nested(ReportFiguresSchema)
    participation = F.Nested(ParticipationSchema)
    aid = F.Nested(AidFiguresSchema)
    volunteering = F.Nested(VolunteeringFiguresSchema)
    moderation = F.Nested(ModerationFiguresSchema, allow_none=True)


class GridFiguresSchema(ma.Schema):
    grid = F.Nested(InsightGridSchema, allow_none=True, metadata={"description": "null: reports without a grid"})
    figures = F.Nested(InsightFiguresSchema)


class CategoryFiguresSchema(ma.Schema):
    category = F.String()
    label = F.String()
    reports = F.Nested(ReportFiguresSchema)


class InsightWarningSchema(ma.Schema):
    kind = F.String(metadata={"description": "grid_surge | reopen_rising"})
    subject = F.String()
    week_start = F.Date()
    notified = F.Boolean()
    grid_id = F.Integer()
    grid = F.Nested(InsightGridSchema, allow_none=True)
    count = F.Integer()
    baseline_mean = F.Float()
    baseline_sd = F.Float()
    threshold = F.Float()
    category = F.String()
    label = F.String()
    recent_rate = F.Float()
    baseline_rate = F.Float()
    recent_resolved = F.Integer()
    recent_reopened = F.Integer()
    baseline_resolved = F.Integer()
    baseline_reopened = F.Integer()


class DashboardSchema(ma.Schema):
    community = F.Nested(InsightCommunitySchema)
    period = F.Nested(InsightPeriodSchema)
    generated_at = F.DateTime()
    figures = F.Nested(InsightFiguresSchema)
    grids = F.List(F.Nested(GridFiguresSchema))
    categories = F.List(F.Nested(CategoryFiguresSchema))
    warnings = F.List(F.Nested(InsightWarningSchema))


class InsightWeekSchema(ma.Schema):
    start = F.String()
    end = F.String()


class TrendsSchema(ma.Schema):
    community = F.Nested(InsightCommunitySchema)
    grid_id = F.Integer(allow_none=True)
    generated_at = F.DateTime()
    weeks = F.List(F.Nested(InsightWeekSchema))
    series = F.Dict(
        keys=F.String(),
        values=F.List(F.Float(allow_none=True)),
        metadata={"description": "figure -> 12 weekly values, oldest first"},
    )


class MapGridFiguresSchema(ma.Schema):
    open = F.Integer()
    overdue = F.Integer()
    new = F.Integer()
    resolved = F.Integer()
    within_deadline_share = _share()
    mean_stars = F.Float(allow_none=True)
    ratings = F.Integer()
    resolve_hours_median = F.Float(allow_none=True)


class MapGridSchema(InsightGridSchema):
    polygon = F.Dict(allow_none=True, metadata={"description": "GeoJSON Polygon, [lng, lat]"})
    figures = F.Nested(MapGridFiguresSchema)
    value = F.Float(allow_none=True, metadata={"description": "the chosen figure"})


class ReportPinSchema(ma.Schema):
    id = F.Integer()
    lat = F.Float()
    lng = F.Float()
    category = F.String()
    status = F.String()
    grid_id = F.Integer(allow_none=True)
    is_overdue = F.Boolean()


class MapSchema(ma.Schema):
    community = F.Nested(InsightCommunitySchema)
    period = F.Nested(InsightPeriodSchema)
    figure = F.String()
    grids = F.List(F.Nested(MapGridSchema))
    unassigned = F.Nested(MapGridFiguresSchema)
    pins = F.List(F.Nested(ReportPinSchema))


class WarningsSchema(ma.Schema):
    community = F.Nested(InsightCommunitySchema)
    generated_at = F.DateTime()
    rules = F.Dict(keys=F.String(), values=F.Float())
    items = F.List(F.Nested(InsightWarningSchema))


class OpenDataSchema(ma.Schema):
    community = F.Nested(InsightCommunitySchema)
    generated_at = F.DateTime()
    months = F.List(F.String())
    timezone = F.String()
    suppression = F.Dict()
    totals = F.List(F.Dict())
    grids = F.List(F.Dict())
    licence = F.String()


class InsightRegionSchema(ma.Schema):
    id = F.Integer()
    kind = F.String()
    name = F.String()


class ScorecardGridSchema(ma.Schema):
    id = F.Integer()
    number = F.Integer()
    name = F.String()


class ScorecardFiguresSchema(ma.Schema):
    open = F.Integer(metadata={"description": "assigned to them and open now"})
    overdue = F.Integer()
    accepted = F.Integer(metadata={"description": "accepted in the period"})
    accepted_within_deadline = F.Integer()
    response_on_time_share = F.Float(allow_none=True)
    resolved = F.Integer(metadata={"description": "resolved in the period"})
    resolved_within_deadline = F.Integer()
    resolve_on_time_share = F.Float(allow_none=True)
    reopened = F.Integer(metadata={"description": "of those resolved, reopened at least once"})
    reopen_rate = F.Float(allow_none=True)
    mean_stars = F.Float(allow_none=True, metadata={"description": "reports confirmed in the period"})
    ratings = F.Integer()
    patrols_done = F.Integer(metadata={"description": "grid patrols started in the period (not for `unassigned`)"})


class ScorecardSchema(ma.Schema):
    handler = F.Nested(PublicUserSchema, allow_none=True)
    grids = F.List(F.Nested(ScorecardGridSchema))
    figures = F.Nested(ScorecardFiguresSchema)


class ScorecardsSchema(ma.Schema):
    community = F.Nested(InsightCommunitySchema)
    period = F.Nested(InsightPeriodSchema)
    generated_at = F.DateTime()
    items = F.List(F.Nested(ScorecardSchema))
    unassigned = F.Nested(ScorecardFiguresSchema)


class InsightStreetSchema(ma.Schema):
    id = F.Integer()
    name = F.String()


class CommunityFiguresSchema(ma.Schema):
    community = F.Nested(InsightCommunitySchema)
    street = F.Nested(InsightStreetSchema, allow_none=True, metadata={"description": "the street it belongs to"})
    figures = F.Nested(InsightFiguresSchema)
    warnings = F.List(F.Nested(InsightWarningSchema), metadata={"description": "this week's early warnings"})


class RegionInsightsSchema(ma.Schema):
    region = F.Nested(InsightRegionSchema)
    period = F.Nested(InsightPeriodSchema)
    generated_at = F.DateTime()
    communities = F.List(F.Nested(CommunityFiguresSchema))
    totals = F.Nested(InsightFiguresSchema)
