import marshmallow as ma

from backend.messaging.models import CHANNELS


class OutboxArgsSchema(ma.Schema):
    channel = ma.fields.String(load_default=None, validate=ma.validate.OneOf(CHANNELS))


class MessageSchema(ma.Schema):
    id = ma.fields.Integer()
    channel = ma.fields.String()
    to = ma.fields.String(attribute="to_address")
    purpose = ma.fields.String()
    locale = ma.fields.String()
    subject = ma.fields.String()
    body = ma.fields.String(allow_none=True)
    provider = ma.fields.String()
    status = ma.fields.String()
    attempts = ma.fields.Integer()
    error = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
