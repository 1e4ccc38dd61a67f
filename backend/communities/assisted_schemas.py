"""Schemas of the residents registered in person (代办), beside the domain's schemas.py to keep both short."""

import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.communities.schemas import HouseholdSchema, OwnMembershipSchema
from backend.core.schemas import InputSchema, text


class ResidentCreateSchema(InputSchema):
    display_name = text(40, required=True, min_length=1)
    building = text(20, required=True, min_length=1)
    unit = text(20, required=True, min_length=1)
    room = text(20, required=True, min_length=1)
    grid_id = ma.fields.Integer(load_default=None, allow_none=True)
    phone = text(20, load_default=None, allow_none=True, metadata={"description": "optional: for SMS notices"})
    consent_on_paper = ma.fields.Boolean(
        required=True, metadata={"description": "true: the resident signed the consent form on paper"}
    )
    consent_date = ma.fields.Date(load_default=None, metadata={"description": "the date on the form; default today"})


class RegisteredResidentSchema(ma.Schema):
    user = ma.fields.Nested(PublicUserSchema)
    membership = ma.fields.Nested(OwnMembershipSchema)


class ResidentListArgsSchema(ma.Schema):
    building = text(20, load_default=None)


class AssistedResidentSchema(ma.Schema):
    user = ma.fields.Nested(PublicUserSchema)
    household = ma.fields.Nested(HouseholdSchema, allow_none=True)
    grid_id = ma.fields.Integer(allow_none=True)
    registered_by = ma.fields.Nested(PublicUserSchema, allow_none=True)
    consent_on = ma.fields.Date()
    registered_at = ma.fields.DateTime()
    letter_expires_at = ma.fields.DateTime(allow_none=True)
    taken_over_at = ma.fields.DateTime(allow_none=True)


class AssistedResidentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AssistedResidentSchema))


class LettersRequestSchema(InputSchema):
    building = text(20, load_default=None)
    user_ids = ma.fields.List(ma.fields.Integer(), load_default=None, validate=ma.validate.Length(min=1, max=500))


class LetterSchema(AssistedResidentSchema):
    code = ma.fields.String(metadata={"description": "the one-time code, shown once: print it"})
    url = ma.fields.String(metadata={"description": "where the QR code leads: the take-over screen with the code"})
    qr_svg = ma.fields.String(metadata={"description": "the QR code of `url`, as an SVG document"})


class LettersSchema(ma.Schema):
    letters = ma.fields.List(ma.fields.Nested(LetterSchema))


class TakeOverSchema(InputSchema):
    code = text(20, required=True, min_length=1)
    login = text(254, required=True, min_length=1, metadata={"description": "your mainland mobile number or e-mail"})
    password = text(200, required=True)
    display_name = text(40, load_default=None, allow_none=True)
