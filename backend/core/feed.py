"""The rows of a person's home page (GET /communities/{cid}/home), one shape for every domain.

Each domain offers its part of the home page as a SELECT of the same labelled columns (`row(...)`), kept
in its own `home.py` beside its models; backend/home unions them into ONE statement (`prebuild`), so the
home page costs a handful of statements whatever the number of domains that fill it.

The parts are written over BOUND PARAMETERS, never over a member's values (issue 17): a part depends only on
the member's `Shape` (verified or not, with a grid or not, with a household or not), so backend/home builds
the UNION once per shape and each request only binds values and executes it (SQLAlchemy's cache key and
compilation, 36% of the page's CPU when the statement was rebuilt per request, are then paid once). The
values a part may bind are named here; `binds(member, now, since)` computes them:

- `community_id`, `user_id`, `grid_id`, `household_id`: the member's (grid and household only in a shape
  that has them);
- `voter_u`, `voter_h`: the member's keys on a roll (polls, surveys), `u{user_id}` and `h{household_id}`;
- `now`: the time of the request; `since`: the start of "new in my grid";
- a part's own moments before `now` (`Part.before_now`, e.g. the reports' "recently closed").

Parts select table columns (SQLAlchemy Core, not ORM attributes), so executing skips the ORM's compile and
loading steps; their rows are plain tuples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.sql import Select

from backend.core.db import UTCDateTime
from backend.extensions import db

COMMUNITY = bindparam("community_id", type_=Integer)
USER = bindparam("user_id", type_=Integer)
GRID = bindparam("grid_id", type_=Integer)
HOUSEHOLD = bindparam("household_id", type_=Integer)
VOTER_U = bindparam("voter_u", type_=String)
VOTER_H = bindparam("voter_h", type_=String)
NOW = bindparam("now", type_=UTCDateTime())
SINCE = bindparam("since", type_=UTCDateTime())


def before_now(name: str):
    """The bound parameter of a part's own moment before `now` (declare it in `Part.before_now`)."""
    return bindparam(name, type_=UTCDateTime())


@dataclass(frozen=True)
class Shape:
    """What a member's home statement depends on besides bound values (a handful of shapes in all)."""

    verified: bool
    has_grid: bool
    has_household: bool

    @classmethod
    def of(cls, member) -> Shape:
        return cls(member.status == "verified", member.grid_id is not None, member.household_id is not None)


@dataclass(frozen=True)
class Part:
    """One domain's part: a SELECT of `row(...)` columns, the order its rows come in, and how many; and the
    moments before `now` it binds, {name: how long before}."""

    select: Select
    order_by: tuple
    limit: int
    before_now: tuple[tuple[str, timedelta], ...] = ()


@dataclass(frozen=True)
class Prebuilt:
    """A home statement built once: the UNION and the moments its parts bind."""

    statement: Select
    before_now: tuple[tuple[str, timedelta], ...]


def word(value: str):
    """A constant word of the code (a section, a kind, a status) written into the SQL itself: a bound parameter
    would be processed on every execution, and a tuple of them in IN (...) rewrites the SQL each time."""
    if not re.fullmatch(r"[a-z_]+", value):
        raise ValueError(f"not a plain word: {value!r}")
    return literal_column(f"'{value}'", String)


def words(values) -> list:
    """Constant words for IN (...): `column.in_(feed.words(STATUSES))`."""
    return [word(value) for value in values]


def _text(value):
    return cast(null(), String) if value is None else type_coerce(value, String)


def row(section: str, kind: str, id_, title, *, state=None, at=None, detail=None) -> tuple:
    """The labelled, typed columns of one feed SELECT (literal strings or column expressions)."""
    when = cast(null(), DateTime(timezone=True)) if at is None else at
    return (
        word(section).label("section"),
        word(kind).label("kind"),
        type_coerce(id_, Integer).label("id"),
        _text(title).label("title"),
        (word(state) if isinstance(state, str) else _text(state)).label("state"),
        type_coerce(when, UTCDateTime()).label("at"),
        _text(detail).label("detail"),
    )


def prebuild(parts: list[Part | None]) -> Prebuilt | None:
    """The parts as one UNION ALL statement, each row carrying its part's position and its rank in the part."""
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    # A LIMIT inside a UNION needs its own subquery; a UNION keeps no order, so each row carries its part's
    # position and its rank within the part (a window function: SQLite 3.25+ and PostgreSQL).
    wrapped = []
    for position, part in enumerate(parts):
        ranked = part.select.add_columns(func.row_number().over(order_by=part.order_by).label("rank"))
        sub = ranked.order_by(*part.order_by).limit(part.limit).subquery()
        wrapped.append(select(literal_column(str(position), Integer).label("part"), *sub.c))
    statement = union_all(*wrapped) if len(wrapped) > 1 else wrapped[0]
    moments = {name: delta for part in parts for name, delta in part.before_now}
    return Prebuilt(statement, tuple(moments.items()))


def binds(member, now: datetime, since: datetime) -> dict:
    """The values of the common bound parameters for this member (those their shape does not use are None)."""
    household = member.household_id
    return {
        "community_id": member.community_id,
        "user_id": member.user_id,
        "grid_id": member.grid_id,
        "household_id": household,
        "voter_u": f"u{member.user_id}",
        "voter_h": None if household is None else f"h{household}",
        "now": now,
        "since": since,
    }


def run(prebuilt: Prebuilt | None, values: dict) -> list:
    """Execute a prebuilt UNION with the member's values: rows (section, kind, id, title, state, at, detail)
    part by part, each part in its own order."""
    if prebuilt is None:
        return []
    now = values["now"]
    params = {**values, **{name: now - delta for name, delta in prebuilt.before_now}}
    rows = db.session.connection().execute(prebuilt.statement, params).all()
    rows.sort(key=lambda r: (r[0], r[-1]))  # (part, rank)
    return rows


def counts_statement(expressions: dict[str, object]) -> Select:
    """Several counts (scalar subqueries offered by the domains) as ONE statement, to build once."""
    return select(*(expr.label(name) for name, expr in expressions.items()))


def counts(statement: Select, values: dict) -> dict[str, int]:
    """Run a counts statement: {name: count}, in the statement's order."""
    found = db.session.connection().execute(statement, values).one()
    return {name: int(value or 0) for name, value in found._mapping.items()}
