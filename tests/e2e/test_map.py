"""The residents' map in the browser, under the real CSP: a pin placed by tapping and dragging on GCJ-02 tiles is
stored in WGS-84 with the grid the form named; the board's list / map toggle keeps the filter; a report's page
shows a neighbour only its ~100 m cell. Tiles cannot be fetched here: a GCJ-02 provider is stood in for by
same-origin tile URLs the test answers (and records)."""

from __future__ import annotations

import base64
import json
import math
import re
import uuid

import pytest

from .helpers import open_app, sign_in, use_chinese_without_care_mode
from .test_phone_defects import CSP_WATCH, call, go, wait_for_worker

pytestmark = pytest.mark.e2e

# a 1x1 transparent PNG
TILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def stand_in_gcj02_tiles(page, base: str) -> list[str]:
    """Answer /api/v1/map/tiles as an AMap-like GCJ-02 provider whose tiles are same-origin URLs; return the
    list the tile requests are recorded in."""
    requested: list[str] = []
    source = {
        "provider": "amap",
        "layers": [f"{base}/e2e-tiles/{{s}}/{{z}}/{{x}}/{{y}}.png"],
        "subdomains": "12",
        "crs": "gcj02",
        "attribution": "© 测试底图 <b>bold</b>",  # a setting's text: shown as written, never as markup
        "max_zoom": 18,
    }
    page.route("**/api/v1/map/tiles", lambda route: route.fulfill(json=source))

    def tile(route):
        requested.append(route.request.url)
        route.fulfill(body=TILE, content_type="image/png")

    page.route("**/e2e-tiles/**", tile)
    return requested


def metres(a, b) -> float:
    return math.hypot((a[0] - b[0]) * 111_320, (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0])))


@pytest.fixture
def page(new_context, new_page):
    """A phone under the app's real CSP (the suite's default context bypasses it), without the service worker
    (its fetches would pass the test's stand-in tile source by)."""
    strict = new_page(new_context(bypass_csp=False, service_workers="block"))
    strict.add_init_script(CSP_WATCH)
    return strict


def wait_for_attribute_change(locator, name: str, before: str | None, timeout_s: float = 5.0) -> str:
    """Poll from Python: wait_for_function evaluates strings, which the real CSP forbids."""
    for _ in range(int(timeout_s * 10)):
        value = locator.get_attribute(name)
        if value and value != before:
            return value
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"{name} stayed {before!r}")


