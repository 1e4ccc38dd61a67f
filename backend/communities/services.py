"""Communities: regions, grids, memberships, verification, roles and invites."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts.services import (
    display_name_of,
    find_user_by_login,
    register_account_eraser,
    register_profile_part,
    users_by_id,
)
from backend.audit import services as audit
from backend.communities import access, name_warnings
from backend.communities.models import (
    MEMBERSHIP_STATES,
    Community,
    Grid,
    Household,
    Invite,
    Membership,
    Region,
    RegionOfficial,
)
from backend.core.db import utcnow
from backend.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    register_field_messages,
    register_messages,
)
from backend.core.pagination import Page, SortKey, paginate
from backend.core.unique import find_or_insert
from backend.extensions import db
from backend.notifications.services import notify, register_follow_guard

register_messages(
    "community",
    {
        "already_member": {
            "zh-CN": ("已经加入", "你已经是这个社区的成员。"),
            "en": ("Already a member", "You are already a member of this community."),
        },
        "invite_unknown": {
            "zh-CN": ("邀请码无效", "没有找到这个邀请码，请检查后重试。"),
            "en": ("Unknown invite code", "No such invite code; check it and try again."),
        },
        "invite_expired": {
            "zh-CN": ("邀请码已过期", "这个邀请码已过期，请让邻居重新生成一个。"),
            "en": ("Invite expired", "This invite code has expired; ask your neighbour for a new one."),
        },
        "invite_used": {
            "zh-CN": ("邀请码已使用", "这个邀请码已经被使用过了。"),
            "en": ("Invite already used", "This invite code has already been used."),
        },
        "not_verified": {
            "zh-CN": ("尚未认证", "该成员需要先通过认证。"),
            "en": ("Not verified", "This member must be verified first."),
        },
        "invite_limit": {
            "zh-CN": ("邀请码太多", "你还有 {limit} 个未使用的邀请码，请等邻居用完或过期后再生成。"),
            "en": (
                "Too many invites",
                "You have {limit} unused invite codes; wait until they are used or expire.",
            ),
        },
        "last_committee_member": {
            "zh-CN": ("不能移除", "社区至少需要一名居委会成员。"),
            "en": ("Cannot remove", "A community needs at least one committee member."),
        },
    },
)

register_field_messages(
    {
        "give user_id or login, not both": "请填写账号编号，或手机号/邮箱（二选一）。",
        "no such account": "没有找到这个账号。",
        "this region is a street: street_official": "这是街道，请任命为街道干部。",
        "this region is a district: district_official": "这是区，请任命为区干部。",
    }
)

# Unambiguous characters: no 0/O, 1/I/L, so a code read aloud or from paper is typed right.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8
ASSIGNABLE_ROLES = ("resident", "grid_worker", "committee")
OFFICIAL_ROLES = ("street_official", "district_official")  # officials of a region (issue 19)
STAFF_ROLES = ("grid_worker", "committee")  # who handles reports
ACTIONS = ("verify", "reject", "set_role")  # what the committee may do with a member (`can`)
DEFAULT_MAX_OPEN_INVITES = 3  # unused, unexpired invites per person (community setting `max_open_invites`)
INVITE_CHAIN_DEPTH = 10  # how far back the committee's list follows who invited whom


# --- regions, communities, grids (platform admin) -------------------------------------------


def create_region(actor, *, kind: str, name: str, parent_id: int | None = None) -> Region:
    access.require_platform_admin(actor)
    parent = db.session.get(Region, parent_id) if parent_id else None
    if kind == "street" and (parent is None or parent.kind != "district"):
        raise ValidationFailed({"parent_id": ["a street belongs to a district"]})
    if kind == "district" and parent_id:
        raise ValidationFailed({"parent_id": ["a district has no parent"]})
    region = Region(kind=kind, name=name, parent_id=parent_id)
    db.session.add(region)
    db.session.flush()
    audit.record(actor, "region.create", "region", region.id, community_id=None, after={"kind": kind, "name": name})
    return region


def create_community(
    actor, *, name: str, street_id: int | None = None, description: str = "", name_en: str | None = None
) -> Community:
    access.require_platform_admin(actor)
    _street(street_id)
    community = Community(name=name, name_en=name_en, street_id=street_id, description=description, settings={})
    db.session.add(community)
    db.session.flush()
    audit.record(actor, "community.create", "community", community.id, community_id=community.id, after={"name": name})
    return community


def list_regions(actor) -> list[Region]:
    """Every district and street, districts first, each street with its communities (platform admin); an
    official sees the regions they officiate and, for a district, its streets. Three queries at most.

    :raises Forbidden: ``official_required`` for anyone else
    """
    access.require_user(actor)
    stmt = select(Region).order_by(Region.kind, Region.name, Region.id)
    if not actor.is_platform_admin:
        mine = access.official_region_ids(actor)
        if not mine:
            raise Forbidden(reason="official_required")
        stmt = stmt.where(or_(Region.id.in_(mine), Region.parent_id.in_(mine)))
    regions = list(db.session.scalars(stmt))
    by_street: dict[int, list[Community]] = {}
    for community in db.session.scalars(
        select(Community).where(Community.street_id.is_not(None)).order_by(Community.name, Community.id)
    ):
        by_street.setdefault(community.street_id, []).append(community)
    for region in regions:
        region.communities = by_street.get(region.id, [])
    return regions


# --- street and district officials (issue 19) -------------------------------------------------


def _region_or_404(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotFound()
    return region


def list_officials(actor, region_id: int) -> list[RegionOfficial]:
    """The officials of a street or district (platform admin, or the region's own officials and the district's)."""
    _region_or_404(region_id)
    access.require_region_reader(actor, region_id)
    return list(
        db.session.scalars(
            select(RegionOfficial).where(RegionOfficial.region_id == region_id).order_by(RegionOfficial.id)
        )
    )


def _official_account(user_id: int | None, login: str | None):
    if (user_id is None) == (login is None):
        raise ValidationFailed({"user_id": ["give user_id or login, not both"]})
    user = users_by_id([user_id]).get(user_id) if user_id is not None else find_user_by_login(login)
    if user is None or user.deleted_at is not None:
        field = "user_id" if user_id is not None else "login"
        raise ValidationFailed({field: ["no such account"]})
    return user


def appoint_official(
    actor, region_id: int, *, role: str, user_id: int | None = None, login: str | None = None
) -> RegionOfficial:
    """Make an account (by id, or by phone or e-mail) an official of the region (platform admin; audited).
    The role must fit the region (street_official of a street). Appointing someone already appointed
    changes nothing and answers the existing appointment.

    :raises ValidationFailed: no such account; a role that does not fit the region
    """
    access.require_platform_admin(actor)
    region = _region_or_404(region_id)
    if role != f"{region.kind}_official":
        raise ValidationFailed({"role": [f"this region is a {region.kind}: {region.kind}_official"]})
    user = _official_account(user_id, login)
    # Two admins appointing the same person at once: the unique constraint keeps one row, one audit line.
    official, appointed = find_or_insert(
        RegionOfficial, {"region_id": region.id, "user_id": user.id}, appointed_by_id=actor.id
    )
    if appointed:
        audit.record(
            actor, "region.official_appoint", "region", region.id, community_id=None, after={"user_id": user.id}
        )
    return official


def remove_official(actor, region_id: int, user_id: int) -> None:
    """End an appointment (platform admin; audited).

    :raises NotFound: the person is not an official of this region
    """
    access.require_platform_admin(actor)
    removed = db.session.execute(
        delete(RegionOfficial).where(RegionOfficial.region_id == region_id, RegionOfficial.user_id == user_id)
    ).rowcount
    if not removed:
        raise NotFound()
    audit.record(actor, "region.official_remove", "region", region_id, community_id=None, before={"user_id": user_id})


def regions_of(user) -> list[Region]:
    """The streets and districts a person officiates (their profile: where the PWA shows the roll-up)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            select(Region)
            .join(RegionOfficial, RegionOfficial.region_id == Region.id)
            .where(RegionOfficial.user_id == user.id)
            .order_by(Region.kind, Region.name, Region.id)
        )
    )


