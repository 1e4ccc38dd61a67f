"""Care views: for the committee and the assigned person (records, visits); requester and counsellors
(support requests). Nothing here is ever shown to other residents."""

import marshmallow as ma

from backend.care.models import CATEGORIES, FOLLOW_UPS, OUTCOMES, SUPPORT_STATES
from backend.care.services import ACTIONS
from backend.core.schemas import InputSchema, abilities_schema, text

IDS = ma.validate.Range(1, 2**31 - 1)


class RecordCreateSchema(InputSchema):
    resident_id = ma.fields.Integer(required=True, validate=IDS)
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(CATEGORIES))
    visit_every_days = ma.fields.Integer(load_default=7, validate=ma.validate.Range(1, 90))
    assignee_id = ma.fields.Integer(load_default=None, allow_none=True, validate=IDS)
    note = text(500, load_default="")


class RecordUpdateSchema(InputSchema):
    category = ma.fields.String(validate=ma.validate.OneOf(CATEGORIES))
    visit_every_days = ma.fields.Integer(validate=ma.validate.Range(1, 90))
    assignee_id = ma.fields.Integer(allow_none=True, validate=IDS)
    note = text(500)
    is_active = ma.fields.Boolean()


class RecordListArgsSchema(ma.Schema):
    grid_id = ma.fields.Integer(load_default=None, validate=IDS)
    overdue = ma.fields.Boolean(load_default=None)


class VisitCreateSchema(InputSchema):
    visited_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(OUTCOMES))
    notes = text(1000, load_default="")
    needs = text(500, load_default="")


class FollowUpSchema(InputSchema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(FOLLOW_UPS))
    category = text(40, required=True, min_length=1)
    title = text(100, required=True, min_length=2)
    description = text(2000, required=True, min_length=1)
    location_text = text(200, load_default=None, allow_none=True)


class VisitSchema(ma.Schema):
    id = ma.fields.Integer()
    record_id = ma.fields.Integer()
    visitor_id = ma.fields.Integer()
    visited_at = ma.fields.DateTime()
    outcome = ma.fields.String()
    notes = ma.fields.String()
    needs = ma.fields.String()
    follow_up_kind = ma.fields.String(allow_none=True)
    follow_up_id = ma.fields.Integer(allow_none=True)


class RecordSchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    resident_id = ma.fields.Integer()
    resident_name = ma.fields.String()
    address = ma.fields.String()
    grid_id = ma.fields.Integer(allow_none=True)
    category = ma.fields.String()
    note = ma.fields.String()
    visit_every_days = ma.fields.Integer()
    assignee_id = ma.fields.Integer(allow_none=True)
    is_active = ma.fields.Boolean()
    next_visit_due_at = ma.fields.DateTime()
    last_visit_at = ma.fields.DateTime(allow_none=True)
    is_overdue = ma.fields.Boolean()
    can = ma.fields.Nested(abilities_schema("CareRecordAbilitiesSchema", ACTIONS))


class RecordDetailSchema(RecordSchema):
    visits = ma.fields.List(ma.fields.Nested(VisitSchema))


class CoverageSchema(ma.Schema):
    grid_id = ma.fields.Integer(allow_none=True)
    grid_name = ma.fields.String()
    people = ma.fields.Integer()
    assigned = ma.fields.Integer()
    visited_on_time = ma.fields.Integer()
    overdue = ma.fields.Integer()


class CounsellorSchema(ma.Schema):
    user_id = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class SupportRequestCreateSchema(InputSchema):
    message = text(1000, load_default="")
    contact = text(100, load_default="", metadata={"description": "how to reach me (a time, phone, a visit)"})


class SupportRequestSchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    requester_id = ma.fields.Integer()
    message = ma.fields.String()
    contact = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(SUPPORT_STATES)})
    counsellor_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    taken_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
