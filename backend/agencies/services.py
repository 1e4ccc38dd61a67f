"""Agencies: registered by platform admins and the officials of a street or district, serving communities under
that region, with their own staff accounts. Reports use `serves`, `is_member`, `member_ids` and `agencies_by_id`
to transfer reports to them (backend.reports.transfers)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from backend.accounts.services import find_user_by_login, register_account_eraser, users_by_id
from backend.agencies.models import KINDS, Agency, AgencyCommunity, AgencyMember
from backend.audit import services as audit
from backend.communities import access, region_lookup
from backend.core import actors
from backend.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    register_field_messages,
    register_messages,
)
from backend.core.unique import find_or_insert
from backend.extensions import db

register_messages(
    "agency",
    {
        "name_taken": {
            "zh-CN": ("名称已被使用", "这个街道或区已经登记了同名的部门。"),
            "en": ("Name taken", "An agency of this name is already registered in this region."),
        },
    },
)
register_field_messages(
    {
        "a community under this region": "请选择本街道（或本区）下的社区。",
        "no such account": "没有这个账号。",
        "give user_id or login, not both": "请填写账号编号或手机号/邮箱，二选一。",
    }
)

__all__ = ["KINDS"]


# --- who may do what ---------------------------------------------------------------------------------


def _region_or_404(region_id: int):
    return region_lookup.get_region(region_id)


def get_agency(agency_id: int) -> Agency:
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound()
    return agency


def require_registrar(actor, region_id: int):
    """A platform admin, or an official of the region (or of the district above a street): registers agencies
    there and manages their staff.

    :raises Forbidden: ``official_required``
    """
    return access.require_region_reader(actor, region_id)


def is_member(actor, agency_id: int | None) -> bool:
    """Whether the actor is staff of the agency (a deleted account has no memberships left)."""
    if agency_id is None or not actors.is_signed_in(actor):
        return False
    found = db.session.scalar(
        select(AgencyMember.id).where(AgencyMember.agency_id == agency_id, AgencyMember.user_id == actor.id)
    )
    return found is not None


def member_agency_ids(actor) -> set[int]:
    if not actors.is_signed_in(actor):
        return set()
    return set(db.session.scalars(select(AgencyMember.agency_id).where(AgencyMember.user_id == actor.id)))


def require_member(actor, agency_id: int) -> Agency:
    """Staff of the agency.

    :raises NotFound: no such agency
    :raises Forbidden: ``agency_member_required``
    """
    access.require_user(actor)
    agency = get_agency(agency_id)
    if not is_member(actor, agency.id):
        raise Forbidden(reason="agency_member_required")
    return agency


def require_member_or_registrar(actor, agency_id: int) -> Agency:
    access.require_user(actor)
    agency = get_agency(agency_id)
    if not is_member(actor, agency.id):
        require_registrar(actor, agency.region_id)
    return agency


def serves(agency_id: int, community_id: int) -> bool:
    found = db.session.scalar(
        select(AgencyCommunity.id).where(
            AgencyCommunity.agency_id == agency_id, AgencyCommunity.community_id == community_id
        )
    )
    return found is not None


def member_ids(agency_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(AgencyMember.user_id).where(AgencyMember.agency_id == agency_id).order_by(AgencyMember.id)
        )
    )


def agencies_by_id(agency_ids) -> dict[int, Agency]:
    wanted = {i for i in agency_ids if i is not None}
    if not wanted:
        return {}
    return {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(wanted)))}


def region_community_ids(region_id: int) -> list[int]:
    """The communities under a street, or under every street of a district."""
    return region_lookup.community_ids_in_region(region_id)


# --- registering ------------------------------------------------------------------------------------


def _communities_under(region_id: int, community_ids: list[int]) -> list[int]:
    wanted = sorted(set(community_ids))
    under = set(region_community_ids(region_id))
    if any(cid not in under for cid in wanted):
        raise ValidationFailed({"community_ids": ["a community under this region"]})
    return wanted


def _set_communities(agency: Agency, community_ids: list[int]) -> None:
    db.session.execute(delete(AgencyCommunity).where(AgencyCommunity.agency_id == agency.id))
    db.session.add_all([AgencyCommunity(agency_id=agency.id, community_id=cid) for cid in community_ids])


def _flush_unique_name() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("agency.name_taken") from None


def create_agency(actor, region_id: int, *, name: str, kind: str, community_ids: list[int]) -> Agency:
    """Register an agency at a street or district, serving some of its communities (platform admin, the
    region's officials, the district's; audited).

    :raises Forbidden: ``official_required``
    :raises ValidationFailed: a community not under the region
    :raises Conflict: ``agency.name_taken``
    """
    region = _region_or_404(region_id)
    require_registrar(actor, region.id)
    served = _communities_under(region.id, community_ids)
    name = name.strip()
    if db.session.scalar(select(Agency.id).where(Agency.region_id == region.id, Agency.name == name)):
        raise Conflict("agency.name_taken")
    agency = Agency(region_id=region.id, name=name, kind=kind, created_by_id=actor.id)
    db.session.add(agency)
    _flush_unique_name()  # two registrars at once: the unique constraint keeps one
    _set_communities(agency, served)
    db.session.flush()
    audit.record(
        actor,
        "agency.create",
        "agency",
        agency.id,
        community_id=None,
        after={"region_id": region.id, "name": name, "kind": kind, "community_ids": served},
    )
    return agency


def update_agency(actor, agency_id: int, changes: dict) -> Agency:
    """Rename an agency, change its kind or the communities it serves (its registrars; audited). Reports already
    transferred stay with it.

    :raises ValidationFailed: a community not under the region
    :raises Conflict: ``agency.name_taken``
    """
    access.require_user(actor)
    agency = get_agency(agency_id)
    require_registrar(actor, agency.region_id)
    before = {"name": agency.name, "kind": agency.kind, "community_ids": served_community_ids(agency.id)}
    if "community_ids" in changes:
        _set_communities(agency, _communities_under(agency.region_id, changes["community_ids"]))
    if "name" in changes:
        agency.name = changes["name"].strip()
    if "kind" in changes:
        agency.kind = changes["kind"]
    _flush_unique_name()
    after = {"name": agency.name, "kind": agency.kind, "community_ids": served_community_ids(agency.id)}
    audit.record(actor, "agency.update", "agency", agency.id, community_id=None, before=before, after=after)
    return agency


def served_community_ids(agency_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(AgencyCommunity.community_id)
            .where(AgencyCommunity.agency_id == agency_id)
            .order_by(AgencyCommunity.community_id)
        )
    )


def _account(user_id: int | None, login: str | None):
    if (user_id is None) == (login is None):
        raise ValidationFailed({"user_id": ["give user_id or login, not both"]})
    user = users_by_id([user_id]).get(user_id) if user_id is not None else find_user_by_login(login)
    if user is None or user.deleted_at is not None:
        raise ValidationFailed({"user_id" if user_id is not None else "login": ["no such account"]})
    return user


def add_member(actor, agency_id: int, *, user_id: int | None = None, login: str | None = None) -> AgencyMember:
    """Make an account (by id, or by phone or e-mail) staff of the agency (its registrars; audited). Adding
    someone twice answers the existing membership.

    :raises ValidationFailed: no such account
    """
    access.require_user(actor)
    agency = get_agency(agency_id)
    require_registrar(actor, agency.region_id)
    user = _account(user_id, login)
    member, added = find_or_insert(AgencyMember, {"agency_id": agency.id, "user_id": user.id}, added_by_id=actor.id)
    if added:
        audit.record(actor, "agency.member_add", "agency", agency.id, community_id=None, after={"user_id": user.id})
    return member


def remove_member(actor, agency_id: int, user_id: int) -> None:
    """:raises NotFound: not staff of this agency"""
    access.require_user(actor)
    agency = get_agency(agency_id)
    require_registrar(actor, agency.region_id)
    removed = db.session.execute(
        delete(AgencyMember).where(AgencyMember.agency_id == agency.id, AgencyMember.user_id == user_id)
    ).rowcount
    if not removed:
        raise NotFound()
    audit.record(actor, "agency.member_remove", "agency", agency.id, community_id=None, before={"user_id": user_id})


# --- reading ---------------------------------------------------------------------------------------------


def _with_details(agencies: list[Agency], *, members: bool) -> list[Agency]:
    ids = [a.id for a in agencies]
    pairs = (
        db.session.execute(
            select(AgencyCommunity.agency_id, AgencyCommunity.community_id).where(AgencyCommunity.agency_id.in_(ids))
        ).all()
        if ids
        else []
    )
    found = region_lookup.communities_by_id(cid for _, cid in pairs)
    served: dict[int, list] = {}
    for agency_id, community_id in pairs:
        served.setdefault(agency_id, []).append(found[community_id])
    for communities in served.values():
        communities.sort(key=lambda c: (c.name, c.id))
    counts = dict(
        db.session.execute(
            select(AgencyMember.agency_id, func.count())
            .where(AgencyMember.agency_id.in_(ids))
            .group_by(AgencyMember.agency_id)
        ).all()
    )
    for agency in agencies:
        agency.communities = served.get(agency.id, [])
        agency.member_count = counts.get(agency.id, 0)
        if members:
            agency.members = list(
                db.session.scalars(
                    select(AgencyMember).where(AgencyMember.agency_id == agency.id).order_by(AgencyMember.id)
                )
            )
    return agencies


def list_for_region(actor, region_id: int) -> list[Agency]:
    """The agencies registered at a street (and at its district), or at a district and its streets (its
    registrars and the officials above)."""
    region = _region_or_404(region_id)
    require_registrar(actor, region.id)
    related = region_lookup.related_region_ids(region.id)
    agencies = list(db.session.scalars(select(Agency).where(Agency.region_id.in_(related)).order_by(Agency.name)))
    return _with_details(agencies, members=False)


def list_for_community(community_id: int) -> list[Agency]:
    """Who serves a community (published: anyone; the transfer picker and the responsibility list use it)."""
    if not region_lookup.communities_by_id([community_id]):
        raise NotFound()
    agencies = list(
        db.session.scalars(
            select(Agency)
            .join(AgencyCommunity, AgencyCommunity.agency_id == Agency.id)
            .where(AgencyCommunity.community_id == community_id)
            .order_by(Agency.kind, Agency.name)
        )
    )
    return _with_details(agencies, members=False)


def serving_any(community_ids: list[int]) -> list[Agency]:
    """The agencies serving at least one of these communities (the league table's rows), by name."""
    if not community_ids:
        return []
    serving = select(AgencyCommunity.agency_id).where(AgencyCommunity.community_id.in_(community_ids))
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(serving)).order_by(Agency.name)))


def agency_detail(actor, agency_id: int) -> Agency:
    """One agency with its communities and staff (its staff and registrars)."""
    agency = require_member_or_registrar(actor, agency_id)
    return _with_details([agency], members=True)[0]


def my_agencies(actor) -> list[Agency]:
    """The agencies the signed-in person works for (the PWA's entry to their inbox)."""
    access.require_user(actor)
    agencies = list(
        db.session.scalars(
            select(Agency)
            .join(AgencyMember, AgencyMember.agency_id == Agency.id)
            .where(AgencyMember.user_id == actor.id)
            .order_by(Agency.name)
        )
    )
    return _with_details(agencies, members=False)


def _erase_memberships(user) -> None:
    """A deleted account works for no agency."""
    db.session.execute(delete(AgencyMember).where(AgencyMember.user_id == user.id))


register_account_eraser(_erase_memberships)
