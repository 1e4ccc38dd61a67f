"""The map's tile source, from the deployment's settings (MAP_TILES_*): pure functions of the config.

Tianditu and AMap are the mainland providers; any OpenStreetMap-compatible URL template works too. AMap's
tiles are drawn in GCJ-02 (the mainland's offset datum): the PWA shifts WGS-84 points onto them and a placed
pin back. Tianditu draws in CGCS2000, which is within centimetres of WGS-84: no shift. Positions are always
stored in WGS-84.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

PROVIDERS = ("none", "tianditu", "amap", "osm")
CRS = ("wgs84", "gcj02")

# Every provider's layers: URL templates in Leaflet's syntax ({s} subdomain, {x} {y} {z}, {key}).
_TIANDITU = "https://t{s}.tianditu.gov.cn/DataServer?T={layer}&x={x}&y={y}&l={z}&tk={key}"
_PRESETS = {
    "tianditu": {
        # the base map and, above it, its labels (Chinese; English labels exist only at small scales)
        "layers": [_TIANDITU.replace("{layer}", "vec_w"), _TIANDITU.replace("{layer}", "cva_w")],
        "subdomains": "01234567",
        "crs": "wgs84",
        "attribution": "© 天地图 Tianditu",
        "needs_key": True,
        "max_zoom": 18,
    },
    "amap": {
        "layers": ["https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"],
        "subdomains": "1234",
        "crs": "gcj02",
        "attribution": "© 高德地图 AutoNavi",
        "needs_key": False,
        "max_zoom": 18,
    },
}
_HOST = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$")


class MapSettingsError(ValueError):
    """A MAP_TILES_* setting the app refuses to start with (the message says which and why)."""


def tile_source(config) -> dict:
    """What the PWA needs to draw tiles: provider, layers (URL templates), subdomains, crs, attribution.

    :raises MapSettingsError: an unknown provider, a missing key or URL, a URL that is not http(s) with
        {x}, {y} and {z}, an unknown CRS
    """
    provider = (config.get("MAP_TILES") or "none").strip().lower()
    if provider not in PROVIDERS:
        raise MapSettingsError(f"MAP_TILES must be one of {', '.join(PROVIDERS)}, not {provider!r}")
    if provider == "none":
        return {"provider": "none", "layers": [], "subdomains": "", "crs": "wgs84", "attribution": "", "max_zoom": 19}
    if provider == "osm":
        url = config.get("MAP_TILES_URL")
        if not url:
            raise MapSettingsError("MAP_TILES=osm needs MAP_TILES_URL (e.g. https://tile.example.org/{z}/{x}/{y}.png)")
        preset = {
            "layers": [url],
            # Leaflet's own default when the template has {s} and no subdomains are given
            "subdomains": config.get("MAP_TILES_SUBDOMAINS") or ("abc" if "{s}" in url else ""),
            "crs": "wgs84",
            "attribution": "© OpenStreetMap contributors",
            "needs_key": "{key}" in url,
            "max_zoom": 19,
        }
    else:
        preset = _PRESETS[provider]
    key = config.get("MAP_TILES_KEY") or ""
    if preset["needs_key"] and not key:
        raise MapSettingsError(f"MAP_TILES={provider} needs MAP_TILES_KEY (the provider's browser key)")
    crs = (config.get("MAP_TILES_CRS") or preset["crs"]).strip().lower()
    if crs not in CRS:
        raise MapSettingsError(f"MAP_TILES_CRS must be one of {', '.join(CRS)}, not {crs!r}")
    layers = [template.replace("{key}", key) for template in preset["layers"]]
    for template in layers:
        _check_template(template)
    return {
        "provider": provider,
        "layers": layers,
        "subdomains": preset["subdomains"],
        "crs": crs,
        "attribution": config.get("MAP_TILES_ATTRIBUTION") or preset["attribution"],
        "max_zoom": min(int(config.get("MAP_TILES_MAX_ZOOM") or preset["max_zoom"]), preset["max_zoom"]),
    }


def _check_template(template: str) -> None:
    parts = urlsplit(template.replace("{s}", "a"))
    if parts.scheme not in ("https", "http") or not all(p in template for p in ("{x}", "{y}", "{z}")):
        raise MapSettingsError("a tile URL must be http(s) and contain {x}, {y} and {z}")
    if not _HOST.match(parts.netloc.lower()):
        raise MapSettingsError(f"a tile URL's host must be a plain host name, not {parts.netloc!r}")


def tile_origins(source: dict) -> list[str]:
    """The exact origins the tiles come from (each subdomain spelled out): what the CSP's img-src adds."""
    origins: list[str] = []
    for template in source["layers"]:
        for sub in source["subdomains"] or [""]:
            parts = urlsplit(template.replace("{s}", sub))
            origin = f"{parts.scheme}://{parts.netloc.lower()}"
            if origin not in origins:
                origins.append(origin)
    return origins
