"""A community's notices as its members read them (GET /communities/{cid}/notices) as prebuilt statements (issue 17).

`services.list_notices` builds a `select(Notice)` with its author joined as ORM objects on every request, then
asks twice more (the notices' grids, the viewer's read receipts) and marshmallow dumps the page. Here one
SELECT per shape (committee or not, the member in a grid or not, after a cursor or not) is built once and only
its values are bound: the list's columns, the author's name and whether the viewer has read each notice
(`EXISTS`), with the addressing rules of services._addressed_to folded in. The grids a notice is addressed to
are asked only when the page holds a notice sent to some grids (a notice to the whole community has none).
The rows become the response's dict directly.

The membership check stays `access.require_member` (the same 401/403 as the services; the session keeps the
membership it loaded). The output is byte for byte what the services and NoticeSchema give:
tests/notices/test_notice_list_reads.py compares both for every role and language.
"""

from __future__ import annotations

import functools

from sqlalchemy import and_, bindparam, case, exists, literal, or_, select

from backend.accounts.schemas import FORMER_RESIDENT
from backend.communities import access
from backend.core.db import utcnow
from backend.core.pagination import SortKey, _decode, _encode
from backend.extensions import db
from backend.notices.models import Notice, NoticeGrid, NoticeRead
from backend.notices.services import URGENT_FOR, rank_of

_notices = Notice.__table__
_users = Notice.author.property.mapper.local_table  # the author's table (its model is accounts')
_grids = NoticeGrid.__table__
_reads = NoticeRead.__table__

# services.urgency_rank on the table's columns, its moment bound: 0 urgent of the last week, 1 pinned, 2 the rest.
_rank = case(
    (_notices.c.is_urgent.is_(True) & (_notices.c.publish_at > bindparam("urgent_since")), 0),
    (_notices.c.is_pinned.is_(True), 1),
    else_=2,
)
# The services' order (and cursor): urgent first, then pinned, then newest.
_KEYS = [SortKey(_rank), SortKey(_notices.c.publish_at, descending=True), SortKey(_notices.c.id, descending=True)]


def _after():
    """Rows strictly after the cursor's values, bound as after_0, after_1, after_2 (pagination._after's rule)."""
    clauses = []
    for position, key in enumerate(_KEYS):
        equal_before = [k.expression == bindparam(f"after_{i}") for i, k in enumerate(_KEYS[:position])]
        mark = bindparam(f"after_{position}")
        beyond = key.expression < mark if key.descending else key.expression > mark
        clauses.append(and_(*equal_before, beyond))
    return or_(*clauses)


@functools.cache
def _page_statement(committee: bool, in_a_grid: bool, after_cursor: bool):
    """One page of the list for one shape of request; every value is a bound parameter."""
    n, u = _notices, _users
    read = exists().where(_reads.c.notice_id == n.c.id, _reads.c.user_id == bindparam("viewer_id"))
    stmt = (
        select(
            n.c.id,
            n.c.community_id,
            n.c.title,
            n.c.body,
            n.c.is_pinned,
            n.c.is_urgent,
            n.c.is_whole_community,
            n.c.publish_at,
            n.c.created_at,
            n.c.author_id,
            u.c.display_name.label("author_name"),
            u.c.deleted_at.label("author_deleted_at"),
            read.label("is_read"),
            n.c.read_count,
            n.c.is_hidden,
        )
        .select_from(n.join(u, u.c.id == n.c.author_id))
        .where(n.c.community_id == bindparam("community_id"))
    )
    if not committee:
        # services._addressed_to: published, to everyone or to the member's grid, hidden ones for their author only
        to_my_grid = (
            n.c.id.in_(select(_grids.c.notice_id).where(_grids.c.grid_id == bindparam("grid_id")))
            if in_a_grid
            else literal(False)
        )
        stmt = stmt.where(
            n.c.publish_at <= bindparam("now"),
            or_(n.c.is_whole_community.is_(True), to_my_grid),
            or_(n.c.is_hidden.is_(False), n.c.author_id == bindparam("viewer_id")),
        )
    if after_cursor:
        stmt = stmt.where(_after())
    order = [k.expression.desc() if k.descending else k.expression.asc() for k in _KEYS]
    return stmt.order_by(*order).limit(bindparam("rows"))


_GRIDS_OF = (
    select(_grids.c.notice_id, _grids.c.grid_id)
    .where(_grids.c.notice_id.in_(bindparam("notice_ids", expanding=True)))
    .order_by(_grids.c.grid_id)
)


def _grid_ids_of(rows) -> dict[int, list[int]]:
    """services._grid_ids_of, asked only for the notices sent to some grids."""
    addressed = [row.id for row in rows if not row.is_whole_community]
    grids: dict[int, list[int]] = {}
    if addressed:
        for notice_id, grid_id in db.session.execute(_GRIDS_OF, {"notice_ids": addressed}):
            grids.setdefault(notice_id, []).append(grid_id)
    return grids


def _iso(moment):
    return moment.isoformat()  # marshmallow's DateTime, format "iso" (both columns are NOT NULL in practice)


def _item(row, *, grids, committee: bool, can_comment: bool, now, former_resident: str) -> dict:
    """One notice as NoticeSchema dumps it after services.present (its fields, in its order)."""
    author_name = former_resident if row.author_deleted_at is not None or not row.author_name else row.author_name
    return {
        "id": row.id,
        "community_id": row.community_id,
        "title": row.title,
        "body": row.body,
        "pinned": bool(row.is_pinned),
        "urgent": bool(row.is_urgent),
        "grid_ids": grids.get(row.id, []),
        "publish_at": _iso(row.publish_at),
        "created_at": _iso(row.created_at),
        "author": {"id": row.author_id, "display_name": author_name},
        "is_read": bool(row.is_read),
        "is_scheduled": row.publish_at > now,
        "read_count": row.read_count if committee else None,
        "is_hidden": bool(row.is_hidden),
        "can": {"comment": can_comment},
    }


def notice_page(actor, community_id: int, *, locale: str, limit: int = 20, cursor: str | None = None) -> dict:
    """The dumped page of services.list_notices + its page schema, {items, next_cursor}.

    :raises AuthRequired: a visitor
    :raises Forbidden: not a member of the community
    :raises ValidationFailed: an invalid cursor
    """
    member = access.require_member(actor, community_id)
    committee = member.is_committee
    now = utcnow()
    params = {
        "community_id": community_id,
        "viewer_id": member.user_id,
        "grid_id": member.grid_id,
        "now": now,
        "urgent_since": now - URGENT_FOR,
        "rows": limit + 1,
    }
    if cursor:
        params.update({f"after_{i}": value for i, value in enumerate(_decode(cursor, _KEYS))})
    statement = _page_statement(committee, bool(member.grid_id), bool(cursor))
    rows = db.session.execute(statement, params).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    grids = _grid_ids_of(rows)
    # services.abilities: the same for every notice the member sees
    can_comment = member.status != "suspended"
    former_resident = FORMER_RESIDENT[locale]
    items = [
        _item(row, grids=grids, committee=committee, can_comment=can_comment, now=now, former_resident=former_resident)
        for row in rows
    ]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = _encode([rank_of(last, now), last.publish_at, last.id])
    return {"items": items, "next_cursor": next_cursor}