def street_official_ids(community_id: int) -> list[int]:
    """The officials of the community's street (escalations past the committee go to them)."""
    street = select(Community.street_id).where(Community.id == community_id).scalar_subquery()
    return list(
        db.session.scalars(
            select(RegionOfficial.user_id).where(RegionOfficial.region_id == street).order_by(RegionOfficial.id)
        )
    )


def district_official_ids(community_id: int) -> list[int]:
    """The officials of the district above the community's street."""
    street = select(Community.street_id).where(Community.id == community_id).scalar_subquery()
    district = select(Region.parent_id).where(Region.id == street).scalar_subquery()
    return list(
        db.session.scalars(
            select(RegionOfficial.user_id).where(RegionOfficial.region_id == district).order_by(RegionOfficial.id)
        )
    )


def community_ids_under_regions() -> list[int]:
    """The communities that have a street (a report there can escalate beyond the committee)."""
    return list(db.session.scalars(select(Community.id).where(Community.street_id.is_not(None))))


def _erase_appointments(user) -> None:
    """A deleted account officiates nowhere."""
    db.session.execute(delete(RegionOfficial).where(RegionOfficial.user_id == user.id))


def _street(street_id: int | None) -> Region | None:
    if street_id is None:
        return None
    street = db.session.get(Region, street_id)
    if street is None or street.kind != "street":
        raise ValidationFailed({"street_id": ["not a street"]})
    return street


