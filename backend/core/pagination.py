"""Keyset (cursor) pagination: stable under inserts, O(limit) at any depth.

A cursor is the sort-key values of the last item returned, base64url-encoded JSON. Lists order by
one or more keys ending with a unique one (normally the id), e.g. (created_at desc, id desc).
"""

from __future__ import annotations

import base64
import binascii
import json
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


def _decode(cursor: str, count: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(raw, list) or len(raw) != count:
            raise ValueError
        return [datetime.fromisoformat(v["dt"]) if isinstance(v, dict) and "dt" in v else v for v in raw]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed({"cursor": ["invalid cursor"]}) from None


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
        stmt = stmt.where(_after(keys, _decode(cursor, len(keys))))
    stmt = stmt.order_by(*[k.expression.desc() if k.descending else k.expression.asc() for k in keys])
    result = db.session.execute(stmt.limit(limit + 1))
    rows = list(result.scalars() if scalars else result)
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode([k.read(rows[-1]) for k in keys]) if has_more and rows else None
    return Page(items=rows, next_cursor=next_cursor)
