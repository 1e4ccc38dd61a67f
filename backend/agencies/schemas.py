import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.agencies.models import KINDS
from backend.communities.schemas import CommunityRefSchema
from backend.core.schemas import InputSchema, text

_ID = ma.validate.Range(min=1, max=2**31 - 1)
_COMMUNITY_IDS = ma.fields.List(ma.fields.Integer(validate=_ID), validate=ma.validate.Length(max=500))


class AgencyCreateSchema(InputSchema):
    name = text(100, required=True, min_length=1)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    community_ids = ma.fields.List(
        ma.fields.Integer(validate=_ID),
        required=True,
        validate=ma.validate.Length(max=500),
        metadata={"description": "communities under the region that the agency serves"},
    )


class AgencyUpdateSchema(InputSchema):
    name = text(100, min_length=1)
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    community_ids = ma.fields.List(ma.fields.Integer(validate=_ID), validate=ma.validate.Length(max=500))


class AgencyMemberAddSchema(InputSchema):
    """An account by id, or by its phone number or e-mail address."""

    user_id = ma.fields.Integer(load_default=None, allow_none=True, validate=_ID)
    login = text(254, load_default=None, allow_none=True, metadata={"description": "instead of user_id"})


class AgencyRefSchema(ma.Schema):
    """What the public sees of an agency: its name and kind (never its staff)."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"description": " | ".join(KINDS)})


class AgencySchema(AgencyRefSchema):
    region_id = ma.fields.Integer()
    region_name = ma.fields.Function(lambda a: a.region.name)
    communities = ma.fields.List(ma.fields.Nested(CommunityRefSchema))
    member_count = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class AgencyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AgencySchema))


class PublicAgencySchema(AgencyRefSchema):
    region_name = ma.fields.Function(lambda a: a.region.name)


class PublicAgencyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PublicAgencySchema))


class AgencyMemberSchema(ma.Schema):
    agency_id = ma.fields.Integer()
    user = ma.fields.Nested(PublicUserSchema)
    added_at = ma.fields.DateTime()


class AgencyDetailSchema(AgencySchema):
    members = ma.fields.List(ma.fields.Nested(AgencyMemberSchema))