def update_community(actor, community_id: int, changes: dict) -> Community:
    """Rename or describe a community, or move it to another street (platform admin; audited).

    :raises ValidationFailed: a street that does not exist
    """
    access.require_platform_admin(actor)
    community = get_community(community_id)
    street = _street(changes["street_id"]) if "street_id" in changes else None
    before = {field: getattr(community, field) for field in changes}
    for field, value in changes.items():
        setattr(community, field, value)
    if "street_id" in changes:
        community.street = street  # the answer names the new street
    db.session.flush()
    audit.record(
        actor,
        "community.update",
        "community",
        community.id,
        community_id=community.id,
        before=before,
        after=dict(changes),
    )
    return community


def _validate_polygon(polygon: dict | None) -> None:
    if polygon is None:
        return
    ring = (polygon.get("coordinates") or [None])[0] if polygon.get("type") == "Polygon" else None
    valid = (
        isinstance(ring, list)
        and len(ring) >= 4
        and ring[0] == ring[-1]
        and all(isinstance(p, list) and len(p) == 2 and all(isinstance(c, (int, float)) for c in p) for p in ring)
    )
    if not valid:
        raise ValidationFailed({"polygon": ["a GeoJSON Polygon with a closed ring of [lng, lat] points"]})


def create_grid(
    actor,
    community_id: int,
    *,
    number: int,
    name: str,
    polygon: dict | None = None,
    responsible_user_id: int | None = None,
) -> Grid:
    access.require_platform_admin(actor)
    get_community(community_id)
    _validate_polygon(polygon)
    if db.session.scalar(select(Grid.id).where(Grid.community_id == community_id, Grid.number == number)):
        raise ValidationFailed({"number": ["this community already has a grid with this number"]})
    grid = Grid(community_id=community_id, number=number, name=name, polygon=polygon)
    db.session.add(grid)
    db.session.flush()
    if responsible_user_id:
        _make_responsible(grid, responsible_user_id)
    audit.record(actor, "grid.create", "grid", grid.id, community_id=community_id, after={"name": name})
    return grid


def update_grid(actor, grid_id: int, changes: dict) -> Grid:
    """Platform admins edit anything; the committee may name the responsible person."""
    grid = get_grid(grid_id)
    if set(changes) - {"responsible_user_id"}:
        access.require_platform_admin(actor)
    elif not getattr(actor, "is_platform_admin", False):
        access.require_committee(actor, grid.community_id)
    before = {"name": grid.name, "responsible_user_id": grid.responsible_user_id}
    if "polygon" in changes:
        _validate_polygon(changes["polygon"])
        grid.polygon = changes["polygon"]
    if "name" in changes:
        grid.name = changes["name"]
    if "responsible_user_id" in changes:
        _make_responsible(grid, changes["responsible_user_id"])
    db.session.flush()
    audit.record(
        actor,
        "grid.update",
        "grid",
        grid.id,
        community_id=grid.community_id,
        before=before,
        after={"name": grid.name, "responsible_user_id": grid.responsible_user_id},
    )
    return grid


