"""Aid views. Every schema here is readable by other residents: public user references only."""

import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.aid.models import CATEGORIES, KINDS, STATUSES
from backend.aid.services import ACTIONS
from backend.core.schemas import InputSchema, abilities_schema, text


class AidPostCreateSchema(InputSchema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(CATEGORIES))
    title = text(100, required=True, min_length=2)
    body = text(2000, load_default="")
    needed_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)
    grid_id = ma.fields.Integer(load_default=None, allow_none=True)
    at_home = ma.fields.Boolean(load_default=False)
    on_behalf_of = ma.fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "staff: the resident this post is filed for"}
    )
    channel = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(("app", "phone", "visit", "walk_in", "hotline")),
        metadata={"description": "how staff heard of it, with on_behalf_of"},
    )


class AidListArgsSchema(ma.Schema):
    kind = ma.fields.String(load_default=None, validate=ma.validate.OneOf(KINDS))
    category = ma.fields.String(load_default=None, validate=ma.validate.OneOf(CATEGORIES))
    grid_id = ma.fields.Integer(load_default=None)
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(STATUSES))
    mine = ma.fields.String(load_default=None, validate=ma.validate.OneOf(("authored", "responded")))


class ResponseCreateSchema(InputSchema):
    message = text(500, required=True, min_length=1)


class CompleteSchema(InputSchema):
    hours = ma.fields.Float(load_default=None, allow_none=True, validate=ma.validate.Range(0, 24, min_inclusive=False))
    thanks = text(200, load_default=None, allow_none=True)


class ThanksCreateSchema(InputSchema):
    text = text(200, required=True, min_length=1)


class ReopenSchema(InputSchema):
    needed_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)


class AidResponseSchema(ma.Schema):
    id = ma.fields.Integer()
    responder = ma.fields.Nested(PublicUserSchema)
    message = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.DateTime()


class ThanksSchema(ma.Schema):
    id = ma.fields.Integer()
    text = ma.fields.String()
    from_user = ma.fields.Nested(PublicUserSchema)
    category = ma.fields.Function(lambda t: t.post.category)
    created_at = ma.fields.DateTime()


class ThanksBriefSchema(ma.Schema):
    text = ma.fields.String()
    created_at = ma.fields.DateTime()


class AidPostSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    kind = ma.fields.String()
    category = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    grid_id = ma.fields.Integer(allow_none=True)
    needed_at = ma.fields.DateTime(allow_none=True)
    at_home = ma.fields.Boolean(attribute="is_at_home")
    status = ma.fields.String()
    author = ma.fields.Nested(PublicUserSchema)
    helper = ma.fields.Nested(PublicUserSchema, allow_none=True)
    response_count = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    # True only in the author's and the committee's views: nobody else receives a hidden post.
    is_hidden = ma.fields.Boolean()


class AidPostSchema(AidPostSummarySchema):
    """One post as a viewer sees it: the author gets every response, a responder only their own."""

    author_done_at = ma.fields.DateTime(allow_none=True)
    helper_done_at = ma.fields.DateTime(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)
    hours = ma.fields.Float(allow_none=True)
    viewer_role = ma.fields.String(allow_none=True)
    responses = ma.fields.List(ma.fields.Nested(AidResponseSchema))
    my_response = ma.fields.Nested(AidResponseSchema, allow_none=True)
    thanks = ma.fields.Nested(ThanksBriefSchema, allow_none=True)
    can = ma.fields.Nested(abilities_schema("AidAbilitiesSchema", ACTIONS))
    # 代办: the post was filed by staff for its author (who, is in the audit log), and how they heard of it.
    filed_on_behalf = ma.fields.Function(lambda post: post.filed_by_id is not None)
    channel = ma.fields.String(metadata={"description": "app, or how staff who filed it for the author heard of it"})


class ThanksArgsSchema(ma.Schema):
    community_id = ma.fields.Integer(required=True)


class BlockSchema(ma.Schema):
    user = ma.fields.Nested(PublicUserSchema, attribute="blocked")
    created_at = ma.fields.DateTime()


class TimeBankEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    direction = ma.fields.String()
    hours = ma.fields.Function(lambda e: round(e.minutes / 60, 2))
    other = ma.fields.Nested(PublicUserSchema, allow_none=True)
    aid = ma.fields.Function(lambda e: {"id": e.post.id, "title": e.post.title, "category": e.post.category})
    created_at = ma.fields.DateTime()


class MyTimeBankSchema(ma.Schema):
    enabled = ma.fields.Boolean()
    given_hours = ma.fields.Float()
    received_hours = ma.fields.Float()
    balance_hours = ma.fields.Float()
    items = ma.fields.List(ma.fields.Nested(TimeBankEntrySchema))
    next_cursor = ma.fields.String(allow_none=True)


class CategoryTotalSchema(ma.Schema):
    category = ma.fields.String()
    entries = ma.fields.Integer()
    hours = ma.fields.Float()


class CommunityTimeBankSchema(ma.Schema):
    enabled = ma.fields.Boolean()
    entries = ma.fields.Integer()
    total_hours = ma.fields.Float()
    givers = ma.fields.Integer()
    receivers = ma.fields.Integer()
    completed_posts = ma.fields.Integer()
    by_category = ma.fields.List(ma.fields.Nested(CategoryTotalSchema))
