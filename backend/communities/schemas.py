import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema, public_name
from backend.communities.models import REGION_KINDS, ROLES, STATUSES
from backend.communities.services import ACTIONS, ASSIGNABLE_ROLES, OFFICIAL_ROLES
from backend.core.schemas import InputSchema, abilities_schema, text


class CommunityRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    name_en = ma.fields.String(allow_none=True)


class GridRefSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.Integer()
    name = ma.fields.String()


class GridSchema(GridRefSchema):
    polygon = ma.fields.Dict(allow_none=True)
    responsible = ma.fields.Nested(PublicUserSchema, allow_none=True)


class HouseholdSchema(ma.Schema):
    building = ma.fields.String()
    unit = ma.fields.String()
    room = ma.fields.String()


class OwnMembershipSchema(ma.Schema):
    """A member's own view of their membership (their household included: it is theirs)."""

    community = ma.fields.Nested(CommunityRefSchema)
    role = ma.fields.String()
    status = ma.fields.String()
    grid = ma.fields.Nested(GridRefSchema, allow_none=True)
    household = ma.fields.Nested(HouseholdSchema, allow_none=True)
    joined_at = ma.fields.DateTime()
    verified_at = ma.fields.DateTime(allow_none=True)
    suspended_until = ma.fields.DateTime(allow_none=True)


class ContactUserSchema(ma.Schema):
    """The committee's view of a member: contact details, for verification only."""

    id = ma.fields.Integer()
    display_name = ma.fields.Function(public_name)
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class MemberSchema(OwnMembershipSchema):
    class Meta:
        exclude = ("community",)

    user = ma.fields.Nested(ContactUserSchema)
    invited_by = ma.fields.Nested(
        PublicUserSchema, allow_none=True, metadata={"description": "whose invite brought them (null: none)"}
    )
    invite_chain = ma.fields.List(
        ma.fields.Nested(PublicUserSchema),
        metadata={"description": "who invited them, who invited that person, ... nearest first (at most 10)"},
    )
    household_residents = ma.fields.Integer(
        metadata={"description": "verified residents other than this member already living in the household"}
    )
    can = ma.fields.Nested(abilities_schema("MemberAbilitiesSchema", ACTIONS))
    imitates = ma.fields.String(
        allow_none=True,
        dump_default=None,
        metadata={"description": "the committee member whose name this member's name looks like (a warning)"},
    )


def _region_name(community, kind: str):
    street = community.street
    if kind == "street":
        return street.name if street else None
    return street.parent.name if street and street.parent else None


class CommunitySummarySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    name_en = ma.fields.String(allow_none=True)
    street_id = ma.fields.Integer(allow_none=True)
    district = ma.fields.Function(lambda c: _region_name(c, "district"), allow_none=True)
    street = ma.fields.Function(lambda c: _region_name(c, "street"), allow_none=True)
    grid_count = ma.fields.Integer()


class CommunitySchema(CommunitySummarySchema):
    class Meta:
        exclude = ("grid_count",)

    description = ma.fields.String()
    grids = ma.fields.List(ma.fields.Nested(GridSchema))


class CommunitySearchArgsSchema(ma.Schema):
    q = text(100, load_default=None)


class JoinSchema(InputSchema):
    building = text(20, required=True, min_length=1)
    unit = text(20, required=True, min_length=1)
    room = text(20, required=True, min_length=1)
    grid_id = ma.fields.Integer(load_default=None, allow_none=True)
    invite_code = text(16, load_default=None, allow_none=True)


class MemberListArgsSchema(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(STATUSES))
    role = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(ROLES)),
        load_default=None,
        validate=ma.validate.Length(max=len(ROLES)),
        metadata={"description": "only these roles (repeat: ?role=committee&role=grid_worker): an owner picker"},
    )
    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "display name contains this (case folded): the picker searches as one types"},
    )


class RejectSchema(InputSchema):
    reason = text(500, required=True, min_length=1)


class RoleSchema(InputSchema):
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ASSIGNABLE_ROLES))
    grid_ids = ma.fields.List(ma.fields.Integer(), load_default=None, validate=ma.validate.Length(max=100))


class InviteSchema(ma.Schema):
    code = ma.fields.String()
    expires_at = ma.fields.DateTime()


class RegionCreateSchema(InputSchema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(REGION_KINDS))
    name = text(100, required=True, min_length=1)
    parent_id = ma.fields.Integer(load_default=None, allow_none=True)


class RegionSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    name = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)


class RegionWithCommunitiesSchema(RegionSchema):
    communities = ma.fields.List(ma.fields.Nested(CommunityRefSchema))


class RegionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RegionWithCommunitiesSchema))


class OfficialAppointSchema(InputSchema):
    """The contract's `{user_id, role}`; `login` (phone or e-mail) may name the account instead of `user_id`."""

    user_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    login = text(254, load_default=None, allow_none=True, metadata={"description": "instead of user_id"})
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(OFFICIAL_ROLES))


class OfficialSchema(ma.Schema):
    """A street or district official: public name only (officials act in public, their contact stays theirs)."""

    region_id = ma.fields.Integer()
    role = ma.fields.String(metadata={"description": "street_official | district_official"})
    user = ma.fields.Nested(PublicUserSchema)
    appointed_at = ma.fields.DateTime()


class OfficialListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OfficialSchema))


class CommunityUpdateSchema(InputSchema):
    name = text(100, min_length=1)
    name_en = text(100, allow_none=True)
    street_id = ma.fields.Integer(allow_none=True, metadata={"description": "another street moves the community"})
    description = text(2000)


class StaffMemberSchema(ma.Schema):
    user = ma.fields.Nested(PublicUserSchema)
    role = ma.fields.String()
    grid_ids = ma.fields.List(ma.fields.Integer(), metadata={"description": "the grids they answer for"})


class StaffListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(StaffMemberSchema))


class CommunityCreateSchema(InputSchema):
    name = text(100, required=True, min_length=1)
    name_en = text(100, load_default=None, allow_none=True)
    street_id = ma.fields.Integer(load_default=None, allow_none=True)
    description = text(2000, load_default="")


class GridCreateSchema(InputSchema):
    number = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 10_000))
    name = text(100, required=True, min_length=1)
    polygon = ma.fields.Dict(load_default=None, allow_none=True)
    responsible_user_id = ma.fields.Integer(load_default=None, allow_none=True)


class GridUpdateSchema(InputSchema):
    name = text(100, min_length=1)
    polygon = ma.fields.Dict(allow_none=True)
    responsible_user_id = ma.fields.Integer(allow_none=True)