def _make_responsible(grid: Grid, user_id: int | None) -> None:
    """The responsible person must be a verified member; they become a grid worker if a resident."""
    if user_id is None:
        grid.responsible_user_id = None
        return
    member = _membership_or_404(grid.community_id, user_id)
    if not member.is_verified:
        raise Conflict("community.not_verified")
    if member.role == "resident":
        member.role = "grid_worker"
    grid.responsible_user_id = user_id


def get_community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound()
    return community


def get_grid(grid_id: int) -> Grid:
    grid = db.session.get(Grid, grid_id)
    if grid is None:
        raise NotFound()
    return grid


def grid_in_community(community_id: int, grid_id: int | None, field: str = "grid_id") -> Grid | None:
    """The grid if it belongs to the community; a grid of another community is bad input."""
    if grid_id is None:
        return None
    grid = db.session.get(Grid, grid_id)
    if grid is None or grid.community_id != community_id:
        raise ValidationFailed({field: ["no such grid in this community"]})
    return grid


def community_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Community))


def list_communities(*, query: str | None, limit: int, cursor: str | None) -> Page:
    stmt = select(Community)
    if query:
        pattern = f"%{query.strip()}%"
        stmt = stmt.where(Community.name.ilike(pattern) | Community.name_en.ilike(pattern))
    page = paginate(stmt, [SortKey(Community.id)], limit=limit, cursor=cursor)
    counts = dict(
        db.session.execute(
            select(Grid.community_id, func.count())
            .where(Grid.community_id.in_([c.id for c in page.items]))
            .group_by(Grid.community_id)
        ).all()
    )
    for community in page.items:
        community.grid_count = counts.get(community.id, 0)
    return page


def list_staff(actor, community_id: int) -> list[Membership]:
    """The verified grid workers and committee members, by name, with the grids each answers for: whom a report
    can be handed to (staff only: a resident needs no list of staff).

    :raises Forbidden: not a verified grid worker or committee member of the community
    """
    access.require_role(actor, community_id, *STAFF_ROLES)
    staff = list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.community_id == community_id,
                Membership.recorded_status == "verified",
                Membership.role.in_(STAFF_ROLES),
            )
            .order_by(Membership.role.desc(), Membership.id)
        )
    )
    answers_for: dict[int, set[int]] = {}
    for grid_id, user_id in db.session.execute(
        select(Grid.id, Grid.responsible_user_id).where(
            Grid.community_id == community_id, Grid.responsible_user_id.is_not(None)
        )
    ):
        answers_for.setdefault(user_id, set()).add(grid_id)
    for member in staff:
        own = {member.grid_id} if member.grid_id else set()
        member.grid_ids = sorted(answers_for.get(member.user_id, set()) | own)
    return staff


# --- memberships -------------------------------------------------------------------------------


def memberships_of(user) -> list[Membership]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)))


def _household(community_id: int, building: str, unit: str, room: str) -> Household:
    """One row per household; normalised so that "3栋" typed twice is the same household.

    Two flatmates joining at the same moment both may try to insert it: the unique constraint lets one
    win, and the other (inside a savepoint) reads the winner's row.
    """
    building, unit, room = (part.strip().upper() for part in (building, unit, room))
    same = (
        Household.community_id == community_id,
        Household.building == building,
        Household.unit == unit,
        Household.room == room,
    )
    found = db.session.scalar(select(Household).where(*same))
    if found:
        return found
    try:
        with db.session.begin_nested():
            household = Household(community_id=community_id, building=building, unit=unit, room=room)
            db.session.add(household)
        return household
    except IntegrityError:
        return db.session.scalar(select(Household).where(*same))


