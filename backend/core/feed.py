"""The rows of a person's home page (GET /communities/{cid}/home), one shape for every domain.

Each domain offers its part of the home page as a SELECT of the same labelled columns (`row(...)`), kept
in its own `home.py` beside its models; backend/home unions them into ONE statement (`union`), so the home
page costs a handful of statements whatever the number of domains that fill it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.sql import Select

from backend.core.db import UTCDateTime
from backend.extensions import db


@dataclass(frozen=True)
class Part:
    """One domain's part: a SELECT of `row(...)` columns, the order its rows come in, and how many."""

    select: Select
    order_by: tuple
    limit: int


@dataclass(frozen=True)
class FeedRow:
    section: str  # where it goes on the home page ("notices", "polls", "mine", "grid")
    kind: str  # what it is ("notice", "poll", "report", "aid", "shift", "project", "activity")
    id: int  # the item's id (an activity's for a shift: the screen it opens)
    title: str
    state: str | None  # the item's state word (a status, a method, "urgent"), translated by the client
    at: datetime | None  # the time that matters for it (published, closes, starts, updated)
    detail: str | None  # one more key (a report's category, an aid post's kind, a place)


def _text(value):
    return cast(null(), String) if value is None else type_coerce(value, String)


def row(section: str, kind: str, id_, title, *, state=None, at=None, detail=None) -> tuple:
    """The labelled, typed columns of one feed SELECT (literal strings or column expressions)."""
    when = cast(null(), DateTime(timezone=True)) if at is None else at
    return (
        literal(section, String).label("section"),
        literal(kind, String).label("kind"),
        type_coerce(id_, Integer).label("id"),
        _text(title).label("title"),
        (literal(state, String) if isinstance(state, str) else _text(state)).label("state"),
        type_coerce(when, UTCDateTime()).label("at"),
        _text(detail).label("detail"),
    )


def union(parts: list[Part | None]) -> list[FeedRow]:
    """Run the parts as one UNION ALL statement; rows come part by part, each part in its own order."""
    parts = [part for part in parts if part is not None]
    if not parts:
        return []
    # A LIMIT inside a UNION needs its own subquery; a UNION keeps no order, so each row carries its part's
    # position and its rank within the part (a window function: SQLite 3.25+ and PostgreSQL).
    wrapped = []
    for position, part in enumerate(parts):
        ranked = part.select.add_columns(func.row_number().over(order_by=part.order_by).label("rank"))
        sub = ranked.order_by(*part.order_by).limit(part.limit).subquery()
        wrapped.append(select(literal(position, Integer).label("part"), *sub.c))
    statement = union_all(*wrapped) if len(wrapped) > 1 else wrapped[0]
    rows = db.session.execute(statement).all()
    return [
        FeedRow(r.section, r.kind, r.id, r.title or "", r.state, r.at, r.detail)
        for r in sorted(rows, key=lambda r: (r.part, r.rank))
    ]


def counts(expressions: dict[str, object]) -> dict[str, int]:
    """Several counts (scalar subqueries offered by the domains) in ONE statement: {name: count}."""
    if not expressions:
        return {}
    found = db.session.execute(select(*(expr.label(name) for name, expr in expressions.items()))).one()
    return {name: int(found._mapping[name] or 0) for name in expressions}
