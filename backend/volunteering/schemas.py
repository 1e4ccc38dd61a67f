"""Volunteering views. Volunteers appear to organisations by public name only; never a contact detail."""

import marshmallow as ma
from webargs.fields import DelimitedList

from backend.accounts.schemas import PublicUserSchema
from backend.core.schemas import InputSchema, abilities_schema, text
from backend.volunteering.models import ORGANISATION_KINDS, ORGANISATION_STATUSES
from backend.volunteering.services import ACTIVITY_ACTIONS, ORGANISATION_ACTIONS, SHIFT_ACTIONS


def _hours(minutes):
    return None if minutes is None else round(minutes / 60, 2)


class OrganisationCreateSchema(InputSchema):
    name = text(100, required=True, min_length=2)
    kind = ma.fields.String(load_default="volunteer_group", validate=ma.validate.OneOf(ORGANISATION_KINDS))
    description = text(2000, load_default="")


class OrganisationListArgsSchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(ORGANISATION_STATUSES))


class OrganisationRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()


class OrganisationSchema(OrganisationRefSchema):
    community_id = ma.fields.Integer()
    description = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.DateTime()
    verified_at = ma.fields.DateTime(allow_none=True)
    admins = ma.fields.List(ma.fields.Nested(PublicUserSchema))
    is_admin = ma.fields.Boolean()
    can = ma.fields.Nested(abilities_schema("OrganisationAbilitiesSchema", ORGANISATION_ACTIONS))
    # True only for its admins and the committee: nobody else receives a hidden profile.
    is_hidden = ma.fields.Boolean()


class AdminAddSchema(InputSchema):
    user_id = ma.fields.Integer(required=True)


class ShiftInputSchema(InputSchema):
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    capacity = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 1000))


class ActivityCreateSchema(InputSchema):
    title = text(100, required=True, min_length=2)
    description = text(4000, load_default="")
    location = text(200, required=True, min_length=1)
    skills = ma.fields.List(text(30), load_default=list, validate=ma.validate.Length(max=20))
    grid_ids = ma.fields.List(ma.fields.Integer(), load_default=list, validate=ma.validate.Length(max=50))
    # Its place on the map (WGS-84), both or neither: a public place, shown exactly to everyone.
    lat = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(-90, 90))
    lng = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(-180, 180))
    shifts = ma.fields.List(ma.fields.Nested(ShiftInputSchema), required=True, validate=ma.validate.Length(1, 50))


class MySignupSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String()
    position = ma.fields.Integer(allow_none=True)
    checked_in_at = ma.fields.DateTime(allow_none=True)
    hours = ma.fields.Function(lambda s: _hours(s.minutes), allow_none=True)


class ShiftSchema(ma.Schema):
    id = ma.fields.Integer()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    capacity = ma.fields.Integer()
    confirmed_count = ma.fields.Integer()
    places_left = ma.fields.Function(lambda s: s.capacity - s.confirmed_count)
    waitlist_count = ma.fields.Integer()
    hours = ma.fields.Function(lambda s: _hours(s.minutes))
    my_signup = ma.fields.Nested(MySignupSchema, allow_none=True)
    can = ma.fields.Nested(abilities_schema("ShiftAbilitiesSchema", SHIFT_ACTIONS))


class ActivitySchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    organisation = ma.fields.Nested(OrganisationRefSchema, allow_none=True)
    project_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    description = ma.fields.String()
    location = ma.fields.String()
    lat = ma.fields.Float(allow_none=True, metadata={"description": "its place on the map, WGS-84 (null: none)"})
    lng = ma.fields.Float(allow_none=True)
    skills = ma.fields.List(ma.fields.String())
    grid_ids = ma.fields.List(ma.fields.Integer())
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    created_at = ma.fields.DateTime()
    can = ma.fields.Nested(abilities_schema("ActivityAbilitiesSchema", ACTIVITY_ACTIONS))
    # True only for its managers and the committee: nobody else receives a hidden activity.
    is_hidden = ma.fields.Boolean()
    shifts = ma.fields.List(ma.fields.Nested(ShiftSchema))