def _use_invite(actor, community_id: int, code: str) -> Invite:
    """Claim the invite for `actor`: one conditional UPDATE (unused, unexpired), so two people typing the same
    code at once cannot both use it.

    :raises ValidationFailed: ``community.invite_unknown`` (also a code of another community)
    :raises Conflict: ``community.invite_used``, ``community.invite_expired``
    """
    invite = db.session.scalar(select(Invite).where(Invite.code == code.strip().upper()))
    if invite is None or invite.community_id != community_id:
        raise ValidationFailed({"invite_code": ["unknown code"]}, code="community.invite_unknown")
    now = utcnow()
    claimed = db.session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(used_by_id=actor.id, used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(invite)
        raise Conflict("community.invite_used" if invite.used_at is not None else "community.invite_expired")
    db.session.refresh(invite)
    return invite


def join(
    actor,
    community_id: int,
    *,
    building: str,
    unit: str,
    room: str,
    grid_id: int | None = None,
    invite_code: str | None = None,
) -> Membership:
    """Join as a resident: pending, or invited (known, not verified) with a verified neighbour's invite code.
    Either way only the committee verifies (confirms the household): a household claim, even one where
    verified residents live, gives no vote and no say in that household until then.

    :raises Conflict: ``community.already_member``, ``community.invite_used``, ``community.invite_expired``
    :raises ValidationFailed: ``community.invite_unknown``, a grid of another community
    """
    access.require_user(actor)
    get_community(community_id)
    if access.membership(actor, community_id):
        raise Conflict("community.already_member")
    grid = grid_in_community(community_id, grid_id)
    invite = _use_invite(actor, community_id, invite_code) if invite_code else None
    member = Membership(
        user_id=actor.id,
        community_id=community_id,
        role="resident",
        household=_household(community_id, building, unit, room),
        grid=grid,
        invited_by_id=invite.created_by_id if invite else None,
    )
    MEMBERSHIP_STATES.move(member, "join", to="invited" if invite else "pending")
    db.session.add(member)
    db.session.flush()
    from backend.communities.household_claims import announce_claim  # (it imports nothing of this module)

    announce_claim(member)  # the verified residents of that flat are asked to agree (issue 15)
    name_warnings.warn_committee(member)  # a name imitating a committee member's: the committee is told (issue 15)
    return member


def list_members(
    actor,
    community_id: int,
    *,
    status: str | None,
    limit: int,
    cursor: str | None,
    roles: list[str] | None = None,
    name: str | None = None,
) -> Page:
    """Members with household and contact, who invited them (and who invited that person...), and how many
    verified residents already live in the household they claim: the committee's verification work. `roles`
    and `name` (a part of the display name) narrow it for owner pickers, which would otherwise see only the
    first page of a large community."""
    _require_committee_or_platform_admin(actor, community_id)
    stmt = select(Membership).where(Membership.community_id == community_id)
    if status:
        stmt = stmt.where(Membership.status == status)
    if roles:
        stmt = stmt.where(Membership.role.in_(roles))
    if name and name.strip():
        stmt = stmt.where(display_name_of(Membership.user_id).ilike(_contains(name.strip()), escape="\\"))
    page = paginate(stmt, [SortKey(Membership.id)], limit=limit, cursor=cursor)
    present(actor, page.items)
    return page


def _contains(term: str) -> str:
    """A LIKE pattern for "contains `term` as typed": LIKE's own characters (%, _) taken literally."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def present(actor, members: list[Membership]) -> list[Membership]:
    """`can` of each member, for the committee (or a platform admin) who manages them, `imitates`: the
    committee member whose name this member's name looks like (a warning before verifying them), the invite
    chain and the household's verified residents. A few queries for the whole page, however long the chains."""
    committee_names: dict[int, list[tuple[int, str, str]]] = {}
    _attach_invite_chains(members)
    _attach_household_residents(members)
    for member in members:
        manager = getattr(actor, "is_platform_admin", False) or access.is_committee(actor, member.community_id)
        member.can = {
            "verify": manager and MEMBERSHIP_STATES.allows(member, "verify"),
            "reject": manager and MEMBERSHIP_STATES.allows(member, "reject"),
            "set_role": manager and member.is_verified,
        }
        if member.community_id not in committee_names:
            committee_names[member.community_id] = name_warnings.committee_skeletons(member.community_id)
        member.imitates = _imitated(member, committee_names[member.community_id]) if manager else None
    return members


def _attach_invite_chains(members: list[Membership]) -> None:
    """`invite_chain`: who invited each member, who invited that person, ... (nearest first, at most
    INVITE_CHAIN_DEPTH people, a loop cut where it closes): one query per step back, for the whole page."""
    if not members:
        return
    community_id = members[0].community_id
    inviter_of: dict[int, int | None] = {m.user_id: m.invited_by_id for m in members}
    wanted = {i for i in inviter_of.values() if i is not None}
    for _ in range(INVITE_CHAIN_DEPTH):
        wanted -= set(inviter_of)
        if not wanted:
            break
        rows = db.session.execute(
            select(Membership.user_id, Membership.invited_by_id).where(
                Membership.community_id == community_id, Membership.user_id.in_(wanted)
            )
        ).all()
        found = dict(rows)
        for user_id in wanted:
            inviter_of[user_id] = found.get(user_id)
        wanted = {i for i in found.values() if i is not None}
    chains = {}
    for member in members:
        chain, seen, current = [], {member.user_id}, member.invited_by_id
        while current is not None and current not in seen and len(chain) < INVITE_CHAIN_DEPTH:
            chain.append(current)
            seen.add(current)
            current = inviter_of.get(current)
        chains[member.user_id] = chain
    people = users_by_id({i for chain in chains.values() for i in chain})
    for member in members:
        member.invite_chain = [people[i] for i in chains[member.user_id] if i in people]
        member.invited_by = member.invite_chain[0] if member.invite_chain else None


def _attach_household_residents(members: list[Membership]) -> None:
    """`household_residents`: how many verified residents other than the member live in the household they
    claim (a claim on a family's flat is verified only after the committee has asked them)."""
    households = {m.household_id for m in members if m.household_id is not None}
    rows = (
        db.session.execute(
            select(Membership.household_id, Membership.user_id).where(
                Membership.household_id.in_(households), Membership.recorded_status == "verified"
            )
        ).all()
        if households
        else []
    )
    for member in members:
        member.household_residents = sum(
            1 for household_id, user_id in rows if household_id == member.household_id and user_id != member.user_id
        )


def _imitated(member: Membership, committee: list[tuple[int, str, str]]) -> str | None:
    """None for committee members themselves (name_warnings.imitated_name for the rule)."""
    if member.role == "committee":
        return None
    return name_warnings.imitated_name(member.user_id, member.user.display_name if member.user else "", committee)


def get_membership(membership_id: int) -> Membership | None:
    return db.session.get(Membership, membership_id)


def _membership_or_404(community_id: int, user_id: int) -> Membership:
    member = db.session.scalar(
        select(Membership).where(Membership.community_id == community_id, Membership.user_id == user_id)
    )
    if member is None:
        raise NotFound()
    return member


def _require_committee_or_platform_admin(actor, community_id: int) -> None:
    """Platform admins act where a community has no committee yet (appointing the first member)."""
    access.require_user(actor)
    if not actor.is_platform_admin:
        access.require_committee(actor, community_id)


def verify_member(actor, community_id: int, user_id: int) -> Membership:
    """Committee confirms a pending or invited resident and their household: they may now vote, post and help.

    :raises Conflict: ``membership.invalid_transition``
    """
    _require_committee_or_platform_admin(actor, community_id)
    member = _membership_or_404(community_id, user_id)
    before, _ = MEMBERSHIP_STATES.move(member, "verify")
    member.verified_at, member.verified_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record(
        actor,
        "member.verify",
        "user",
        user_id,
        community_id=community_id,
        before={"status": before},
        after={"status": "verified"},
    )
    notify(
        [user_id],
        "membership_verified",
        {"community_id": community_id, "community_name": member.community.name},
        community_id=community_id,
    )
    return present(actor, [member])[0]


def reject_member(actor, community_id: int, user_id: int, reason: str) -> None:
    """The committee refuses a membership it has not verified (pending or invited), saying why: the membership
    is deleted (the person may join again, with the right flat), the person is told the reason, and the
    refusal is audited. An unused invite of theirs goes with it (they were never verified, so they had none).

    :raises Conflict: ``membership.invalid_transition`` (a verified or suspended member: suspend instead)
    """
    _require_committee_or_platform_admin(actor, community_id)
    member = _membership_or_404(community_id, user_id)
    MEMBERSHIP_STATES.check(member, "reject")
    before = {"status": member.status, "invited_by_id": member.invited_by_id}
    community_name = member.community.name
    # Conditional: a verification that got there first wins, and this refusal is then a 409.
    deleted = db.session.execute(
        delete(Membership)
        .where(Membership.id == member.id, Membership.recorded_status.in_(MEMBERSHIP_STATES.sources("reject")))
        .execution_options(synchronize_session=False)
    ).rowcount
    if deleted != 1:
        db.session.refresh(member)
        raise MEMBERSHIP_STATES.refuse(member.status, "reject")
    db.session.expunge(member)
    audit.record(
        actor,
        "member.reject",
        "user",
        user_id,
        community_id=community_id,
        before=before,
        after={"status": "rejected"},
        reason=reason,
    )
    notify(
        [user_id],
        "membership_rejected",
        {"community_id": community_id, "community_name": community_name, "reason": reason},
        community_id=community_id,
    )


def set_role(actor, community_id: int, user_id: int, role: str, grid_ids: list[int] | None = None) -> Membership:
    """Committee sets a verified member's role; a grid worker may be named responsible for grids.

    :raises Conflict: ``community.not_verified``, ``community.last_committee_member``
    """
    _require_committee_or_platform_admin(actor, community_id)
    if role not in ASSIGNABLE_ROLES:
        raise ValidationFailed({"role": [f"one of {', '.join(ASSIGNABLE_ROLES)}"]})
    member = _membership_or_404(community_id, user_id)
    if member.status != "verified":
        raise Conflict("community.not_verified")
    if member.role == "committee" and role != "committee" and _committee_count(community_id) <= 1:
        raise Conflict("community.last_committee_member")
    before = {"role": member.role}
    member.role = role
    grids = [grid_in_community(community_id, gid, "grid_ids") for gid in grid_ids or []]
    if role == "grid_worker":
        for grid in grids:
            grid.responsible_user_id = user_id
    else:  # stepping down from grid work hands the grids back to the committee until someone is named
        for grid in db.session.scalars(
            select(Grid).where(Grid.community_id == community_id, Grid.responsible_user_id == user_id)
        ):
            grid.responsible_user_id = None
    db.session.flush()
    audit.record(
        actor,
        "member.set_role",
        "user",
        user_id,
        community_id=community_id,
        before=before,
        after={"role": role, "grid_ids": [g.id for g in grids]},
    )
    return present(actor, [member])[0]


def _committee_count(community_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.community_id == community_id, Membership.role == "committee", Membership.status == "verified")
    )


