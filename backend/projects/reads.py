"""A community's project list (GET /communities/{cid}/projects) as prebuilt statements (issue 17).

`services.list_projects` loads the community row to check that it exists, builds a `select(Project)` with
its author and grid joined as ORM objects, then asks twice more (the viewer's supports, comment counts) and
marshmallow dumps the page: five statements and most of a request's CPU in SQLAlchemy's ORM. Here one
SELECT per shape (sort, after a cursor or not, filters given or not) is built once and only its values are
bound; it selects the list's columns with the author's name, the grid, whether the viewer supports each
project and its comment count (comments.services.count_column), with the committee check folded in
(communities.access.is_committee_sql: the committee sees hidden projects), and the rows become the
response's dict directly. The community is only looked up when the page is empty (a project's row proves
that its community exists) or the cursor is broken: one statement for a page instead of five.

Only the public list is answered here (any sort, an optional public status, category or grid); `mine`, and
drafts and withdrawn projects, go through the services. The output is byte for byte what the services and
ProjectSummarySchema give: tests/projects/test_list_reads.py compares both for every role and language.

A project's page (GET /projects/{pid}, `project_view`) likewise: `services.project_detail` loads the project with
its author and grid as ORM objects, then asks for the viewer's support, the comment count and the viewer's
rating apart. Here one prebuilt SELECT reads the page's columns with all of them joined or as subqueries; the
visibility rule (services.can_see) and `can` (services.abilities, over the row) run on it in Python, the
membership only asked for a signed-in viewer (the session keeps it). tests/projects/test_detail_reads.py
compares the bytes with services.project_detail + ProjectSchema for every role, language and state.
"""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, exists, func, literal, or_, select

from backend.accounts.schemas import FORMER_RESIDENT
from backend.comments.services import count_column
from backend.communities import access
from backend.communities import services as communities
from backend.core import actors
from backend.core.db import UTCDateTime, utcnow
from backend.core.errors import NotFound, ValidationFailed
from backend.core.pagination import SortKey, _decode, _encode
from backend.extensions import db
from backend.projects.models import PROJECT_STATES, PUBLIC_STATUSES, Project, ProjectRating, ProjectSupport
from backend.projects.services import NO_DEADLINE
from backend.projects.services import abilities as services_abilities

_projects = Project.__table__
# The author and grid tables through the relationships the model declares (their models are other domains').
_users = Project.author.property.mapper.local_table
_grids = Project.grid.property.mapper.local_table
_supports = ProjectSupport.__table__
_ratings = ProjectRating.__table__
_deadline = func.coalesce(_projects.c.closes_at, literal(NO_DEADLINE, UTCDateTime))

# The same orders as services._sort_keys, on the table's columns (no ORM entity in the statement).
SORT_KEYS = {
    "newest": [SortKey(_projects.c.created_at, descending=True), SortKey(_projects.c.id, descending=True)],
    "most_supported": [SortKey(_projects.c.supports_count, descending=True), SortKey(_projects.c.id, descending=True)],
    "closing_soon": [SortKey(_deadline, value_of=lambda row: row.closes_at or NO_DEADLINE), SortKey(_projects.c.id)],
}


def answers(*, mine: bool, status: str | None) -> bool:
    """Whether this module answers the request (the public list); the services answer the rest."""
    return not mine and (status is None or status in PUBLIC_STATUSES)


def _after(keys: list[SortKey]):
    """Rows strictly after the cursor's values, bound as after_0, after_1... (pagination._after's rule)."""
    clauses = []
    for position, key in enumerate(keys):
        equal_before = [k.expression == bindparam(f"after_{i}") for i, k in enumerate(keys[:position])]
        mark = bindparam(f"after_{position}")
        beyond = key.expression < mark if key.descending else key.expression > mark
        clauses.append(equal_before[0] & beyond if equal_before else beyond)
    return or_(*clauses)


