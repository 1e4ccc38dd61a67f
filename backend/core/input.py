"""Bounded input: what every request body and query string must be before a schema or the database sees it.

Found by attacking the API (issue 15), each of these was a 500 or, worse, silently stored:

- JSON nested 100,000 deep overflowed Python's parser (RecursionError); a number of 10,000 digits raised
  ValueError; NaN and 1e999 are no JSON at all: now 422;
- an integer of 10^25 reached the database (SQLite cannot bind it; PostgreSQL overflows an INTEGER column
  on insert): every integer that was loaded is bounded, ids (fields named ``id``, ``*_id``, ``*_ids``) by
  the id columns' 2^31-1, everything else by 64 bits: 422 naming the field;
- a NUL byte crashed PostgreSQL's text columns and was stored as is by SQLite: refused in every string.

`BoundedParser` is the webargs parser of every flask-smorest blueprint (installed by `install_parser`, before
any routes module is imported); `BoundedJSONProvider` makes `request.get_json()` parse the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from backend.core.errors import ValidationFailed, register_field_messages
from backend.core.ids import MAX_ID

MAX_DEPTH = 32  # no body of this API nests deeper than a GeoJSON polygon (5 levels)
MAX_INTEGER = 2**63 - 1  # the BIGINT columns (money in cents)
MAX_DIGITS = 20  # more digits than any 64-bit integer has

register_field_messages(
    {
        "nested too deeply": "层级太深。",
        "not a number JSON allows": "不是有效的数字。",
        "number too large": "数字太大。",
        "no NUL characters": "不能包含空字符（NUL）。",
        "not an id": "不是有效的编号。",
    }
)


def _refuse_constant(_name: str):
    raise ValidationFailed({"_schema": ["not a number JSON allows"]})


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ValidationFailed({"_schema": ["number too large"]})
    return int(digits)


def _finite_float(digits: str) -> float:
    value = float(digits)
    if not math.isfinite(value):
        raise ValidationFailed({"_schema": ["not a number JSON allows"]})
    return value


def _depth(value, limit: int) -> int:
    """How deep `value` nests, without recursion (stops counting past `limit`)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def loads(data: str | bytes):
    """json.loads with the bounds above.

    :raises ValidationFailed: nested deeper than MAX_DEPTH, a number JSON does not allow or too long
    :raises json.JSONDecodeError: not JSON (webargs answers 400)
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValidationFailed({"_schema": ["nested too deeply"]}) from None
    if _depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise ValidationFailed({"_schema": ["nested too deeply"]})
    return value


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith(("_id", "_ids"))


def problems(value, name: str = "_schema") -> dict[str, list[str]]:
    """Field errors of loaded data: integers out of bounds, strings with NUL. `name` is the field holding
    `value` (a list's items and a nested object's fields are reported under their own field names)."""
    found: dict[str, list[str]] = {}
    stack = [(value, name)]
    while stack:
        item, field = stack.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            if _is_id(field) and not 0 <= item <= MAX_ID:
                found.setdefault(field, []).append("not an id")
            elif abs(item) > MAX_INTEGER:
                found.setdefault(field, []).append("number too large")
        elif isinstance(item, float) and not math.isfinite(item):
            found.setdefault(field, []).append("not a number JSON allows")
        elif isinstance(item, str) and "\x00" in item:
            found.setdefault(field, []).append("no NUL characters")
        elif isinstance(item, Mapping):
            stack.extend((child, str(key)) for key, child in item.items())
        elif isinstance(item, list | tuple | set):
            stack.extend((child, field) for child in item)
    return {field: sorted(set(messages)) for field, messages in found.items()}


def check(value, name: str = "_schema") -> None:
    """:raises ValidationFailed: see problems()"""
    errors = problems(value, name)
    if errors:
        raise ValidationFailed(errors)


class BoundedParser(FlaskParser):
    """The webargs parser of every blueprint: bounded JSON, then bounded values after the schema loaded them."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return loads(req.get_data(cache=True))

    def _process_location_data(self, location_data, schema, req, location, unknown, validators):
        data = super()._process_location_data(location_data, schema, req, location, unknown, validators)
        check(data)
        return data


class BoundedJSONProvider(DefaultJSONProvider):
    """`request.get_json()` (and anything else reading JSON through the app) with the same bounds."""

    def loads(self, s, **kwargs):
        return loads(s)


def install_parser() -> None:
    """Make BoundedParser the parser of every flask-smorest blueprint. Must run before any routes module is
    imported: `@blp.arguments` binds the parser when the route is decorated."""
    from flask_smorest import Blueprint

    if not isinstance(Blueprint.ARGUMENTS_PARSER, BoundedParser):
        Blueprint.ARGUMENTS_PARSER = BoundedParser()