def suspend_member(community_id: int, user_id: int, until) -> Membership:
    """Suspended members read but cannot post, vote or sign up until `until` (moderation decides who)."""
    member = _membership_or_404(community_id, user_id)
    member.suspend(until)
    db.session.flush()
    return member


def lift_suspension(community_id: int, user_id: int) -> Membership:
    member = _membership_or_404(community_id, user_id)
    if member.recorded_status == "suspended":  # an expired one too: the job may not have run yet
        member.end_suspension()
        db.session.flush()
    return member


def lift_expired_suspensions(now=None) -> int:
    """Job: write down the end of every suspension whose time is up (reads already show it lifted).

    One conditional UPDATE: a suspension the committee lifted or renewed meanwhile no longer matches.
    """
    now = now or utcnow()
    lifted = (
        update(Membership)
        .where(Membership.recorded_status.in_(MEMBERSHIP_STATES.sources("lift")), Membership.suspended_until <= now)
        .values(
            recorded_status=case(
                (Membership.verified_at.is_not(None), "verified"),
                (Membership.invited_by_id.is_not(None), "invited"),
                else_="pending",
            ),
            suspended_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(lifted).rowcount


def mark_org_admin(community_id: int, user_id: int) -> None:
    """Show a resident as an organisation admin (volunteering decides who; other roles are kept)."""
    member = db.session.scalar(
        select(Membership).where(Membership.community_id == community_id, Membership.user_id == user_id)
    )
    if member is not None and member.role == "resident":
        member.role = "org_admin"
        db.session.flush()


def create_invite(actor, community_id: int) -> Invite:
    """A verified resident vouches for a neighbour: a single-use code valid for a week. The neighbour who joins
    with it is invited (known), not verified. Invited members cannot invite: only the committee's
    verification starts a chain.

    :raises Conflict: ``community.invite_limit``: already `max_open_invites` (community setting, default 3)
        codes unused and unexpired
    """
    inviter = access.require_verified(actor, community_id)
    # Serialise one person's invites (PostgreSQL row lock; SQLite writes one at a time anyway), so that
    # parallel requests cannot all pass the count below.
    db.session.execute(select(Membership.id).where(Membership.id == inviter.id).with_for_update())
    limit = int(get_community(community_id).setting("max_open_invites", DEFAULT_MAX_OPEN_INVITES))
    open_invites = db.session.scalar(
        select(func.count())
        .select_from(Invite)
        .where(
            Invite.community_id == community_id,
            Invite.created_by_id == actor.id,
            Invite.used_at.is_(None),
            Invite.expires_at > utcnow(),
        )
    )
    if open_invites >= limit:
        raise Conflict("community.invite_limit", limit=limit)
    days = current_app.config["INVITE_TTL_DAYS"]
    invite = Invite(
        community_id=community_id,
        created_by_id=actor.id,
        code="".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH)),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invite)
    db.session.flush()
    return invite


