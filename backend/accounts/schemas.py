import marshmallow as ma

from backend.accounts import privacy
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
    # true: the person accepted the privacy notice shown with the form (the PWA requires it); false is
    # refused; left out by older clients, the account starts with `privacy.needs_consent` true.
    privacy_consent = ma.fields.Boolean(load_default=None, allow_none=True)


class LoginSchema(InputSchema):
    login = text(254, required=True, min_length=1)
    password = text(200, metadata={"description": "the password, or"})
    code = ma.fields.String(
        validate=[ma.validate.Length(max=6), ma.validate.Regexp(r"^\d{6}$")],
        metadata={"description": "a one-time code asked for with POST /auth/codes (purpose sign_in)"},
    )

    @ma.validates_schema
    def password_or_code(self, data, **_kwargs):
        if ("password" in data) == ("code" in data):
            raise ma.ValidationError("give the password or a one-time code", field_name="password")


class CodeRequestSchema(InputSchema):
    login = text(254, required=True, min_length=1, metadata={"description": "a mainland mobile number or e-mail"})
    purpose = ma.fields.String(required=True, validate=ma.validate.OneOf(("sign_in", "reset_password")))


class CodeSentSchema(ma.Schema):
    """The same whether or not an account has this phone or address."""

    channel = ma.fields.String(metadata={"description": "sms or email: where a code goes if an account has it"})
    expires_in_seconds = ma.fields.Integer()


class PhoneCodeRequestSchema(InputSchema):
    phone = text(40, required=True, min_length=1, metadata={"description": "a mainland mobile number, any common form"})


class PhoneConfirmSchema(InputSchema):
    phone = text(40, required=True, min_length=1, metadata={"description": "the number the code was sent to"})
    code = text(6, required=True, min_length=6, metadata={"description": "the six digits of the SMS"})


class PasswordResetSchema(InputSchema):
    login = text(254, required=True, min_length=1)
    code = ma.fields.String(required=True, validate=[ma.validate.Length(max=6), ma.validate.Regexp(r"^\d{6}$")])
    new_password = text(200, required=True)


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


class ConsentSchema(InputSchema):
    version = text(20, required=True, metadata={"description": "the notice version that was shown"})


class NoticeSectionSchema(ma.Schema):
    heading = ma.fields.String()
    body = ma.fields.String()


class PrivacyNoticeSchema(ma.Schema):
    version = ma.fields.String()
    locale = ma.fields.String()
    title = ma.fields.String()
    sections = ma.fields.List(ma.fields.Nested(NoticeSectionSchema))
    contact = ma.fields.String()


class PrivacyStateSchema(ma.Schema):
    accepted_version = ma.fields.String(attribute="privacy_notice_version", allow_none=True)
    accepted_at = ma.fields.DateTime(attribute="privacy_accepted_at", allow_none=True)
    current_version = ma.fields.Function(lambda _user: privacy.NOTICE_VERSION)
    needs_consent = ma.fields.Function(privacy.needs_consent)


class PublicUserSchema(ma.Schema):
    """What any other person may see of a user: an id and a name, nothing personal."""

    id = ma.fields.Integer()
    display_name = ma.fields.Function(public_name)


class OwnUserSchema(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    phone_verified_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "when a code sent to the phone was typed back (null: not verified)"}
    )
    locale = ma.fields.String()
    care_mode = ma.fields.Boolean()
    quiet_hours = ma.fields.Nested(QuietHoursSchema, allow_none=True)
    timezone = ma.fields.String()
    is_platform_admin = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    # The user object itself holds these columns; Function keeps them one nested object in the JSON.
    privacy = ma.fields.Function(
        lambda user: PrivacyStateSchema().dump(user),
        metadata={
            "type": "object",
            "properties": {
                "accepted_version": {"type": "string", "nullable": True},
                "accepted_at": {"type": "string", "format": "date-time", "nullable": True},
                "current_version": {"type": "string"},
                "needs_consent": {"type": "boolean"},
            },
        },
    )


class MeSchema(OwnUserSchema):
    """My profile, with the parts other domains add to it (accounts.services.register_profile_part).

    The membership schema is named, not imported: communities (a layer above accounts) owns it, and
    marshmallow finds it by name when the profile is dumped.
    """

    memberships = ma.fields.List(ma.fields.Nested("OwnMembershipSchema"))
    official_regions = ma.fields.List(
        ma.fields.Nested("RegionSchema"),
        metadata={"description": "the streets and districts I officiate (their roll-up is mine to read)"},
    )
