"""SQL expressions that differ between SQLite and PostgreSQL, and aggregate helpers that must not."""

from collections.abc import Iterator

from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    Select,
    case,
    cast,
    func,
    literal,
    select,
)

from backend.extensions import db

IN_CHUNK = 900  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


def chunks(items: list, size: int = IN_CHUNK) -> Iterator[list]:
    """`items` in slices short enough for one IN (...) list each."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def month_of(column):
    """'YYYY-MM' of a UTC timestamp column, for GROUP BY month on either database."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


# --- aggregates that must give the same answer on both databases (insights, exports) ----------


def epoch_seconds(column):
    """Whole seconds since 1970 of a UTC timestamp column (fractions dropped on both databases, so that
    durations, and the percentiles of them, are the same integers on SQLite and PostgreSQL)."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", column)), BigInteger)
    return cast(func.strftime("%s", column), Integer)


def bucket_of(column, boundaries):
    """Index i of the half-open interval [boundaries[i], boundaries[i + 1]) holding `column` (weeks, months).

    A plain CASE, so it is the same on every database; filter rows to [boundaries[0], boundaries[-1]) first.
    """
    whens = [(column < edge, index) for index, edge in enumerate(boundaries[1:-1])]
    return case(*whens, else_=len(boundaries) - 2) if whens else literal(0)


def percentiles(inner, value: str, fractions: dict[str, float], keys: list[str] | None = None) -> Select:
    """Continuous percentiles of `inner.c[value]` per group of `inner.c[keys]`, one row per group:
    the key columns (default: its dimensions), ``n`` and one column per name in `fractions`
    (e.g. {"p50": 0.5, "p90": 0.9}).

    Definition (PostgreSQL's percentile_cont, i.e. linear interpolation between closest ranks): with the
    n values sorted v[0] <= ... <= v[n-1], pos = p * (n - 1), lo = floor(pos); the result is
    v[lo] + (pos - lo) * (v[lo + 1] - v[lo]) (just v[lo] when pos is whole). PostgreSQL computes it with
    percentile_cont WITHIN GROUP; SQLite with ROW_NUMBER()/COUNT() window functions and the same
    double-precision arithmetic in the same order, so both return the same float. Null values are skipped.
    `inner` is a subquery: grouping by its plain columns avoids repeating bound parameters in GROUP BY.
    """
    keys = [c.name for c in dimensions_of(inner)] if keys is None else keys
    key_columns = [inner.c[k] for k in keys]
    measured = inner.c[value]
    if db.engine.dialect.name == "postgresql":
        as_double = cast(measured, Float(precision=53))
        return (
            select(
                *key_columns,
                func.count(measured).label("n"),
                *[func.percentile_cont(p).within_group(as_double).label(name) for name, p in fractions.items()],
            )
            .where(measured.is_not(None))
            .group_by(*key_columns)
        )
    ranked = (
        select(
            *key_columns,
            measured.label("v"),
            func.row_number().over(partition_by=key_columns or None, order_by=measured).label("rn"),
            func.count().over(partition_by=key_columns or None).label("n"),
        )
        .where(measured.is_not(None))
        .subquery("ranked")
    )
    n = func.max(ranked.c.n)
    columns = []
    for name, p in fractions.items():
        position = (ranked.c.n - 1) * literal(float(p), Float)  # per row; the same for every row of a group
        low_rank = cast(position, Integer) + 1
        low = func.max(case((ranked.c.rn == low_rank, ranked.c.v)))
        high = func.max(case((ranked.c.rn == low_rank + 1, ranked.c.v)))
        group_position = (n - 1) * literal(float(p), Float)
        fraction = group_position - cast(group_position, Integer)
        columns.append((low + fraction * (func.coalesce(high, low) - low)).label(name))
    return select(*[ranked.c[k] for k in keys], n.label("n"), *columns).group_by(*[ranked.c[k] for k in keys])


# Figures are grouped by up to three dimensions: the community, an optional key (grid, category, ...)
# and an optional time bucket (week or month index). Each figure query selects labelled "facts" in a
# subquery, then aggregates over its plain columns.
DIMENSIONS = ("community_id", "key", "bucket")


def facts(community_column, *, key=None, time=None, buckets=None, **values) -> list:
    """The labelled columns of a facts subquery: its dimensions, then `values` (name=expression)."""
    columns = [community_column.label("community_id")]
    if key is not None:
        columns.append(key.label("key"))
    if buckets:
        columns.append(bucket_of(time, buckets).label("bucket"))
    return columns + [expression.label(name) for name, expression in values.items()]


def dimensions_of(inner) -> list:
    return [inner.c[name] for name in DIMENSIONS if name in inner.c]


def aggregate(inner, **aggregates) -> Select:
    """One row per group of `inner`'s dimensions; `aggregates` maps a name to fn(columns) -> SQL aggregate."""
    dimensions = dimensions_of(inner)
    return select(*dimensions, *[fn(inner.c).label(name) for name, fn in aggregates.items()]).group_by(*dimensions)


def keyed(rows) -> dict[tuple, dict]:
    """{(community_id, key, bucket): {figure: value}} from aggregate rows (missing dimensions are None)."""
    found = {}
    for row in rows:
        values = dict(row._mapping)
        dimension = tuple(values.pop(name, None) for name in DIMENSIONS)
        found[dimension] = values
    return found


def merge_into(target: dict[tuple, dict], found: dict[tuple, dict], prefix: str = "") -> dict[tuple, dict]:
    for dimension, values in found.items():
        target.setdefault(dimension, {}).update({prefix + name: value for name, value in values.items()})
    return target


def count_if(condition):
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END): a conditional count on either database."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
