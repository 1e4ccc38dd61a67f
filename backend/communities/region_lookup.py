"""Regions and the communities under them, for domains above (agencies: who may register what, where)."""

from __future__ import annotations

from sqlalchemy import or_, select

from backend.communities.models import Community, Region
from backend.core.errors import NotFound
from backend.extensions import db


def get_region(region_id: int) -> Region:
    """:raises NotFound: no such street or district"""
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotFound()
    return region


def community_ids_in_region(region_id: int) -> list[int]:
    """The communities under a street, or under every street of a district."""
    streets = select(Region.id).where(or_(Region.id == region_id, Region.parent_id == region_id))
    return list(db.session.scalars(select(Community.id).where(Community.street_id.in_(streets))))


def related_region_ids(region_id: int) -> list[int]:
    """The region, its district (for a street) and its streets (for a district)."""
    region = get_region(region_id)
    below = list(db.session.scalars(select(Region.id).where(Region.parent_id == region.id)))
    return [region.id, *([region.parent_id] if region.parent_id else []), *below]


def communities_by_id(community_ids) -> dict[int, Community]:
    wanted = set(community_ids)
    if not wanted:
        return {}
    return {c.id: c for c in db.session.scalars(select(Community).where(Community.id.in_(wanted)))}
