"""Rows of a person's data as plain JSON values, for each domain's personal-data section (/me/export)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect

from backend.extensions import db


def plain(value):
    """A column value as JSON: times in ISO 8601, decimals as strings (exact), the rest as is."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row_dict(row, *, leave_out: Iterable[str] = ()) -> dict:
    """Every column of an ORM row except `leave_out`, as JSON values."""
    skipped = set(leave_out)
    return {
        attribute.columns[0].name: plain(getattr(row, attribute.key))
        for attribute in inspect(row).mapper.column_attrs
        if attribute.columns[0].name not in skipped
    }


def rows_of(statement, *, leave_out: Iterable[str] = ()) -> list[dict]:
    """The rows an ORM `select(Model).where(...)` finds, oldest first by id, as dicts."""
    entity = statement.column_descriptions[0]["entity"]
    return [row_dict(row, leave_out=leave_out) for row in db.session.scalars(statement.order_by(entity.id))]
