"""Pure geometry for reports: point in a GeoJSON polygon, distances, bounding boxes."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = 111_320.0


def _in_ring(lng: float, lat: float, ring: list) -> bool:
    """Ray casting: count the ring's edges crossed by a ray going east from the point."""
    inside = False
    count = len(ring)
    for i in range(count):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % count][0], ring[(i + 1) % count][1]
        if (y1 > lat) != (y2 > lat):
            crossing_x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lng < crossing_x:
                inside = not inside
    return inside


def point_in_polygon(lng: float, lat: float, polygon: dict | None) -> bool:
    """True when (lng, lat) is inside a GeoJSON Polygon: in the outer ring and in none of its holes."""
    if not polygon or polygon.get("type") != "Polygon":
        return False
    rings = polygon.get("coordinates") or []
    if not rings or not _in_ring(lng, lat, rings[0]):
        return False
    return not any(_in_ring(lng, lat, hole) for hole in rings[1:])


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) around a point: a cheap indexed prefilter before haversine."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    dlng = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
