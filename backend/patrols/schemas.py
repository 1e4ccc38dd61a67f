"""Patrol views: the worker, the committee and the officials above read the same patrol."""

import marshmallow as ma

from backend.core.schemas import InputSchema, abilities_schema, text
from backend.patrols.models import MAX_POINTS_PER_REQUEST
from backend.patrols.services import ACTIONS, MAX_WEEKS

IDS = ma.validate.Range(1, 2**31 - 1)


class PatrolPointSchema(InputSchema):
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(-90, 90), allow_nan=False)
    lng = ma.fields.Float(required=True, validate=ma.validate.Range(-180, 180), allow_nan=False)
    recorded_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)


def points_field(**kwargs):
    return ma.fields.List(
        ma.fields.Nested(PatrolPointSchema), validate=ma.validate.Length(max=MAX_POINTS_PER_REQUEST), **kwargs
    )


class PatrolStartSchema(InputSchema):
    grid_id = ma.fields.Integer(required=True, validate=IDS)
    points = points_field(load_default=list)
    note = text(500, load_default="")


class PatrolPointsSchema(InputSchema):
    points = points_field(required=True)


class PatrolEndSchema(InputSchema):
    points = points_field(load_default=list)
    note = text(500, load_default=None, allow_none=True)


class PatrolFindingCreateSchema(InputSchema):
    category = text(40, required=True, min_length=1)
    description = text(2000, required=True, min_length=1)
    lat = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(-90, 90), allow_nan=False)
    lng = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(-180, 180), allow_nan=False)
    location_text = text(200, load_default=None, allow_none=True)
    photo_ids = ma.fields.List(ma.fields.Integer(validate=IDS), load_default=None, validate=ma.validate.Length(max=9))


class PatrolListArgsSchema(ma.Schema):
    grid_id = ma.fields.Integer(load_default=None, validate=IDS)
    worker_id = ma.fields.Integer(load_default=None, validate=IDS)


class MyPatrolListArgsSchema(ma.Schema):
    active = ma.fields.Boolean(load_default=None)


class PatrolCoverageArgsSchema(ma.Schema):
    weeks = ma.fields.Integer(load_default=4, validate=ma.validate.Range(1, MAX_WEEKS))


class PatrolSchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    grid_id = ma.fields.Integer()
    grid_name = ma.fields.String()
    worker_id = ma.fields.Integer()
    worker_name = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["active", "ended"]})
    started_at = ma.fields.DateTime()
    ended_at = ma.fields.DateTime(allow_none=True)
    is_auto_ended = ma.fields.Boolean()
    minutes = ma.fields.Integer()
    note = ma.fields.String()
    point_count = ma.fields.Integer()
    finding_count = ma.fields.Integer()
    can = ma.fields.Nested(abilities_schema("PatrolAbilitiesSchema", ACTIONS))


class PatrolPointOutSchema(ma.Schema):
    lat = ma.fields.Float()
    lng = ma.fields.Float()
    recorded_at = ma.fields.DateTime()


class PatrolFindingSchema(ma.Schema):
    id = ma.fields.Integer()
    report_id = ma.fields.Integer()
    category = ma.fields.String()
    url = ma.fields.String()
    created_at = ma.fields.DateTime()


class PatrolDetailSchema(PatrolSchema):
    points = ma.fields.List(ma.fields.Nested(PatrolPointOutSchema))
    findings = ma.fields.List(ma.fields.Nested(PatrolFindingSchema))


class PatrolCoverageWeekSchema(ma.Schema):
    week_start = ma.fields.Date()
    patrols = ma.fields.Integer()
    minutes = ma.fields.Integer()
    findings = ma.fields.Integer()
    is_unpatrolled = ma.fields.Boolean()


class PatrolCoverageGridSchema(ma.Schema):
    grid_id = ma.fields.Integer()
    grid_name = ma.fields.String()
    responsible_name = ma.fields.String()
    weeks = ma.fields.List(ma.fields.Nested(PatrolCoverageWeekSchema))
    is_unpatrolled_this_week = ma.fields.Boolean()


class PatrolCoverageSchema(ma.Schema):
    community_id = ma.fields.Integer()
    week_starts = ma.fields.List(ma.fields.Date())
    grids = ma.fields.List(ma.fields.Nested(PatrolCoverageGridSchema))
    unpatrolled_this_week = ma.fields.Integer()
