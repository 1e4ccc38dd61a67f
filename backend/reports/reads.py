"""A resident's own reports (GET /communities/{cid}/reports?mine=true) as prebuilt statements (issue 17).

`services.list_reports` loads the community row with its region, the viewer's membership (for the committee's
right to hidden reports, which the reporter has anyway for their own), a `select(Report)` with its grid,
reporter and assignee as ORM objects, then the photos, and `present` works out for each report what this viewer
may see; marshmallow dumps the page. For "my reports" that step is simple: the viewer is the reporter of every
report listed, so each shows its exact point, the reporter's own name, is_mine, and whether it is late. Here one
SELECT per shape (after a cursor or not) is built once and only its values bound: the list's columns, the grid,
the reporter's and the assignee's names; a second reads the photos of the page's reports (uploads'
prebuilt photo_views_by_target: plain rows). The community is looked up only when the page is empty (a report's
row proves its community exists) or the cursor is broken. The rows become the response's dict directly.

Only `mine=true` without other filters (what the PWA's "my reports" asks) is answered here, for a signed-in
viewer; the board, the worker's queue, filters and visitors go through the services. The output is byte for
byte what the services and ReportSchema give: tests/reports/test_mine_reads.py compares both.
"""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, select

from backend.accounts.schemas import FORMER_RESIDENT
from backend.communities import services as communities
from backend.core import actors
from backend.core.db import utcnow
from backend.core.errors import ValidationFailed
from backend.core.pagination import SortKey, _decode, _encode
from backend.extensions import db
from backend.reports import categories as cats
from backend.reports.models import OPEN_STATUSES, Report
from backend.reports.schemas import ANONYMOUS_REPORTER
from backend.uploads import services as uploads

_reports = Report.__table__
_grids = Report.grid.property.mapper.local_table  # the grid's and users' tables: their models are other domains'
_users = Report.reporter.property.mapper.local_table
_reporters = _users.alias("reporters")
_assignees = _users.alias("assignees")
_KEYS = [SortKey(_reports.c.id, descending=True)]


def answers(actor, *, mine: bool, **filters) -> bool:
    """Whether this module answers the request (a signed-in viewer's own reports, unfiltered)."""
    return mine and actors.is_signed_in(actor) and not any(value is not None for value in filters.values())


@functools.cache
def _page_statement(after_cursor: bool):
    """One page of the viewer's own reports, newest first; every value is a bound parameter."""
    r, g, u, a = _reports, _grids, _reporters, _assignees
    stmt = (
        select(
            r.c.id,
            r.c.community_id,
            r.c.category,
            r.c.description,
            r.c.status,
            r.c.grid_id,
            g.c.number.label("grid_number"),
            g.c.name.label("grid_name"),
            r.c.lat,
            r.c.lng,
            r.c.location_text,
            r.c.reporter_id,
            u.c.display_name.label("reporter_name"),
            u.c.deleted_at.label("reporter_deleted_at"),
            r.c.assignee_id,
            a.c.display_name.label("assignee_name"),
            a.c.deleted_at.label("assignee_deleted_at"),
            r.c.me_too_count,
            r.c.reopen_count,
            r.c.created_at,
            r.c.updated_at,
            r.c.response_due_at,
            r.c.resolve_due_at,
            r.c.next_due_at,
            r.c.escalated_at,
            r.c.street_escalated_at,
            r.c.district_escalated_at,
            r.c.resolved_at,
            r.c.closed_at,
            r.c.reject_reason,
            r.c.duplicate_of_id,
            r.c.redirect_to,
            r.c.rating_stars,
            r.c.rating_comment,
            r.c.is_confirmed_by_default,
            r.c.project_id,
            r.c.is_hidden,
        )
        .select_from(
            r.join(u, u.c.id == r.c.reporter_id)
            .outerjoin(g, g.c.id == r.c.grid_id)
            .outerjoin(a, a.c.id == r.c.assignee_id)
        )
        .where(r.c.community_id == bindparam("community_id"), r.c.reporter_id == bindparam("viewer_id"))
    )
    if after_cursor:
        stmt = stmt.where(r.c.id < bindparam("after_0"))
    return stmt.order_by(r.c.id.desc()).limit(bindparam("rows"))


