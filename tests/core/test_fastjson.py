"""orjson for responses (backend/core/fastjson.py): the same bytes as Flask's provider for what the API
sends, the same fallbacks for what orjson would write differently, the provider's reading untouched."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from backend.core.fastjson import with_orjson_responses


@dataclasses.dataclass
class Point:
    x: int
    label: str


PAYLOADS = [
    {"items": [{"id": 1, "title": "楼道灯不亮", "can": {"edit": True}, "score": None}], "next_cursor": None},
    [1, 2.5, -0.1, 10**15, 'a"b\\c\n\u2028', True, False, None, {}],
    {"when": datetime(2026, 12, 6, 5, 30, tzinfo=UTC), "day": date(2026, 12, 6)},
    {"money": Decimal("12.50"), "id": uuid.UUID(int=7), "point": Point(3, "三")},
    {1: "int key", "nested": {"deep": [[["x"]]]}},
    {"huge": 2**70},
]


def _apps():
    ours, flasks = Flask("ours"), Flask("flasks")
    ours.json, flasks.json = with_orjson_responses(DefaultJSONProvider)(ours), DefaultJSONProvider(flasks)
    for app in (ours, flasks):
        app.json.sort_keys = False
        app.json.ensure_ascii = False
    return ours, flasks


@pytest.mark.parametrize("payload", PAYLOADS)
def test_responses_are_byte_identical_to_flasks(payload):
    ours, flasks = _apps()
    with ours.app_context():
        fast = ours.json.response(payload)
    with flasks.app_context():
        reference = flasks.json.response(payload)
    assert fast.get_data() == reference.get_data()
    assert fast.mimetype == reference.mimetype == "application/json"


def test_a_value_nobody_can_write_fails_as_before():
    ours, _ = _apps()
    with ours.app_context(), pytest.raises(TypeError):
        ours.json.response({"x": object()})


def test_the_providers_own_reading_is_kept():
    class Strict(DefaultJSONProvider):
        def loads(self, s, **kwargs):
            raise ValueError("refused")

    app = Flask("strict")
    app.json = with_orjson_responses(Strict)(app)
    with pytest.raises(ValueError, match="refused"):
        app.json.loads("{}")


def test_the_app_writes_with_orjson_and_still_reads_bounded(app):
    from backend.core.fastjson import OrjsonResponses
    from backend.core.input import BoundedJSONProvider

    assert isinstance(app.json, OrjsonResponses) and isinstance(app.json, BoundedJSONProvider)