def community_member_ids(
    community_id: int,
    *,
    grid_ids: list[int] | None = None,
    verified_only: bool = True,
    roles: tuple[str, ...] | None = None,
) -> list[int]:
    """User ids of a community (or some of its grids), for notification fan-out."""
    stmt = select(Membership.user_id).where(Membership.community_id == community_id)
    if verified_only:
        stmt = stmt.where(Membership.status == "verified")
    if grid_ids:
        stmt = stmt.where(Membership.grid_id.in_(grid_ids))
    if roles:
        stmt = stmt.where(Membership.role.in_(roles))
    return list(db.session.scalars(stmt))


def verified_household_count(community_id: int, grid_id: int | None = None) -> int:
    """Households with at least one verified member (for thresholds and "one vote per household")."""
    stmt = select(func.count(func.distinct(Membership.household_id))).where(
        Membership.community_id == community_id, Membership.status == "verified", Membership.household_id.is_not(None)
    )
    if grid_id is not None:
        stmt = stmt.where(Membership.grid_id == grid_id)
    return db.session.scalar(stmt)


def verified_member_count(community_id: int, grid_id: int | None = None) -> int:
    stmt = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.community_id == community_id, Membership.status == "verified")
    )
    if grid_id is not None:
        stmt = stmt.where(Membership.grid_id == grid_id)
    return db.session.scalar(stmt)


