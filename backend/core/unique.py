"""Rows that must exist once: find the row a unique key names, or insert it, safely under concurrency."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.extensions import db

Model = TypeVar("Model")


def find_or_insert(model: type[Model], key: dict, **values) -> tuple[Model, bool]:
    """The row of ``model`` whose columns equal ``key`` (a unique constraint's columns), inserted with ``values``
    when there is none; answers ``(row, inserted)`` so the caller audits only what it added.

    Two requests adding the same row at once: the unique constraint keeps one; the loser's insert rolls back to
    its savepoint (the rest of its transaction stands) and it answers the winner's row, as if it had come second.
    """
    same = [getattr(model, column) == value for column, value in key.items()]
    found = db.session.scalar(select(model).where(*same))
    if found is not None:
        return found, False
    try:
        with db.session.begin_nested():
            row = model(**key, **values)
            db.session.add(row)
    except IntegrityError:
        return db.session.scalar(select(model).where(*same)), False
    return row, True