class ActivityListArgsSchema(ma.Schema):
    grid_id = ma.fields.Integer(load_default=None)
    organisation_id = ma.fields.Integer(load_default=None)


class SignupSchema(MySignupSchema):
    """A sign-up as its volunteer sees it (POST /shifts/{sid}/signups answers with this)."""

    shift_id = ma.fields.Integer()
    queued_at = ma.fields.DateTime()
    confirmed_at = ma.fields.DateTime(allow_none=True)
    entered_by_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "the staff member who signed the volunteer up in person (代办)"}
    )


class SignupCreateSchema(InputSchema):
    """Optional body: staff signing a resident up in person (代办); none when people sign themselves up."""

    on_behalf_of = ma.fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "staff: the resident signed up"}
    )


class SignupCancelArgsSchema(ma.Schema):
    """Optional query: staff cancelling, at the resident's word, a resident's sign-up (代办)."""

    on_behalf_of = ma.fields.Integer(load_default=None, metadata={"description": "staff: the resident whose sign-up"})


class ManagedSignupSchema(SignupSchema):
    """A sign-up as the organisers see it: public name, status, check-in, hours and why corrected."""

    user = ma.fields.Nested(PublicUserSchema)
    hours_reason = ma.fields.String(allow_none=True)


class CheckinSchema(InputSchema):
    code = text(12, required=True, min_length=1)


class CheckinCodeSchema(ma.Schema):
    shift_id = ma.fields.Integer()
    code = ma.fields.String()
    opens_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()


class HoursCorrectionSchema(InputSchema):
    hours = ma.fields.Float(required=True, validate=ma.validate.Range(0, 24))
    reason = text(200, required=True, min_length=2)


class MyVolunteeringItemSchema(MySignupSchema):
    shift = ma.fields.Function(
        lambda s: {"id": s.shift.id, "starts_at": s.shift.starts_at.isoformat(), "ends_at": s.shift.ends_at.isoformat()}
    )
    activity = ma.fields.Function(
        lambda s: {
            "id": s.shift.activity.id,
            "title": s.shift.activity.title,
            "location": s.shift.activity.location,
            "organisation": s.shift.activity.organisation.name if s.shift.activity.organisation else None,
        }
    )


class MyVolunteeringSchema(ma.Schema):
    total_hours = ma.fields.Float()
    shifts_done = ma.fields.Integer()
    activities_done = ma.fields.Integer()
    items = ma.fields.List(ma.fields.Nested(MyVolunteeringItemSchema))
    next_cursor = ma.fields.String(allow_none=True)


class CertificateArgsSchema(ma.Schema):
    community_id = ma.fields.Integer(load_default=None)


class VolunteerProfileSchema(ma.Schema):
    skills = ma.fields.List(ma.fields.String())
    availability = ma.fields.String()


class VolunteerProfileInputSchema(InputSchema):
    skills = ma.fields.List(text(30), required=True, validate=ma.validate.Length(max=20))
    availability = text(200, load_default="")


class RecruitmentArgsSchema(ma.Schema):
    skills = DelimitedList(text(30), required=True, validate=ma.validate.Length(1, 10))


class RecruitmentCountSchema(ma.Schema):
    skills = ma.fields.List(ma.fields.String())
    count = ma.fields.Integer()


class RecruitmentSendSchema(InputSchema):
    activity_id = ma.fields.Integer(required=True)
    skills = ma.fields.List(text(30), load_default=None, validate=ma.validate.Length(max=10))


class RecruitmentResultSchema(ma.Schema):
    activity_id = ma.fields.Integer()
    skills = ma.fields.List(ma.fields.String())
    recipient_count = ma.fields.Integer()
    sent_on = ma.fields.Date()


class ProjectVolunteersSchema(ma.Schema):
    project_id = ma.fields.Integer()
    activities = ma.fields.Integer()
    volunteers = ma.fields.Integer()
    hours = ma.fields.Float()