def verified_member_households(community_id: int, grid_id: int | None = None) -> list[tuple[int, int | None]]:
    """(user id, household id) of every verified member (of a grid), for per-voter or per-household work."""
    stmt = select(Membership.user_id, Membership.household_id).where(
        Membership.community_id == community_id, Membership.status == "verified"
    )
    if grid_id is not None:
        stmt = stmt.where(Membership.grid_id == grid_id)
    return [tuple(row) for row in db.session.execute(stmt)]


def committee_member_ids(community_id: int) -> list[int]:
    return community_member_ids(community_id, roles=("committee",))


def memberships_by_user(community_id: int, user_ids) -> dict[int, Membership]:
    """The memberships of these people in the community, by user id (people who are not members are
    absent): for rules that weigh who acted (status, role, household, how long they have been members)."""
    ids = set(user_ids)
    if not ids:
        return {}
    found = db.session.scalars(
        select(Membership).where(Membership.community_id == community_id, Membership.user_id.in_(ids))
    )
    return {member.user_id: member for member in found}


def verified_members_at(community_id: int, building: str, unit: str, room: str) -> list[Membership]:
    """The verified members of the community who live at this address (the register suggests linking its record
    of a person to one of their accounts)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Household, Household.id == Membership.household_id)
            .where(
                Membership.community_id == community_id,
                Membership.status == "verified",
                Household.building == building,
                Household.unit == unit,
                Household.room == room,
            )
            .order_by(Membership.user_id)
        )
    )


def _erase_household_links(user) -> None:
    for member in memberships_of(user):
        member.household_id = None
    db.session.flush()


def refuse_if_suspended(actor, community_id: int) -> None:
    """A suspended member writes nothing in the community, follows included.

    :raises Forbidden: reason ``suspended``
    """
    member = access.membership(actor, community_id)
    if member is not None and member.status == "suspended":
        raise Forbidden(reason="suspended")


def is_suspended_anywhere(user) -> bool:
    """Suspended in any community: writes that belong to no one community (blocks) are refused."""
    return any(member.status == "suspended" for member in memberships_of(user))


register_account_eraser(_erase_household_links)
register_follow_guard(refuse_if_suspended)
register_profile_part("memberships", memberships_of)
register_account_eraser(_erase_appointments)
register_profile_part("official_regions", regions_of)
