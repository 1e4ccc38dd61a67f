"""WGS-84 ⇄ GCJ-02 in the PWA (pwa/js/map/coords.js over the vendored gcoord), run in Node: published reference
points, round trips across mainland China, no offset outside it, nothing changed for WGS-84 tiles."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

COORDS = Path(__file__).resolve().parents[2] / "pwa" / "js" / "map" / "coords.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None, reason="Node.js is not installed: the PWA's conversion runs in JavaScript"
)


def run(calls: list[list]) -> list:
    """[[function, lat, lng, crs], ...] → their results, computed by coords.js."""
    script = (
        f"import * as c from {json.dumps(COORDS.as_uri())};\n"
        f"const calls = {json.dumps(calls)};\n"
        "console.log(JSON.stringify(calls.map(([f, lat, lng, crs]) => c[f](lat, lng, crs))));\n"
    )
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


def test_published_reference_points():
    """Beijing (116.404, 39.915), as published with wandergis/coordtransform (test/app.js): WGS-84 → GCJ-02
    exactly; GCJ-02 → WGS-84 within 1 m of its one-step inverse (ours iterates, so it is closer still)."""
    forward, backward = run([["toDisplay", 39.915, 116.404, "gcj02"], ["fromDisplay", 39.915, 116.404, "gcj02"]])
    assert forward == pytest.approx([39.91640428150164, 116.41024449916938], abs=1e-9)
    assert backward == pytest.approx([39.91359571849836, 116.39775550083061], abs=1e-5)


def test_the_offset_is_hundreds_of_metres_in_shanghai():
    ((lat, lng),) = run([["toDisplay", 31.2304, 121.4737, "gcj02"]])
    shift_m = (((lat - 31.2304) * 111_320) ** 2 + ((lng - 121.4737) * 95_180) ** 2) ** 0.5
    assert 300 < shift_m < 800


def test_a_placed_pin_comes_back_to_where_it_was():
    """A point shown on GCJ-02 tiles and read back off them is the same WGS-84 point (to 6 decimals, ~0.1 m)."""
    points = [(lat, lng) for lat in (18.25, 22.54, 31.23, 39.91, 45.75, 52.97) for lng in (87.6, 104.07, 121.47, 126.6)]
    shown = run([["toDisplay", lat, lng, "gcj02"] for lat, lng in points])
    back = run([["fromDisplay", lat, lng, "gcj02"] for lat, lng in shown])
    for (lat, lng), (lat2, lng2) in zip(points, back, strict=True):
        assert abs(lat - lat2) <= 2e-6 and abs(lng - lng2) <= 2e-6, (lat, lng, lat2, lng2)


def test_no_offset_outside_mainland_china_or_on_wgs84_tiles():
    tokyo, paris, same = run(
        [
            ["toDisplay", 35.6812, 139.7671, "gcj02"],
            ["toDisplay", 48.8584, 2.2945, "gcj02"],
            ["toDisplay", 31.23, 121.47, "wgs84"],
        ]
    )
    assert tokyo == [35.6812, 139.7671] and paris == [48.8584, 2.2945] and same == [31.23, 121.47]
    assert run([["fromDisplay", 31.2304163, 121.4737019, "wgs84"]]) == [[31.230416, 121.473702]]
