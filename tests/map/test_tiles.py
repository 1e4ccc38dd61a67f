"""The tile source is a setting: presets, a custom OpenStreetMap-compatible template, refused settings, and the
CSP's img-src that allows exactly the configured tile hosts (and none when no tiles are configured)."""

from __future__ import annotations

import pytest

from backend import CONTENT_SECURITY_POLICY, create_app
from backend.maps.tiles import MapSettingsError, tile_origins, tile_source
from tests.conftest import SuiteConfig


def img_src(policy: str) -> list[str]:
    (directive,) = [d.strip() for d in policy.split(";") if d.strip().startswith("img-src")]
    return directive.split()[1:]


def directives(policy: str, *, but: str) -> dict:
    parsed = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    parsed.pop(but)
    return parsed


def test_no_tiles_by_default_and_the_csp_is_unchanged(client):
    """Out of the box: no tile provider, no external host in any policy."""
    assert client.get("/api/v1/map/tiles").json == {
        "provider": "none",
        "layers": [],
        "subdomains": "",
        "crs": "wgs84",
        "attribution": "",
        "max_zoom": 19,
    }
    assert client.get("/").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert img_src(CONTENT_SECURITY_POLICY) == ["'self'", "data:", "blob:"]


class AmapConfig(SuiteConfig):
    MAP_TILES = "amap"


def test_a_configured_provider_is_allowed_exactly_in_img_src():
    """With AMap configured: its four tile hosts in img-src, nothing else added, no other directive touched."""
    app = create_app(AmapConfig)
    policy = app.test_client().get("/reports").headers["Content-Security-Policy"]
    assert img_src(policy) == ["'self'", "data:", "blob:"] + [
        f"https://webrd0{n}.is.autonavi.com" for n in (1, 2, 3, 4)
    ]
    assert directives(policy, but="img-src") == directives(CONTENT_SECURITY_POLICY, but="img-src")
    tiles = app.test_client().get("/api/v1/map/tiles").json
    assert tiles["crs"] == "gcj02" and tiles["subdomains"] == "1234"
    assert tiles["layers"][0].startswith("https://webrd0{s}.is.autonavi.com/appmaptile?")


def test_tianditu_needs_its_key_and_draws_in_wgs84():
    """Tianditu: the key goes into both layers' URLs; its CGCS2000 tiles take WGS-84 points unshifted."""
    with pytest.raises(MapSettingsError, match="MAP_TILES_KEY"):
        tile_source({"MAP_TILES": "tianditu"})
    source = tile_source({"MAP_TILES": "tianditu", "MAP_TILES_KEY": "abc123"})
    assert source["crs"] == "wgs84" and len(source["layers"]) == 2
    assert all(layer.endswith("&tk=abc123") for layer in source["layers"])
    assert "T=vec_w" in source["layers"][0] and "T=cva_w" in source["layers"][1]
    assert tile_origins(source) == [f"https://t{n}.tianditu.gov.cn" for n in range(8)]


def test_an_osm_compatible_template_with_its_own_attribution_and_crs():
    source = tile_source(
        {
            "MAP_TILES": "osm",
            "MAP_TILES_URL": "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
            "MAP_TILES_ATTRIBUTION": "© Example",
            "MAP_TILES_CRS": "GCJ02",
            "MAP_TILES_MAX_ZOOM": 17,
        }
    )
    assert (source["attribution"], source["crs"], source["max_zoom"], source["subdomains"]) == (
        "© Example",
        "gcj02",
        17,
        "abc",
    )
    assert tile_origins(source) == [f"https://{s}.tiles.example.org" for s in "abc"]
    plain = tile_source({"MAP_TILES": "osm", "MAP_TILES_URL": "https://tiles.example.org:8443/{z}/{x}/{y}.png"})
    assert tile_origins(plain) == ["https://tiles.example.org:8443"]


@pytest.mark.parametrize(
    "settings, complaint",
    [
        ({"MAP_TILES": "google"}, "MAP_TILES must be"),
        ({"MAP_TILES": "osm"}, "MAP_TILES_URL"),
        ({"MAP_TILES": "osm", "MAP_TILES_URL": "ftp://t.example.org/{z}/{x}/{y}.png"}, "http"),
        ({"MAP_TILES": "osm", "MAP_TILES_URL": "https://t.example.org/{z}/{x}.png"}, "{y}"),
        # a host that would write its own CSP directive is refused, not pasted into the header
        ({"MAP_TILES": "osm", "MAP_TILES_URL": "https://t.example.org;script-src *;/{z}/{x}/{y}.png"}, "host"),
        ({"MAP_TILES": "osm", "MAP_TILES_URL": "https://user@t.example.org/{z}/{x}/{y}.png"}, "host"),
        ({"MAP_TILES": "amap", "MAP_TILES_CRS": "bd09"}, "MAP_TILES_CRS"),
    ],
)
def test_settings_that_cannot_work_stop_the_app_from_starting(settings, complaint):
    with pytest.raises(MapSettingsError, match=complaint):
        tile_source(settings)


def test_a_refused_setting_stops_create_app():
    class Broken(SuiteConfig):
        MAP_TILES = "osm"

    with pytest.raises(MapSettingsError):
        create_app(Broken)
