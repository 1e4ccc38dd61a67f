"""A community on a map: its grids, the report board's pins and the upcoming activities, as the viewer may see
them; the grid at a point (the hint of the report form). Read through each domain's services only."""

from __future__ import annotations

from flask import current_app

from backend.communities import services as communities
from backend.maps.tiles import tile_source
from backend.reports import places
from backend.reports import services as reports
from backend.volunteering import services as volunteering

LAYERS = ("reports", "activities")
# The board's newest pins: a community has a few hundred open reports at most; older ones are on the list.
MAP_REPORT_LIMIT = 500
MAP_ACTIVITY_LIMIT = 100


def tile_settings() -> dict:
    """The deployment's tile source (validated when the app started)."""
    return tile_source(current_app.config)


def grid_at_point(actor, community_id: int, *, lat: float, lng: float):
    """The grid a report placed at (lat, lng) in WGS-84 would be routed to: the same lookup as a new report's.

    :raises NotFound: no such community
    """
    communities.get_community(community_id)
    return {"grid": places.grid_at(community_id, lat, lng)}


def community_map(
    actor,
    community_id: int,
    *,
    layers: str | None = None,
    status: str | None = None,
    category: str | None = None,
    grid_id: int | None = None,
    overdue: bool | None = None,
) -> dict:
    """The community's grids, and the board's reports (the same filters as the list, each at the position
    this viewer may see: exact for the reporter, the assignee and the committee, the centre of a ~100 m cell
    for others, none where the community keeps reports to their grid) and its upcoming activities (at their
    own point, else the centre of their grid).

    :raises NotFound: no such community
    """
    community = communities.get_community(community_id)
    layers = layers.split(",") if layers else LAYERS
    result = {
        "grids": sorted(community.grids, key=lambda g: g.number),
        "position_mode": community.setting("report_position", "rounded"),
        "reports": [],
        "reports_truncated": False,
        "activities": [],
    }
    if "reports" in layers:
        page = reports.list_reports(
            actor,
            community_id,
            status=status,
            category=category,
            grid_id=grid_id,
            overdue=overdue,
            limit=MAP_REPORT_LIMIT,
        )
        result["reports"], result["reports_truncated"] = page.items, page.next_cursor is not None
    if "activities" in layers:
        page = volunteering.list_community_activities(actor, community_id, grid_id=grid_id, limit=MAP_ACTIVITY_LIMIT)
        centres = {grid.id: polygon_centre(grid.polygon) for grid in community.grids}
        for activity in page.items:
            # Its own point (a public place: exact for everyone), else the centre of its first mapped grid.
            own = (activity.lat, activity.lng) if activity.lat is not None else None
            activity.map_position = own or next((centres[g] for g in activity.grid_ids if centres.get(g)), None)
        result["activities"] = page.items
    return result


def polygon_centre(polygon: dict | None) -> tuple[float, float] | None:
    """(lat, lng) of the centroid of a GeoJSON Polygon's outer ring (planar: grids are a few hundred metres
    wide), or None without a usable polygon."""
    if not polygon or polygon.get("type") != "Polygon" or not polygon.get("coordinates"):
        return None
    try:
        ring = [(float(point[0]), float(point[1])) for point in polygon["coordinates"][0]]
    except (TypeError, ValueError, IndexError, KeyError):
        return None  # a grid drawn badly is left off the map rather than failing it
    if len(ring) < 3:
        return None
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-15:  # a degenerate ring: the mean of its points
        return (round(sum(p[1] for p in ring) / len(ring), 6), round(sum(p[0] for p in ring) / len(ring), 6))
    return (round(cy / (3 * area), 6), round(cx / (3 * area), 6))
