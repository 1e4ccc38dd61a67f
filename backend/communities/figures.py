"""Aggregate figures of memberships and grids for insights (owned by insights; SQL aggregates, plain dicts).

Keyed (community_id, grid_id | None, None) like the other domains' figures modules.
"""

from __future__ import annotations

from sqlalchemy import func, select

from backend.communities.models import Community, Grid, Membership, Region
from backend.core.sql import aggregate, facts, keyed, merge_into
from backend.extensions import db


def member_figures(community_ids: list[int], *, by: str | None = None) -> dict[tuple, dict]:
    """Verified residents and households (with at least one verified member) now, per community or grid."""
    inner = (
        select(
            *facts(
                Membership.community_id,
                key=Membership.grid_id if by == "grid" else None,
                user=Membership.user_id,
                household=Membership.household_id,
            )
        )
        .where(Membership.community_id.in_(community_ids), Membership.status == "verified")
        .subquery()
    )
    return keyed(
        db.session.execute(
            aggregate(
                inner,
                verified_residents=lambda c: func.count(c.user),
                verified_households=lambda c: func.count(func.distinct(c.household)),
            )
        )
    )


def voter_breakdown(voters_select, *, by: str | None = None) -> dict[tuple, dict]:
    """Ballots and distinct voting households per community (or per the voter's grid).

    `voters_select` is a SELECT of (community_id, user_id), one row per ballot (from the voting domain);
    it is joined here in SQL to each voter's membership of that community.
    """
    cast_ballots = voters_select.subquery("cast_ballots")
    inner = (
        select(
            *facts(
                cast_ballots.c.community_id,
                key=Membership.grid_id if by == "grid" else None,
                user=cast_ballots.c.user_id,
                household=Membership.household_id,
            )
        )
        .join(
            Membership,
            (Membership.user_id == cast_ballots.c.user_id) & (Membership.community_id == cast_ballots.c.community_id),
        )
        .subquery()
    )
    return keyed(
        db.session.execute(
            aggregate(
                inner,
                member_ballots=lambda c: func.count(c.user),
                voting_households=lambda c: func.count(func.distinct(c.household)),
            )
        )
    )


def participation(community_ids: list[int], voters_select, *, by: str | None = None) -> dict[tuple, dict]:
    found = member_figures(community_ids, by=by)
    return merge_into(found, voter_breakdown(voters_select, by=by))


def grids_of(community_id: int) -> list[dict]:
    """The community's grids with polygon and responsible person's display name (for the map)."""
    grids = db.session.scalars(select(Grid).where(Grid.community_id == community_id).order_by(Grid.number))
    return [
        {
            "id": g.id,
            "number": g.number,
            "name": g.name,
            "polygon": g.polygon,
            "responsible": (
                {"id": g.responsible.id, "display_name": g.responsible.display_name}
                if g.responsible is not None
                else None
            ),
        }
        for g in grids
    ]


def grid_names(community_ids: list[int]) -> dict[int, dict]:
    rows = db.session.execute(
        select(Grid.id, Grid.number, Grid.name, Grid.community_id).where(Grid.community_id.in_(community_ids))
    )
    return {r.id: {"id": r.id, "number": r.number, "name": r.name} for r in rows}


def region_and_communities(region_id: int) -> tuple[Region | None, list[Community]]:
    """A district or street and the communities below it (a district's through its streets)."""
    region = db.session.get(Region, region_id)
    if region is None:
        return None, []
    street_ids = (
        [region.id]
        if region.kind == "street"
        else list(db.session.scalars(select(Region.id).where(Region.parent_id == region.id)))
    )
    communities = list(
        db.session.scalars(select(Community).where(Community.street_id.in_(street_ids)).order_by(Community.id))
    )
    return region, communities


def all_community_ids() -> list[int]:
    return list(db.session.scalars(select(Community.id).order_by(Community.id)))
