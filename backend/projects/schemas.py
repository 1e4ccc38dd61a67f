import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.communities.schemas import GridRefSchema
from backend.core.schemas import InputSchema, abilities_schema, text
from backend.projects.models import STATUSES
from backend.projects.services import ACTIONS, SORTS

MAX_PHOTOS = 9
MAX_BUDGET_CENTS = 100_000_000_00  # 1 亿元: far above any micro-project, far below integer overflow
MAX_VOLUNTEERS = 10_000


class ProjectCreateSchema(InputSchema):
    title = text(120, required=True, min_length=1)
    summary = text(300, load_default="")
    body = text(10_000, load_default="")
    category = text(40, required=True, min_length=1)
    grid_id = ma.fields.Integer(load_default=None, allow_none=True)
    budget_cents = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, MAX_BUDGET_CENTS))
    volunteers_needed = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, MAX_VOLUNTEERS))
    photo_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1)),
        load_default=list,
        validate=ma.validate.Length(max=MAX_PHOTOS),
    )
    author_organisation_id = ma.fields.Integer(load_default=None, allow_none=True)
    submit = ma.fields.Boolean(load_default=False, metadata={"description": "submit at once (draft otherwise)"})


class ProjectUpdateSchema(InputSchema):
    """Partial: only the fields sent change. `reason` explains a committee edit (kept in the audit log)."""

    title = text(120, min_length=1)
    summary = text(300)
    body = text(10_000)
    category = text(40, min_length=1)
    grid_id = ma.fields.Integer(allow_none=True)
    budget_cents = ma.fields.Integer(validate=ma.validate.Range(0, MAX_BUDGET_CENTS))
    volunteers_needed = ma.fields.Integer(validate=ma.validate.Range(0, MAX_VOLUNTEERS))
    photo_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1)), validate=ma.validate.Length(max=MAX_PHOTOS)
    )
    author_organisation_id = ma.fields.Integer(allow_none=True)
    reason = text(500)


class ProjectListArgsSchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(STATUSES))
    category = text(40, load_default=None)
    grid_id = ma.fields.Integer(load_default=None)
    mine = ma.fields.Boolean(load_default=False)
    sort = ma.fields.String(load_default="newest", validate=ma.validate.OneOf(SORTS))


class SupportCreateSchema(InputSchema):
    """Optional body: staff recording the support of a resident met in person (代办)."""

    on_behalf_of = ma.fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "staff: the resident who supports it"}
    )


class SupportWithdrawArgsSchema(ma.Schema):
    """Optional query: staff taking back, at the resident's word, the support of a resident (代办)."""

    on_behalf_of = ma.fields.Integer(
        load_default=None, metadata={"description": "staff: the resident whose support is taken back"}
    )


class ReviewSchema(InputSchema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(("accept", "reject")))
    reason = text(2000, load_default="")


class ReasonSchema(InputSchema):
    reason = text(2000, load_default="")


class NoteSchema(InputSchema):
    note = text(2000, load_default="")


class ProgressUpdateSchema(InputSchema):
    body = text(4000, required=True, min_length=1)
    percent_done = ma.fields.Integer(required=True, validate=ma.validate.Range(0, 100))
    photo_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1)),
        load_default=list,
        validate=ma.validate.Length(max=MAX_PHOTOS),
    )
    reason = text(
        1000,
        load_default=None,
        allow_none=True,
        metadata={"description": "required when percent_done is lower than before"},
    )


class RatingCreateSchema(InputSchema):
    stars = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 5))
    comment = text(1000, load_default="")


class RatingSchema(ma.Schema):
    id = ma.fields.Integer()
    stars = ma.fields.Integer()
    comment = ma.fields.String()
    user = ma.fields.Nested(PublicUserSchema)
    created_at = ma.fields.DateTime()


class RatingResultSchema(RatingSchema):
    """The new rating and the project's average after it."""

    rating_average = ma.fields.Float(allow_none=True)
    rating_count = ma.fields.Integer()


class MyRatingSchema(ma.Schema):
    stars = ma.fields.Integer()
    comment = ma.fields.String()
    created_at = ma.fields.DateTime()


class ProjectSummarySchema(ma.Schema):
    """A project in a list."""

    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    title = ma.fields.String()
    summary = ma.fields.String()
    category = ma.fields.String()
    grid = ma.fields.Nested(GridRefSchema, allow_none=True)
    status = ma.fields.String()
    author = ma.fields.Nested(PublicUserSchema)
    budget_cents = ma.fields.Integer()
    volunteers_needed = ma.fields.Integer()
    supports_count = ma.fields.Integer()
    support_threshold = ma.fields.Integer(allow_none=True)
    percent_done = ma.fields.Integer()
    rating_average = ma.fields.Float(allow_none=True)
    rating_count = ma.fields.Integer()
    comments_count = ma.fields.Integer()
    photo_ids = ma.fields.List(ma.fields.Integer())
    poll_id = ma.fields.Integer(allow_none=True)
    closes_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    submitted_at = ma.fields.DateTime(allow_none=True)
    supported_by_me = ma.fields.Boolean()
    # The author's list marks their hidden project (nobody else but the committee receives it).
    is_hidden = ma.fields.Boolean()


class ProjectSchema(ProjectSummarySchema):
    """A project's page."""

    body = ma.fields.String()
    author_organisation_id = ma.fields.Integer(allow_none=True)
    source_report_id = ma.fields.Integer(allow_none=True)
    review_reason = ma.fields.String(allow_none=True)
    is_hidden = ma.fields.Boolean()
    updated_at = ma.fields.DateTime()
    decided_at = ma.fields.DateTime(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)
    my_rating = ma.fields.Nested(MyRatingSchema, allow_none=True)
    can = ma.fields.Nested(abilities_schema("ProjectAbilitiesSchema", ACTIONS))


class ProjectEventSchema(ma.Schema):
    """One step of the public timeline; `actor` is null for system steps (support goal, poll outcome)."""

    id = ma.fields.Integer()
    action = ma.fields.String()
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    percent_done = ma.fields.Integer(allow_none=True)
    photo_ids = ma.fields.List(ma.fields.Integer(), allow_none=True)
    poll_id = ma.fields.Integer(allow_none=True)
    actor = ma.fields.Nested(PublicUserSchema, allow_none=True)
    created_at = ma.fields.DateTime()


class CategorySchema(ma.Schema):
    key = ma.fields.String()
    zh_CN = ma.fields.String(data_key="zh-CN")
    en = ma.fields.String()

    @ma.pre_dump
    def _locale_keys(self, data, **kwargs):
        return {"key": data["key"], "zh_CN": data["zh-CN"], "en": data["en"]}


class CategoryListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CategorySchema))
    support_threshold = ma.fields.Integer()
