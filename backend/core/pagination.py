"""Keyset (cursor) pagination: stable under inserts, O(limit) at any depth.

A cursor is the sort-key values of the last item returned, base64url-encoded JSON. Lists order by
one or more keys ending with a unique one (normally the id), e.g. (created_at desc, id desc).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import marshmallow as ma
from sqlalchemy import Select, and_, or_

from backend.core.errors import ValidationFailed
from backend.extensions import db

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class SortKey:
    """One ordering key: the SQL expression, its direction, and how to read it off a result."""

    expression: Any
    descending: bool = False
    value_of: Callable[[Any], Any] | None = None

    def read(self, item) -> Any:
        if self.value_of:
            return self.value_of(item)
        return getattr(item, self.expression.key)


@dataclass
class Page:
    items: list
    next_cursor: str | None


class PageArgsSchema(ma.Schema):
    limit = ma.fields.Integer(load_default=DEFAULT_LIMIT, validate=ma.validate.Range(1, MAX_LIMIT))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=500))


def page_schema(item_schema: type[ma.Schema], name: str | None = None) -> type[ma.Schema]:
    """The `{"items": [...], "next_cursor": ...}` envelope for `item_schema`."""
    return type(
        name or f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "next_cursor": ma.fields.String(allow_none=True, required=True),
        },
    )


def _encode(values: list) -> str:
    tagged = [{"dt": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(tagged, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, keys: Sequence[SortKey]) -> list:
    """The sort-key values of a cursor, each of the type its key compares with.

    A cursor comes from the client, so anything may be in it: a string where an id was (PostgreSQL refuses to
    compare them), a list, 10^25, a date without a time zone. Each is refused as an invalid cursor (422).
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(raw, list) or len(raw) != len(keys):
            raise ValueError
        return [_typed(value, _python_type(key)) for key, value in zip(keys, raw, strict=True)]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise ValidationFailed({"cursor": ["invalid cursor"]}) from None


def _python_type(key: SortKey) -> type | None:
    """The Python type the key's column holds (through a TypeDecorator such as UTCDateTime: its impl's)."""
    column_type = getattr(key.expression, "type", None)
    column_type = getattr(column_type, "impl_instance", column_type)
    try:
        return column_type.python_type
    except (AttributeError, NotImplementedError):
        return None


MAX_CURSOR_INTEGER = 2**63 - 1


def _typed(value, expected: type | None):
    """`value` as the key's type, or ValueError. None stays None (a nullable key)."""
    if value is None:
        return None
    # A key whose type SQL does not say (an untyped expression) takes a tagged time as our own cursors write it.
    if expected is datetime or (expected not in (int, float, str) and isinstance(value, dict)):
        if not (isinstance(value, dict) and set(value) == {"dt"} and isinstance(value["dt"], str)):
            raise ValueError
        moment = datetime.fromisoformat(value["dt"])
        if moment.tzinfo is None:
            raise ValueError
        return moment
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError
    if expected is int:
        if not isinstance(value, int) or abs(value) > MAX_CURSOR_INTEGER:
            raise ValueError
    elif expected is float:
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError
    elif expected is str:
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError
    return value


def _after(keys: Sequence[SortKey], values: list):
    """Rows strictly after `values` in the order given by `keys` (directions may differ)."""
    clauses = []
    for position, key in enumerate(keys):
        equal_before = [k.expression == v for k, v in zip(keys[:position], values[:position], strict=False)]
        beyond = key.expression < values[position] if key.descending else key.expression > values[position]
        clauses.append(and_(*equal_before, beyond))
    return or_(*clauses)


def paginate(
    stmt: Select,
    keys: Sequence[SortKey],
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    scalars: bool = True,
) -> Page:
    """Run `stmt` ordered by `keys`, one page after `cursor`."""
    if cursor:
        stmt = stmt.where(_after(keys, _decode(cursor, keys)))
    stmt = stmt.order_by(*[k.expression.desc() if k.descending else k.expression.asc() for k in keys])
    result = db.session.execute(stmt.limit(limit + 1))
    rows = list(result.scalars() if scalars else result)
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode([k.read(rows[-1]) for k in keys]) if has_more and rows else None
    return Page(items=rows, next_cursor=next_cursor)