def _iso(moment):
    return None if moment is None else moment.isoformat()  # marshmallow's DateTime, format "iso"


def _public_name(name, deleted_at, former_resident: str) -> str:
    """accounts.schemas.public_name over columns."""
    return former_resident if deleted_at is not None or not name else name


def _item(row, *, photos, now, locale: str, former_resident: str) -> dict:
    """One report as ReportSchema dumps it after services.present, for its reporter (fields in its order)."""
    with_grid, without = ANONYMOUS_REPORTER[locale]
    has_grid = row.grid_id is not None and row.grid_number is not None
    assignee = (
        None
        if row.assignee_id is None
        else {
            "id": row.assignee_id,
            "display_name": _public_name(row.assignee_name, row.assignee_deleted_at, former_resident),
        }
    )
    is_late = row.status in OPEN_STATUSES and row.next_due_at is not None and row.next_due_at < now
    return {
        "id": row.id,
        "community_id": row.community_id,
        "category": row.category,
        "category_label": cats.label(row.category, locale),
        "description": row.description,
        "status": row.status,
        "grid": {"id": row.grid_id, "number": row.grid_number, "name": row.grid_name} if has_grid else None,
        "lat": row.lat,  # the reporter sees the exact point (services.present)
        "lng": row.lng,
        "position_precision": "exact",
        "location_text": row.location_text,
        "reporter_label": with_grid.format(number=row.grid_number) if has_grid else without,
        "reporter": {
            "id": row.reporter_id,
            "display_name": _public_name(row.reporter_name, row.reporter_deleted_at, former_resident),
        },
        "is_mine": True,
        "assignee": assignee,
        "photos": photos.get(row.id, []),
        "me_too_count": row.me_too_count,
        "reopen_count": row.reopen_count,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "response_due_at": _iso(row.response_due_at),
        "resolve_due_at": _iso(row.resolve_due_at),
        "is_overdue": is_late,
        "escalated_at": _iso(row.escalated_at),
        "street_escalated_at": _iso(row.street_escalated_at),
        "district_escalated_at": _iso(row.district_escalated_at),
        "resolved_at": _iso(row.resolved_at),
        "closed_at": _iso(row.closed_at),
        "reject_reason": row.reject_reason,
        "duplicate_of_id": row.duplicate_of_id,
        "redirect_to": row.redirect_to,
        "rating_stars": row.rating_stars,
        "rating_comment": row.rating_comment,
        "is_confirmed_by_default": bool(row.is_confirmed_by_default),
        "project_id": row.project_id,
        "is_hidden": bool(row.is_hidden),
    }


def my_reports_page(actor, community_id: int, *, locale: str, limit: int = 20, cursor: str | None = None) -> dict:
    """The dumped page of services.list_reports(mine=True) + its page schema, {items, next_cursor}, for a
    signed-in viewer (`answers` says which requests).

    :raises NotFound: no such community
    :raises ValidationFailed: an invalid cursor
    """
    params = {"community_id": community_id, "viewer_id": actor.id, "rows": limit + 1}
    if cursor:
        try:
            params["after_0"] = _decode(cursor, _KEYS)[0]
        except ValidationFailed:
            communities.get_community(community_id)  # the services look the community up first: 404 before 422
            raise
    rows = db.session.execute(_page_statement(bool(cursor)), params).all()
    if not rows:
        communities.get_community(community_id)  # a row proves its community exists; an empty page does not
    has_more = len(rows) > limit
    rows = rows[:limit]
    former_resident = FORMER_RESIDENT[locale]
    photos = uploads.photo_views_by_target("report", [row.id for row in rows])
    now = utcnow()
    return {
        "items": [_item(row, photos=photos, now=now, locale=locale, former_resident=former_resident) for row in rows],
        "next_cursor": _encode([rows[-1].id]) if has_more and rows else None,
    }
