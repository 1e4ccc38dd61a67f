"""Pure geometry: ray casting on GeoJSON rings (with holes), haversine, bounding boxes."""

import pytest

from backend.reports import geo

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]],
}
L_SHAPE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 3], [3, 3], [3, 10], [0, 10], [0, 0]]]}


@pytest.mark.parametrize(
    "lng, lat, inside",
    [
        (1, 1, True),
        (9, 9, True),
        (5, 5, False),  # in the hole
        (11, 5, False),
        (-1, 5, False),
        (5, 10.5, False),
    ],
)
def test_point_in_polygon_with_a_hole(lng, lat, inside):
    assert geo.point_in_polygon(lng, lat, SQUARE) is inside


@pytest.mark.parametrize("lng, lat, inside", [(1, 8, True), (8, 1, True), (8, 8, False), (2.9, 2.9, True)])
def test_point_in_a_concave_polygon(lng, lat, inside):
    assert geo.point_in_polygon(lng, lat, L_SHAPE) is inside


@pytest.mark.parametrize("polygon", [None, {}, {"type": "Point", "coordinates": [0, 0]}, {"type": "Polygon"}])
def test_no_polygon_contains_nothing(polygon):
    assert geo.point_in_polygon(1, 1, polygon) is False


def test_haversine_matches_known_distances():
    assert geo.haversine_m(31.23, 121.47, 31.23, 121.47) == 0
    assert geo.haversine_m(31.0, 121.0, 32.0, 121.0) == pytest.approx(111_195, rel=1e-3)
    # 50 m east at Shanghai's latitude
    assert geo.haversine_m(31.23, 121.47, 31.23, 121.47 + 50 / (111_320 * 0.8551)) == pytest.approx(50, abs=0.5)


def test_bounding_box_contains_the_circle():
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(31.23, 121.47, 50)
    assert geo.haversine_m(31.23, 121.47, max_lat, 121.47) == pytest.approx(50, abs=0.5)
    assert geo.haversine_m(31.23, 121.47, 31.23, max_lng) == pytest.approx(50, abs=0.5)
    assert min_lat < 31.23 < max_lat and min_lng < 121.47 < max_lng
