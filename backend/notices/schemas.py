from datetime import UTC

import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.core.schemas import InputSchema, abilities_schema, text
from backend.notices.services import ACTIONS


class NoticeCreateSchema(InputSchema):
    title = text(120, required=True, min_length=1)
    body = text(5000, required=True, min_length=1)
    pinned = ma.fields.Boolean(load_default=False)
    urgent = ma.fields.Boolean(load_default=False)
    grid_ids = ma.fields.List(ma.fields.Integer(), load_default=None, validate=ma.validate.Length(max=100))
    publish_at = ma.fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)


class NoticeSchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    title = ma.fields.String()
    body = ma.fields.String()
    pinned = ma.fields.Boolean(attribute="is_pinned")
    urgent = ma.fields.Boolean(attribute="is_urgent")
    grid_ids = ma.fields.List(ma.fields.Integer())
    publish_at = ma.fields.DateTime()
    created_at = ma.fields.DateTime()
    author = ma.fields.Nested(PublicUserSchema)
    is_read = ma.fields.Boolean()
    is_scheduled = ma.fields.Boolean()
    # The committee's figure: how many residents opened it (null for everyone else).
    read_count = ma.fields.Integer(attribute="visible_read_count", allow_none=True)
    # True only for the committee and the author: nobody else receives a hidden notice.
    is_hidden = ma.fields.Boolean()
    can = ma.fields.Nested(abilities_schema("NoticeAbilitiesSchema", ACTIONS))


class PosterNoticeSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    body = ma.fields.String()
    urgent = ma.fields.Boolean(attribute="is_urgent")
    publish_at = ma.fields.DateTime()


class NoticePosterSchema(ma.Schema):
    notice = ma.fields.Nested(PosterNoticeSchema)
    community_name = ma.fields.String()
    url = ma.fields.String(metadata={"description": "the notice's address in the app, which the QR code holds"})
    qr_svg = ma.fields.String(metadata={"description": "the QR code of `url`, as SVG"})
