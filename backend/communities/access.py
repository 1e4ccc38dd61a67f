"""Who may do what in a community: one helper per rule, called by every domain's services.

Each `require_*` returns the actor's membership (or user) when the rule holds and raises otherwise:
AuthRequired (401) for anonymous actors, Forbidden (403, code ``forbidden`` with a ``reason``) for
signed-in actors who lack the right. `require_user` comes from core.actors (accounts, below communities,
needs it too) and is offered here as well, so that a domain finds every rule in one place.
"""

from __future__ import annotations

import functools

from sqlalchemy import and_, bindparam, event, inspect, or_, select, true
from sqlalchemy.orm import lazyload

from backend.communities.models import Community, Grid, Membership, Region, RegionOfficial
from backend.core.actors import actor_id, is_signed_in, require_user
from backend.core.errors import Forbidden
from backend.extensions import db

_LOADED = "linli_loaded_memberships"
_COMMUNITIES = "linli_loaded_communities"


def membership(actor, community_id: int) -> Membership | None:
    """The actor's membership (None for visitors and outsiders). Only reads: an expired suspension reads as
    lifted (Membership.status) until the lift-suspensions job writes it down."""
    if not is_signed_in(actor):
        return None
    found = _loaded_membership(actor.id, community_id)
    if found is None:
        found = db.session.scalar(_membership_statement(), {"user_id": actor.id, "community_id": community_id})
    if found is not None:
        _remember(found)
    return found


@functools.cache
def _membership_statement():
    """The membership row alone, built once with its values bound (issue 17: "the member, loaded once").

    Membership joins its user, community, household and grid by default; a permission check needs none of
    them (role, status, ids), and the joins cost more than the row. They load on first use instead: the
    user and a community the request already has come from the identity map without a query, a household
    or grid costs one small SELECT for the rare caller that reads it. Built on first use, not at import,
    when every mapper its options name is configured."""
    return (
        select(Membership)
        .options(
            lazyload(Membership.user),
            lazyload(Membership.community),
            lazyload(Membership.household),
            lazyload(Membership.grid),
        )
        .where(Membership.user_id == bindparam("user_id"), Membership.community_id == bindparam("community_id"))
    )


def _loaded_membership(user_id: int, community_id: int) -> Membership | None:
    """The membership this session already loaded for (user, community), while still fresh. A second
    SELECT would return this very object (the identity map does not refresh loaded attributes), so
    skipping it changes nothing but the query count: several permission checks in one request cost one
    query. After a commit or rollback the object is expired and the next check queries again."""
    found = db.session.info.get(_LOADED, {}).get((user_id, community_id))
    if found is None:
        return None
    state = inspect(found)
    if state.expired_attributes or state.deleted or state.was_deleted or state.detached:
        return None
    return found


def _remember(found: Membership) -> None:
    db.session.info.setdefault(_LOADED, {})[(found.user_id, found.community_id)] = found


@event.listens_for(Community, "load")
def _keep_for_the_request(community: Community, context) -> None:
    """Every community a request loads stays in its session's identity map until the request ends.

    The identity map holds objects weakly: a community looked up only to check that it exists is forgotten
    once the caller drops it, and the next `db.session.get(Community, id)` (a list's per-row presentation)
    queries again. The membership used to keep its community alive by joining it; it is loaded lean now, so
    the request keeps its few communities itself (a new session, hence a new request, starts empty)."""
    context.session.info.setdefault(_COMMUNITIES, {})[community.id] = community


def require_member(actor, community_id: int) -> Membership:
    """Any membership (pending and invited included): read members-only content, comment, follow."""
    require_user(actor)
    found = membership(actor, community_id)
    if found is None:
        raise Forbidden(reason="not_a_member")
    return found


def require_active_member(actor, community_id: int) -> Membership:
    """A member who is not suspended: may comment, flag, follow."""
    found = require_member(actor, community_id)
    if found.status == "suspended":
        raise Forbidden(reason="suspended")
    return found


def require_known(actor, community_id: int) -> Membership:
    """Invited by a verified neighbour, or verified (not suspended): support projects, join activities."""
    found = require_active_member(actor, community_id)
    if not found.is_known:
        raise Forbidden(reason="not_verified")
    return found


def require_verified(actor, community_id: int) -> Membership:
    """A verified, not suspended resident: post, vote, aid, volunteer, report, rate."""
    found = require_active_member(actor, community_id)
    if found.status != "verified":
        raise Forbidden(reason="not_verified")
    return found