def test_a_pin_placed_and_dragged_on_gcj02_tiles_is_stored_in_wgs84_with_the_grid_shown(page, live_server):
    tiles = stand_in_gcj02_tiles(page, live_server)
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    description = f"井盖松动（地图测试 {uuid.uuid4().hex[:6]}）"
    open_app(page, "/report")
    page.wait_for_selector("#report-form .chips .chip")
    page.click("#report-form .chips .chip >> nth=0")
    page.fill("textarea[name=description]", description)

    page.click("#rp-place-on-map")
    page.wait_for_selector("#rp-pin-map .leaflet-tile-loaded", state="attached", timeout=20_000)
    page.wait_for_timeout(500)  # the grids are fitted once they arrive
    page.locator("#rp-pin-map").scroll_into_view_if_needed()
    box = page.locator("#rp-pin-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.45)  # tap: the pin
    pin = page.locator("#rp-pin-map .map-pin--place")
    pin.wait_for()
    tapped = page.locator("#rp-pin-map").get_attribute("data-pin-shown")
    # drag it 40 px right and 30 px down
    icon = pin.bounding_box()
    x, y = icon["x"] + icon["width"] / 2, icon["y"] + icon["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 4 * step, y + 3 * step)
    page.mouse.up()
    wait_for_attribute_change(page.locator("#rp-pin-map"), "data-pin-shown", tapped)
    hint = page.locator("#rp-pin-hint[data-grid-id]")
    hint.wait_for(timeout=10_000)
    hinted_grid = int(hint.get_attribute("data-grid-id"))
    assert re.search(r"所属网格：.+", hint.text_content())
    shown = tuple(float(v) for v in page.locator("#rp-pin-map").get_attribute("data-pin-shown").split(","))
    credit = page.locator("#rp-pin-map .leaflet-control-attribution")
    assert "© 测试底图 <b>bold</b>" in credit.text_content() and credit.locator("b").count() == 0

    with page.expect_response(
        lambda r: re.search(r"/api/v1/communities/\d+/reports$", r.url) and r.request.method == "POST"
    ) as sent:
        page.click("#report-form button[type=submit]")
    assert sent.value.status == 201, sent.value.text()
    posted = json.loads(sent.value.request.post_data)
    stored = sent.value.json()

    # stored in WGS-84: the point drawn on the GCJ-02 tiles, shifted back (a few hundred metres in Shanghai)
    assert stored["position_precision"] == "exact"
    point = (stored["lat"], stored["lng"])
    assert (posted["lat"], posted["lng"]) == point
    assert 300 < metres(point, shown) < 800
    redrawn = page.evaluate(
        "async ([lat, lng]) => (await import('/js/map/coords.js')).toDisplay(lat, lng, 'gcj02')", list(point)
    )
    assert metres(redrawn, shown) < 0.5
    # the grid the form named is the grid the report went to, and the one the server finds at the point
    assert stored["grid"]["id"] == hinted_grid
    found = call(page, "GET", f"/api/v1/communities/1/grids/at?lat={point[0]}&lng={point[1]}")["body"]["grid"]
    assert found["id"] == hinted_grid

    # the tiles were asked for with the provider's template: subdomain, zoom, column, row
    assert tiles and all(re.search(r"/e2e-tiles/[12]/1[4-8]/\d+/\d+\.png$", url) for url in tiles), tiles[:3]
    # the report's page shows its reporter the exact point on the map
    page.wait_for_url(re.compile(rf"/reports/{stored['id']}$"))
    page.wait_for_selector("#rp-position-map .map-pin--place", state="attached", timeout=15_000)
    assert page.evaluate("window.__csp") == []


def test_the_board_and_the_map_are_two_views_of_the_same_filter(page):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    open_app(page, "/reports?status=submitted")
    page.wait_for_selector("#report-list")
    with page.expect_response(re.compile(r"/api/v1/communities/\d+/map\?")) as answer:
        page.click(".rp-view [data-view=map]")
    assert "status=submitted" in answer.value.url
    page.wait_for_url(re.compile(r"/reports/map\?status=submitted$"))
    page.wait_for_selector("#community-map .leaflet-marker-icon", state="attached", timeout=15_000)
    body = answer.value.json()
    assert body["reports"] and {r["status"] for r in body["reports"]} == {"submitted"}
    # the grids are drawn and named, with no tiles configured (a plain background)
    assert page.locator("#community-map.map--plain path.map-grid").count() == len(body["grids"])
    assert page.locator("#community-map .map-grid-label").first.text_content()
    # back to the list with the same filter
    page.click(".rp-view [data-view=list]")
    page.wait_for_url(re.compile(r"/reports\?status=submitted$"))
    assert page.evaluate("window.__csp") == []


def test_a_neighbour_sees_a_reports_cell_not_its_point(page):
    sign_in(page, "neighbour1@demo.linli")
    reports = call(page, "GET", "/api/v1/communities/1/reports?limit=50")["body"]["items"]
    report = next(r for r in reports if r["lat"] is not None and r["position_precision"] == "rounded")
    open_app(page, f"/reports/{report['id']}")
    page.wait_for_selector("#rp-position-map path.map-cell", state="attached", timeout=15_000)
    assert page.locator("#rp-position-map .map-pin--place").count() == 0
    assert "100" in page.locator("#rp-position .map-note").text_content()
    assert page.evaluate("window.__csp") == []


def test_the_map_still_draws_offline_from_what_was_seen(new_page, context):
    """Offline, the board's map draws its grids and pins from the service worker's copies (no tiles needed)."""
    phone = new_page()  # the suite's default phone: its service worker is allowed
    sign_in(phone, "resident@demo.linli")
    use_chinese_without_care_mode(phone)
    wait_for_worker(phone)
    go(phone, "/reports/map")
    phone.wait_for_selector("#community-map path.map-grid", state="attached", timeout=15_000)
    online_pins = phone.locator("#community-map .leaflet-marker-icon").count()
    context.set_offline(True)
    try:
        go(phone, "/")
        go(phone, "/reports/map")
        phone.wait_for_selector("#community-map path.map-grid", state="attached", timeout=15_000)
        assert phone.locator("#community-map .leaflet-marker-icon").count() == online_pins > 0
        assert "地图加载失败" not in phone.locator("main").inner_text()
    finally:
        context.set_offline(False)
