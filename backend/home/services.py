"""The home page of a member: urgent notices, polls to vote in, my reports, aid posts and next shift, what is
new in my grid, and for staff the counts of their queues. Two statements besides the membership: one UNION
of every domain's rows (backend/core/feed.py) and, for staff, one SELECT of every count.

Both are built once per member shape (verified or not, with a grid or not, with a household or not) or
staff role and kept (`_home_statement`, `_counts_statement`): a request binds the member's values, executes,
and turns the plain rows into the dumped response (HomeSchema's shape, the same bytes; issue 17)."""

from __future__ import annotations

import functools
from datetime import timedelta

from backend.aid import home as aid_home
from backend.communities import access
from backend.communities import home as communities_home
from backend.core import feed
from backend.core.db import utcnow
from backend.moderation import home as moderation_home
from backend.notices import home as notices_home
from backend.projects import home as projects_home
from backend.reports import categories as report_categories
from backend.reports import home as reports_home
from backend.surveys import home as surveys_home
from backend.volunteering import home as volunteering_home
from backend.voting import home as voting_home

NEW_FOR = timedelta(days=7)  # "new in my grid": the last week


@functools.cache
def _home_statement(shape: feed.Shape) -> feed.Prebuilt | None:
    """The UNION of every part for members of this shape; rows come in this order of parts."""
    return feed.prebuild(
        [
            notices_home.latest(shape),
            voting_home.awaiting_my_vote(shape),
            surveys_home.awaiting_my_answer(shape),
            reports_home.mine(shape),
            aid_home.mine(shape),
            volunteering_home.next_shift(shape),
            reports_home.new_in_grid(shape, limit=2),
            projects_home.new_in_grid(shape, limit=2),
            aid_home.new_in_grid(shape, limit=2),
            volunteering_home.new_for_grid(shape, limit=2),
        ]
    )


@functools.cache
def _counts_statement(role: str):
    """The queues of the committee or of a grid worker, as one SELECT of counts."""
    if role == "committee":
        wanted = {
            **communities_home.committee_counts(),
            **reports_home.committee_counts(),
            **projects_home.committee_counts(),
            **moderation_home.committee_counts(),
            **volunteering_home.committee_counts(),
        }
    else:
        wanted = reports_home.grid_worker_counts(communities_home.responsible_grid_ids())
    return feed.counts_statement(wanted)


def _staff_counts(member, values: dict) -> dict | None:
    """The committee's queues, or a grid worker's; None for everyone else (and for unverified staff)."""
    if member.status != "verified" or member.role not in ("committee", "grid_worker"):
        return None
    return {"role": member.role, "counts": feed.counts(_counts_statement(member.role), values)}


def _item(row, locale: str) -> dict:
    """A feed row as HomeItemSchema dumps it."""
    _part, _section, kind, id_, title, state, at, detail, _rank = row
    return {
        "kind": kind,
        "id": id_,
        "title": title or "",
        "state": state,
        "at": None if at is None else at.isoformat(),
        "detail": detail,
        "detail_label": report_categories.label(detail, locale) if kind == "report" and detail else None,
    }


def home(actor, community_id: int, *, locale: str) -> dict:
    """What a member of the community sees first, already dumped (HomeSchema); `locale` names report
    categories.

    :raises AuthRequired: anonymous
    :raises Forbidden: ``not_a_member``
    """
    member = access.require_member(actor, community_id)
    now = utcnow()
    values = feed.binds(member, now, now - NEW_FOR)
    rows = feed.run(_home_statement(feed.Shape.of(member)), values)
    by_section: dict[str, list[dict]] = {
        "notices": [],
        "polls": [],
        "surveys": [],
        "mine": [],
        "grid": [],
    }
    next_shift = None
    for row in rows:
        if row.kind == "shift":
            next_shift = _item(row, locale)
        else:
            by_section[row.section].append(_item(row, locale))
    notices = by_section["notices"]
    return {
        "community_id": community_id,
        "urgent": [n for n in notices if n["state"] == "urgent"],
        "notices": [n for n in notices if n["state"] != "urgent"],
        "polls": by_section["polls"],
        "surveys": by_section["surveys"],
        "mine": by_section["mine"],
        "next_shift": next_shift,
        "grid": by_section["grid"],
        "staff": _staff_counts(member, values),
    }