@functools.cache
def _page_statement(sort: str, after_cursor: bool, by_status: bool, by_category: bool, by_grid: bool):
    """One page of the public list for one shape of request; every value is a bound parameter."""
    p, u, g = _projects, _users, _grids
    supported = exists().where(_supports.c.project_id == p.c.id, _supports.c.user_id == bindparam("viewer_id"))
    stmt = (
        select(
            p.c.id,
            p.c.community_id,
            p.c.title,
            p.c.summary,
            p.c.category,
            p.c.grid_id,
            g.c.number.label("grid_number"),
            g.c.name.label("grid_name"),
            p.c.status,
            p.c.author_id,
            u.c.display_name.label("author_name"),
            u.c.deleted_at.label("author_deleted_at"),
            p.c.budget_cents,
            p.c.volunteers_needed,
            p.c.supports_count,
            p.c.support_threshold,
            p.c.percent_done,
            p.c.rating_average,
            p.c.rating_count,
            p.c.photo_ids,
            p.c.poll_id,
            p.c.closes_at,
            p.c.created_at,
            p.c.submitted_at,
            p.c.is_hidden,
            supported.label("supported_by_me"),
            count_column("project", p.c.id).label("comments_count"),
        )
        .select_from(p.join(u, u.c.id == p.c.author_id).outerjoin(g, g.c.id == p.c.grid_id))
        .where(p.c.community_id == bindparam("community_id"))
    )
    # access.unhidden_or_own: hidden rows for their author only, the committee sees them all.
    committee = access.is_committee_sql(bindparam("viewer_id"), bindparam("community_id"), bindparam("now"))
    stmt = stmt.where(or_(p.c.is_hidden.is_(False), p.c.author_id == bindparam("viewer_id"), committee))
    stmt = stmt.where(p.c.status == bindparam("status") if by_status else p.c.status.in_(PUBLIC_STATUSES))
    if by_category:
        stmt = stmt.where(p.c.category == bindparam("category"))
    if by_grid:
        stmt = stmt.where(p.c.grid_id == bindparam("grid_id"))
    keys = SORT_KEYS[sort]
    if after_cursor:
        stmt = stmt.where(_after(keys))
    order = [k.expression.desc() if k.descending else k.expression.asc() for k in keys]
    return stmt.order_by(*order).limit(bindparam("rows"))


def _iso(moment):
    return None if moment is None else moment.isoformat()  # marshmallow's DateTime, format "iso"


def _item(row, former_resident: str) -> dict:
    """One project as ProjectSummarySchema dumps it (its fields, in its order)."""
    author_name = former_resident if row.author_deleted_at is not None or not row.author_name else row.author_name
    grid = None if row.grid_id is None else {"id": row.grid_id, "number": row.grid_number, "name": row.grid_name}
    return {
        "id": row.id,
        "community_id": row.community_id,
        "title": row.title,
        "summary": row.summary,
        "category": row.category,
        "grid": grid,
        "status": row.status,
        "author": {"id": row.author_id, "display_name": author_name},
        "budget_cents": row.budget_cents,
        "volunteers_needed": row.volunteers_needed,
        "supports_count": row.supports_count,
        "support_threshold": row.support_threshold,
        "percent_done": row.percent_done,
        "rating_average": None if row.rating_average is None else float(row.rating_average),
        "rating_count": row.rating_count,
        "comments_count": row.comments_count,
        "photo_ids": None if row.photo_ids is None else [int(x) for x in row.photo_ids],
        "poll_id": row.poll_id,
        "closes_at": _iso(row.closes_at),
        "created_at": _iso(row.created_at),
        "submitted_at": _iso(row.submitted_at),
        "supported_by_me": bool(row.supported_by_me),
        "is_hidden": bool(row.is_hidden),
    }


def project_page(
    actor,
    community_id: int,
    *,
    locale: str,
    status: str | None = None,
    category: str | None = None,
    grid_id: int | None = None,
    sort: str = "newest",
    limit: int = 20,
    cursor: str | None = None,
) -> dict:
    """The dumped page of services.list_projects + its page schema, {items, next_cursor}, for the public list
    (`answers` says which requests).

    :raises NotFound: no such community
    :raises ValidationFailed: an invalid cursor
    """
    keys = SORT_KEYS[sort]
    params = {
        "community_id": community_id,
        "viewer_id": actors.actor_id(actor),
        "rows": limit + 1,
        "now": utcnow(),
        "status": status,
        "category": category,
        "grid_id": grid_id,
    }
    if cursor:
        try:
            values = _decode(cursor, keys)
        except ValidationFailed:
            communities.get_community(community_id)  # the services look the community up first: 404 before 422
            raise
        params.update({f"after_{i}": value for i, value in enumerate(values)})
    statement = _page_statement(sort, bool(cursor), status is not None, category is not None, grid_id is not None)
    rows = db.session.execute(statement, params).all()
    if not rows:
        communities.get_community(community_id)  # a row proves its community exists; an empty page does not
    has_more = len(rows) > limit
    rows = rows[:limit]
    former_resident = FORMER_RESIDENT[locale]
    return {
        "items": [_item(row, former_resident) for row in rows],
        "next_cursor": _encode([k.read(rows[-1]) for k in keys]) if has_more and rows else None,
    }


