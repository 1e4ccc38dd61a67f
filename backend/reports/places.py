"""Grids seen from reports: read through the communities services only (never their tables)."""

from __future__ import annotations

from backend.communities import services as communities
from backend.reports.geo import point_in_polygon


def grid_at(community_id: int, lat: float, lng: float):
    """The community's grid whose polygon contains the point (lowest number wins on overlap), or None."""
    for grid in communities.get_community(community_id).grids:
        if point_in_polygon(lng, lat, grid.polygon):
            return grid
    return None


def grid_of_report(community_id: int, *, grid_id: int | None, lat: float | None, lng: float | None):
    """The grid the reporter chose, else the one found from the point, else None (the committee routes)."""
    if grid_id is not None:
        return communities.grid_in_community(community_id, grid_id)
    if lat is not None and lng is not None:
        return grid_at(community_id, lat, lng)
    return None
