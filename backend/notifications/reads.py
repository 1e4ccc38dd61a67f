"""The inbox (GET /notifications) as prebuilt statements: the hot read without the ORM (issue 17).

`services.list_inbox` builds a `select(Notification)` on every call, loads ORM objects, counts the unread
rows in a second statement and lets marshmallow dump the page. Here the statements are built once per
shape (unread only or not, after a cursor or not), so SQLAlchemy's cache key is computed once too; they
select only the columns the page shows, with the unread count as a scalar subquery in the same SELECT,
and the plain rows become the response's dict directly. The output is byte for byte what the
services-and-schema path gives (tests/notifications/test_inbox_reads.py compares both for every role and
language on SQLite and PostgreSQL); the services path stays for the other callers.
"""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, func, select

from backend.core.actors import require_user
from backend.core.pagination import SortKey, _decode, _encode
from backend.extensions import db
from backend.notifications import catalogue
from backend.notifications.models import Notification

_table = Notification.__table__
_SORT = [SortKey(Notification.id, descending=True)]  # the cursor's one key, as services.list_inbox pages


def _unread_of_user():
    return (_table.c.user_id == bindparam("user_id")) & _table.c.read_at.is_(None)


@functools.cache
def _page_statement(unread: bool, after_cursor: bool):
    """One page of a person's inbox, newest first, each row carrying the person's unread count."""
    unread_count = select(func.count()).select_from(_table).where(_unread_of_user()).scalar_subquery()
    stmt = select(
        _table.c.id,
        _table.c.kind,
        _table.c.context,
        _table.c.url,
        _table.c.community_id,
        _table.c.is_urgent,
        _table.c.created_at,
        _table.c.read_at,
        unread_count.label("unread_count"),
    ).where(_table.c.user_id == bindparam("user_id"))
    if unread:
        stmt = stmt.where(_table.c.read_at.is_(None))
    if after_cursor:
        stmt = stmt.where(_table.c.id < bindparam("after_id"))
    return stmt.order_by(_table.c.id.desc()).limit(bindparam("rows"))


@functools.cache
def _unread_count_statement():
    return select(func.count()).select_from(_table).where(_unread_of_user())


def _iso(moment):
    return None if moment is None else moment.isoformat()  # marshmallow's DateTime, format "iso"


def inbox_page(actor, *, limit: int, cursor: str | None, unread: bool = False, locale: str) -> dict:
    """The dumped page of services.list_inbox + InboxPageSchema: {items, next_cursor, unread_count}.

    :raises AuthRequired: anonymous
    :raises ValidationFailed: an invalid cursor
    """
    require_user(actor)
    params = {"user_id": actor.id, "rows": limit + 1}
    if cursor:
        (params["after_id"],) = _decode(cursor, _SORT)
    rows = db.session.execute(_page_statement(unread, bool(cursor)), params).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    # An empty page carries no count: then it is asked for alone.
    unread_count = rows[0].unread_count if rows else db.session.scalar(_unread_count_statement(), {"user_id": actor.id})
    timezone = actor.timezone
    items = []
    for row in rows:
        rendered = catalogue.render(row.kind, row.context, locale, timezone=timezone)
        items.append(
            {
                "id": row.id,
                "kind": row.kind,
                "title": rendered["title"],
                "body": rendered["body"],
                "user_content": rendered.get("user_content", []),
                "url": row.url or "/notifications",
                "community_id": row.community_id,
                "is_urgent": None if row.is_urgent is None else bool(row.is_urgent),
                "is_read": row.read_at is not None,
                "created_at": _iso(row.created_at),
                "read_at": _iso(row.read_at),
            }
        )
    return {
        "items": items,
        "next_cursor": _encode([rows[-1].id]) if has_more and rows else None,
        "unread_count": unread_count or 0,
    }
