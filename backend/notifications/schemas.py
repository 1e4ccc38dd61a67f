import marshmallow as ma

from backend.core.pagination import page_schema
from backend.core.schemas import InputSchema, OneOfKinds, text
from backend.notifications.models import DIGEST_PERIODS


class NotificationSchema(ma.Schema):
    """An inbox row as its reader sees it: text in the reader's language and the deep link."""

    id = ma.fields.Integer()
    kind = ma.fields.String()
    title = ma.fields.Function(lambda n: n.rendered["title"])
    body = ma.fields.Function(lambda n: n.rendered["body"])
    user_content = ma.fields.Function(
        lambda n: n.rendered.get("user_content", []),
        metadata={
            "description": "the parts of title and body that people wrote (titles, names): shown marked as theirs"
        },
    )
    url = ma.fields.Function(lambda n: n.url or "/notifications")
    community_id = ma.fields.Integer(allow_none=True)
    is_urgent = ma.fields.Boolean()
    is_read = ma.fields.Function(lambda n: n.read_at is not None)
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class InboxPageSchema(page_schema(NotificationSchema, "NotificationPageBaseSchema")):
    unread_count = ma.fields.Integer(required=True)


class InboxArgsSchema(ma.Schema):
    unread = ma.fields.Boolean(load_default=False)


class MarkReadSchema(InputSchema):
    ids = ma.fields.List(ma.fields.Integer(), validate=ma.validate.Length(min=1, max=100))
    all = ma.fields.Boolean()

    @ma.validates_schema
    def ids_or_all(self, data, **_kwargs):
        if not data.get("ids") and not data.get("all"):
            raise ma.ValidationError("give ids or all: true", "ids")


class MarkReadResultSchema(ma.Schema):
    updated = ma.fields.Integer()
    unread_count = ma.fields.Integer()


class VapidKeySchema(ma.Schema):
    key = ma.fields.String()


class SubscriptionKeysSchema(InputSchema):
    p256dh = text(200, required=True, min_length=1)
    auth = text(100, required=True, min_length=1)


class SubscriptionInputSchema(InputSchema):
    """The browser's PushSubscription.toJSON(), as sent."""

    endpoint = text(1000, required=True, min_length=1)
    keys = ma.fields.Nested(SubscriptionKeysSchema, required=True)
    expirationTime = ma.fields.Raw(allow_none=True, load_default=None)


class SubscriptionDeleteSchema(InputSchema):
    endpoint = text(1000, required=True, min_length=1)
    keys = ma.fields.Dict(load_default=None)  # the PWA may send the whole PushSubscription back
    expirationTime = ma.fields.Raw(allow_none=True, load_default=None)


class SubscriptionSchema(ma.Schema):
    id = ma.fields.Integer()
    endpoint = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class KindPreferenceInputSchema(InputSchema):
    kind = text(50, required=True)
    inbox = ma.fields.Boolean()
    push = ma.fields.Boolean()


class PreferencesInputSchema(InputSchema):
    kinds = ma.fields.List(ma.fields.Nested(KindPreferenceInputSchema), validate=ma.validate.Length(max=50))
    digest = ma.fields.String(validate=ma.validate.OneOf(DIGEST_PERIODS))
    urgent_sms = ma.fields.Boolean(metadata={"description": "SMS for urgent notices (to a verified phone)"})


class KindPreferenceSchema(ma.Schema):
    kind = ma.fields.String()
    label = ma.fields.String()
    personal = ma.fields.Boolean()
    applies = ma.fields.Boolean(metadata={"description": "whether the person's roles can receive this kind"})
    audience = ma.fields.String(metadata={"description": "member, staff, committee or organiser"})
    inbox = ma.fields.Boolean()
    push = ma.fields.Boolean()
    default_inbox = ma.fields.Boolean()
    default_push = ma.fields.Boolean()


class QuietHoursOutSchema(ma.Schema):
    start = ma.fields.String()
    end = ma.fields.String()


class PreferencesSchema(ma.Schema):
    kinds = ma.fields.List(ma.fields.Nested(KindPreferenceSchema))
    digest = ma.fields.String()
    quiet_hours = ma.fields.Nested(QuietHoursOutSchema, allow_none=True)
    timezone = ma.fields.String()
    urgent_always_pushed = ma.fields.Boolean()
    urgent_sms = ma.fields.Boolean(
        metadata={"description": "SMS for urgent notices when no device of theirs takes pushes (on by default)"}
    )
    sms_phone = ma.fields.String(
        metadata={"description": "verified, unverified or none: whether an urgent SMS can reach this person's phone"}
    )


class FollowInputSchema(InputSchema):
    target_type = ma.fields.String(required=True, validate=OneOfKinds("followable"))
    target_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))


class FollowArgsSchema(ma.Schema):
    target_type = ma.fields.String(required=True, validate=OneOfKinds("followable"))
    target_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))


class FollowSchema(ma.Schema):
    target_type = ma.fields.String()
    target_id = ma.fields.Integer()
    following = ma.fields.Boolean()
