import marshmallow as ma

from backend.accounts.models import LOCALES
from backend.core.i18n import request_locale
from backend.core.schemas import InputSchema, text

FORMER_RESIDENT = {"zh-CN": "原居民", "en": "Former resident"}


def public_name(user) -> str:
    """What others see as this person's name; a deleted account shows a placeholder."""
    if user is None or user.is_deleted or not user.display_name:
        return FORMER_RESIDENT[request_locale()]
    return user.display_name


class RegisterSchema(InputSchema):
    email = text(254, load_default=None, allow_none=True)
    phone = text(20, load_default=None, allow_none=True)
    password = text(200, required=True)
    display_name = text(40, required=True, min_length=1)
    locale = ma.fields.String(load_default="zh-CN", validate=ma.validate.OneOf(LOCALES))


class LoginSchema(InputSchema):
    login = text(254, required=True, min_length=1)
    password = text(200, required=True)


class PasswordChangeSchema(InputSchema):
    current_password = text(200, required=True)
    new_password = text(200, required=True)


class QuietHoursSchema(InputSchema):
    start = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$"))
    end = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$"))


class ProfileUpdateSchema(InputSchema):
    display_name = text(40, min_length=1)
    locale = ma.fields.String(validate=ma.validate.OneOf(LOCALES))
    care_mode = ma.fields.Boolean()
    quiet_hours = ma.fields.Nested(QuietHoursSchema, allow_none=True)
    timezone = text(40)


class PublicUserSchema(ma.Schema):
    """What any other person may see of a user: an id and a name, nothing personal."""

    id = ma.fields.Integer()
    display_name = ma.fields.Function(public_name)


class OwnUserSchema(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    locale = ma.fields.String()
    care_mode = ma.fields.Boolean()
    quiet_hours = ma.fields.Nested(QuietHoursSchema, allow_none=True)
    timezone = ma.fields.String()
    is_platform_admin = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
