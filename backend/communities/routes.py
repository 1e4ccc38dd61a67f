from flask_smorest import Blueprint

from backend.communities import services
from backend.communities.schemas import (
    CommunityCreateSchema,
    CommunitySchema,
    CommunitySearchArgsSchema,
    CommunitySummarySchema,
    CommunityUpdateSchema,
    GridCreateSchema,
    GridSchema,
    GridUpdateSchema,
    InviteSchema,
    JoinSchema,
    MemberListArgsSchema,
    MemberSchema,
    OfficialAppointSchema,
    OfficialListSchema,
    OfficialSchema,
    OwnMembershipSchema,
    RegionCreateSchema,
    RegionListSchema,
    RegionSchema,
    RejectSchema,
    RoleSchema,
    StaffListSchema,
)
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import code_guesses, per_user
from backend.core.web import actor

blp = Blueprint("communities", __name__, url_prefix="/api/v1", description="Communities, grids and members")


@blp.route("/communities", methods=["GET"])
@blp.arguments(CommunitySearchArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(CommunitySummarySchema))
def list_communities(search, page):
    """List or search communities."""
    return services.list_communities(query=search["q"], **page)


@blp.route("/communities", methods=["POST"])
@blp.arguments(CommunityCreateSchema)
@blp.response(201, CommunitySchema)
def create_community(data):
    """Create a community (platform admin)."""
    return services.create_community(actor(), **data)


@blp.route("/communities/<int:cid>", methods=["GET"])
@blp.response(200, CommunitySchema)
def get_community(cid):
    """A community with its grids and their responsible persons."""
    return services.get_community(cid)


@blp.route("/communities/<int:cid>", methods=["PATCH"])
@blp.arguments(CommunityUpdateSchema)
@blp.response(200, CommunitySchema)
def update_community(data, cid):
    """Rename a community, or move it to another street (platform admin)."""
    return services.update_community(actor(), cid, data)


@blp.route("/communities/<int:cid>/staff", methods=["GET"])
@blp.response(200, StaffListSchema)
def list_staff(cid):
    """Grid workers and committee members by name, with their grids: whom a report is handed to (staff)."""
    return {"items": services.list_staff(actor(), cid)}


@blp.route("/regions", methods=["GET"])
@blp.response(200, RegionListSchema)
def list_regions():
    """Districts and streets with their communities (platform admin; an official: their own regions)."""
    return {"items": services.list_regions(actor())}


@blp.route("/regions/<int:rid>/officials", methods=["GET"])
@blp.response(200, OfficialListSchema)
def list_officials(rid):
    """The street's or district's officials (platform admin, the region's officials, the district's)."""
    return {"items": services.list_officials(actor(), rid)}


@blp.route("/regions/<int:rid>/officials", methods=["POST"])
@blp.arguments(OfficialAppointSchema)
@blp.response(201, OfficialSchema)
def appoint_official(data, rid):
    """Appoint a street or district official, by account id or by phone or e-mail (platform admin)."""
    return services.appoint_official(actor(), rid, **data)


@blp.route("/regions/<int:rid>/officials/<int:uid>", methods=["DELETE"])
@blp.response(204)
def remove_official(rid, uid):
    """End an official's appointment (platform admin)."""
    services.remove_official(actor(), rid, uid)


@blp.route("/communities/<int:cid>/join", methods=["POST"])
@code_guesses()
@blp.arguments(JoinSchema)
@blp.response(201, OwnMembershipSchema)
def join(data, cid):
    """Join with a household: pending, or invited (known, not verified) with a neighbour's invite code; the
    committee verifies. Wrong invite codes are rate limited per account and per address."""
    return services.join(actor(), cid, **data)


@blp.route("/communities/<int:cid>/members", methods=["GET"])
@blp.arguments(MemberListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(MemberSchema))
def list_members(filters, page, cid):
    """Members with household and contact (committee); by status, role and a part of the name."""
    return services.list_members(
        actor(), cid, status=filters["status"], roles=filters["role"], name=filters["q"], **page
    )


@blp.route("/communities/<int:cid>/members/<int:uid>/verify", methods=["POST"])
@blp.response(200, MemberSchema)
def verify_member(cid, uid):
    """Verify a pending resident (committee)."""
    return services.verify_member(actor(), cid, uid)


@blp.route("/communities/<int:cid>/members/<int:uid>/reject", methods=["POST"])
@blp.arguments(RejectSchema)
@blp.response(204)
def reject_member(data, cid, uid):
    """Refuse a pending or invited member, with a reason they are told (committee)."""
    services.reject_member(actor(), cid, uid, data["reason"])


@blp.route("/communities/<int:cid>/members/<int:uid>/role", methods=["PUT"])
@blp.arguments(RoleSchema)
@blp.response(200, MemberSchema)
def set_role(data, cid, uid):
    """Set a verified member's role (committee); grid workers may be given grids."""
    return services.set_role(actor(), cid, uid, data["role"], data["grid_ids"])


@blp.route("/communities/<int:cid>/invites", methods=["POST"])
@per_user("RATELIMIT_INVITES")
@blp.response(201, InviteSchema)
def create_invite(cid):
    """A single-use invite code (verified residents, at most `max_open_invites` unused at once): the neighbour
    who joins with it is invited (known), not verified."""
    return services.create_invite(actor(), cid)


@blp.route("/communities/<int:cid>/grids", methods=["POST"])
@blp.arguments(GridCreateSchema)
@blp.response(201, GridSchema)
def create_grid(data, cid):
    """Add a grid to a community (platform admin)."""
    return services.create_grid(actor(), cid, **data)


@blp.route("/grids/<int:gid>", methods=["PATCH"])
@blp.arguments(GridUpdateSchema)
@blp.response(200, GridSchema)
def update_grid(data, gid):
    """Edit a grid (platform admin); the committee may name its responsible person."""
    return services.update_grid(actor(), gid, data)


@blp.route("/regions", methods=["POST"])
@blp.arguments(RegionCreateSchema)
@blp.response(201, RegionSchema)
def create_region(data):
    """Create a district or a street (platform admin)."""
    return services.create_region(actor(), **data)