# --- a project's page ---------------------------------------------------------------------------------------


@functools.cache
def _detail_statement():
    """A project's page with the viewer's support, its comment count and the viewer's rating; values bound."""
    p, u, g, r = _projects, _users, _grids, _ratings
    supported = exists().where(_supports.c.project_id == p.c.id, _supports.c.user_id == bindparam("viewer_id"))
    return (
        select(
            *[p.c[name] for name in _DETAIL_COLUMNS],
            g.c.number.label("grid_number"),
            g.c.name.label("grid_name"),
            u.c.display_name.label("author_name"),
            u.c.deleted_at.label("author_deleted_at"),
            supported.label("supported_by_me"),
            count_column("project", p.c.id).label("comments_count"),
            r.c.id.label("rating_id"),
            r.c.stars.label("rating_stars"),
            r.c.comment.label("rating_comment"),
            r.c.created_at.label("rating_created_at"),
        )
        .select_from(
            p.join(u, u.c.id == p.c.author_id)
            .outerjoin(g, g.c.id == p.c.grid_id)
            .outerjoin(r, (r.c.project_id == p.c.id) & (r.c.user_id == bindparam("viewer_id")))
        )
        .where(p.c.id == bindparam("project_id"))
    )


_DETAIL_COLUMNS = (
    "id",
    "community_id",
    "title",
    "summary",
    "category",
    "grid_id",
    "status",
    "author_id",
    "budget_cents",
    "volunteers_needed",
    "supports_count",
    "support_threshold",
    "percent_done",
    "rating_average",
    "rating_count",
    "photo_ids",
    "poll_id",
    "closes_at",
    "created_at",
    "submitted_at",
    "is_hidden",
    "body",
    "author_organisation_id",
    "source_report_id",
    "review_reason",
    "updated_at",
    "decided_at",
    "completed_at",
)


class _Seen:
    """What services.abilities reads of a project, taken from the page's row (no ORM object is built)."""

    def __init__(self, row, my_rating):
        self.community_id = row.community_id
        self.author_id = row.author_id
        self.status = row.status
        self.supported_by_me = bool(row.supported_by_me)
        self.my_rating = my_rating

    def allows(self, action: str) -> bool:
        return PROJECT_STATES.allows(self, action)


def _visible(actor, row) -> bool:
    """services.can_see over the row: the author always; public, unhidden states everyone; the rest (not
    drafts) the committee."""
    if actors.actor_id(actor) == row.author_id:
        return True
    if row.status in PUBLIC_STATUSES and not row.is_hidden:
        return True
    return row.status != "draft" and access.is_committee(actor, row.community_id)


def project_view(actor, project_id: int, *, locale: str) -> dict:
    """services.project_detail dumped by ProjectSchema: a project's page with what the viewer may do.

    :raises NotFound: no such project, or not visible to the viewer
    """
    row = db.session.execute(
        _detail_statement(), {"project_id": project_id, "viewer_id": actors.actor_id(actor)}
    ).one_or_none()
    if row is None or not _visible(actor, row):
        raise NotFound()
    my_rating = (
        None
        if row.rating_id is None
        else {"stars": row.rating_stars, "comment": row.rating_comment, "created_at": _iso(row.rating_created_at)}
    )
    view = _item(row, FORMER_RESIDENT[locale])
    view.update(
        {
            "body": row.body,
            "author_organisation_id": row.author_organisation_id,
            "source_report_id": row.source_report_id,
            "review_reason": row.review_reason,
            "updated_at": _iso(row.updated_at),
            "decided_at": _iso(row.decided_at),
            "completed_at": _iso(row.completed_at),
            "my_rating": my_rating,
            "can": services_abilities(actor, _Seen(row, my_rating)),
        }
    )
    return view
