"""The home page of a member: urgent notices, polls to vote in, my reports, aid posts and next shift, what is
new in my grid, and for staff the counts of their queues. Two statements besides the membership: one UNION
of every domain's rows (backend/core/feed.py) and, for staff, one SELECT of every count."""

from __future__ import annotations

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


def _staff_counts(member) -> dict | None:
    """The committee's queues, or a grid worker's; None for everyone else (and for unverified staff)."""
    if member.status != "verified":
        return None
    cid = member.community_id
    if member.role == "committee":
        wanted = {
            **communities_home.committee_counts(cid),
            **reports_home.committee_counts(cid),
            **projects_home.committee_counts(cid),
            **moderation_home.committee_counts(cid),
            **volunteering_home.committee_counts(cid),
        }
    elif member.role == "grid_worker":
        grids = communities_home.responsible_grid_ids(cid, member.user_id)
        wanted = reports_home.grid_worker_counts(cid, member.user_id, grids)
    else:
        return None
    return {"role": member.role, "counts": feed.counts(wanted)}


def _item(row: feed.FeedRow, locale: str) -> dict:
    item = {
        "kind": row.kind,
        "id": row.id,
        "title": row.title,
        "state": row.state,
        "at": row.at,
        "detail": row.detail,
        "detail_label": None,
    }
    if row.kind == "report" and row.detail:
        item["detail_label"] = report_categories.label(row.detail, locale)
    return item


def home(actor, community_id: int, *, locale: str) -> dict:
    """What a member of the community sees first; `locale` names report categories.

    :raises AuthRequired: anonymous
    :raises Forbidden: ``not_a_member``
    """
    member = access.require_member(actor, community_id)
    since = utcnow() - NEW_FOR
    rows = feed.union(
        [
            notices_home.latest(member),
            voting_home.awaiting_my_vote(member),
            surveys_home.awaiting_my_answer(member),
            reports_home.mine(member),
            aid_home.mine(member),
            volunteering_home.next_shift(member),
            reports_home.new_in_grid(member, since, limit=2),
            projects_home.new_in_grid(member, since, limit=2),
            aid_home.new_in_grid(member, since, limit=2),
            volunteering_home.new_for_grid(member, since, limit=2),
        ]
    )
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
        "staff": _staff_counts(member),
    }
