import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.comments.models import BODY_MAX
from backend.comments.services import ACTIONS, ORDERS
from backend.core.schemas import InputSchema, abilities_schema, text


class CommentSchema(ma.Schema):
    """A comment as a reader sees it; a deleted one is a placeholder with no author and no text."""

    id = ma.fields.Integer()
    parent_id = ma.fields.Integer(allow_none=True)
    author = ma.fields.Function(lambda c: None if c.is_deleted else PublicUserSchema().dump(c.author), allow_none=True)
    body = ma.fields.Function(lambda c: "" if c.is_deleted else c.body)
    is_deleted = ma.fields.Boolean()
    is_hidden = ma.fields.Boolean()
    is_mine = ma.fields.Boolean()
    can = ma.fields.Nested(abilities_schema("CommentAbilitiesSchema", ACTIONS))
    replies_count = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    edited_at = ma.fields.DateTime(allow_none=True)


class ThreadCommentSchema(CommentSchema):
    """A top-level comment with its first replies (oldest first)."""

    replies = ma.fields.List(ma.fields.Nested(CommentSchema))


class CommentListArgsSchema(ma.Schema):
    order = ma.fields.String(load_default="oldest", validate=ma.validate.OneOf(ORDERS))
    parent_id = ma.fields.Integer(load_default=None)


class CommentCreateSchema(InputSchema):
    body = text(BODY_MAX, required=True, min_length=1)
    parent_id = ma.fields.Integer(load_default=None, allow_none=True)


class CommentEditSchema(InputSchema):
    body = text(BODY_MAX, required=True, min_length=1)