def require_role(actor, community_id: int, *roles: str) -> Membership:
    found = require_verified(actor, community_id)
    if found.role not in roles:
        raise Forbidden(reason="role_required")
    return found


def require_committee(actor, community_id: int) -> Membership:
    """Committee members: verify, moderate, assign, publish notices, dashboard, export."""
    return require_role(actor, community_id, "committee")


def is_committee(actor, community_id: int) -> bool:
    found = membership(actor, community_id)
    return found is not None and found.is_committee


def is_committee_sql(user_id, community_id, now):
    """SQL: `user_id` is a verified committee member of `community_id` (is_committee's rule, Membership.status's
    reading of an expired suspension included). The arguments may be bound parameters, so that a prebuilt
    statement folds the check in instead of loading the membership (issue 17's reads modules). On the table's
    columns: no ORM entity in the statement, which then runs as plain Core."""
    m = Membership.__table__
    verified = or_(
        m.c.status == "verified",
        and_(m.c.status == "suspended", m.c.suspended_until <= now, m.c.verified_at.is_not(None)),
    )
    return (
        select(m.c.id)
        .where(m.c.user_id == user_id, m.c.community_id == community_id, m.c.role == "committee", verified)
        .exists()
    )


def sees_hidden(actor, author_id: int | None, community_id: int) -> bool:
    """Content moderation hid: its author still sees it (marked hidden), and so does the committee."""
    return (author_id is not None and actor_id(actor) == author_id) or is_committee(actor, community_id)


def unhidden_or_own(actor, community_id: int, is_hidden_column, author_column):
    """The SQL condition of sees_hidden() for lists: hidden rows only for their author (the committee all)."""
    if is_committee(actor, community_id):
        return true()
    return or_(is_hidden_column.is_(False), author_column == actor_id(actor))


def is_grid_responsible(actor, grid: Grid | None) -> bool:
    return grid is not None and is_signed_in(actor) and grid.responsible_user_id == actor.id


def require_grid_worker_or_committee(actor, grid: Grid | None, community_id: int) -> Membership:
    """The responsible person of `grid` (a verified grid worker) or a committee member."""
    found = require_verified(actor, community_id)
    if found.role == "committee" or (found.role == "grid_worker" and is_grid_responsible(actor, grid)):
        return found
    raise Forbidden(reason="role_required")


def require_platform_admin(actor):
    require_user(actor)
    if not actor.is_platform_admin:
        raise Forbidden(reason="platform_admin_required")
    return actor


# --- street and district officials (issue 19) ----------------------------------------------------


def official_region_ids(actor) -> set[int]:
    """The streets and districts the actor officiates (empty for everyone else)."""
    if not is_signed_in(actor):
        return set()
    return set(db.session.scalars(select(RegionOfficial.region_id).where(RegionOfficial.user_id == actor.id)))


def oversees_region(actor, region_id: int) -> bool:
    """An official of the region itself, or of the district a street belongs to."""
    if not is_signed_in(actor):
        return False
    parent = select(Region.parent_id).where(Region.id == region_id).scalar_subquery()
    found = db.session.scalar(
        select(RegionOfficial.id)
        .where(
            RegionOfficial.user_id == actor.id,
            or_(RegionOfficial.region_id == region_id, RegionOfficial.region_id == parent),
        )
        .limit(1)
    )
    return found is not None


def oversees(actor, community_id: int) -> bool:
    """An official of the community's street, or of that street's district: reads the community's figures."""
    if not is_signed_in(actor):
        return False
    street_id = db.session.scalar(select(Community.street_id).where(Community.id == community_id))
    return street_id is not None and oversees_region(actor, street_id)


def require_region_reader(actor, region_id: int):
    """A platform admin, or an official of the region (or of the district above a street).

    :raises Forbidden: reason ``official_required``
    """
    require_user(actor)
    if actor.is_platform_admin or oversees_region(actor, region_id):
        return actor
    raise Forbidden(reason="official_required")


def require_overseer(actor, community_id: int):
    """The community's committee, a platform admin, or an official of the street or district above it: the
    community's aggregate figures (dashboard, trends, grid map, warnings).

    :raises Forbidden: reason ``role_required`` for members, ``official_required`` for everyone else
    """
    require_user(actor)
    if actor.is_platform_admin or is_committee(actor, community_id) or oversees(actor, community_id):
        return actor
    if membership(actor, community_id) is not None:
        return require_committee(actor, community_id)  # says why (not verified, suspended, role)
    raise Forbidden(reason="official_required")
