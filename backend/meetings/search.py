"""Meetings in search: their title, description and location; published, held, minuted and cancelled meetings are
public, drafts are found by the committee only."""

from sqlalchemy import select

from backend.communities import access
from backend.core import search
from backend.meetings.models import Meeting


def visible_ids(actor, community_id: int):
    stmt = select(Meeting.id).where(Meeting.community_id == community_id)
    if not access.is_committee(actor, community_id):
        stmt = stmt.where(Meeting.status != "draft")
    return stmt


search.register(
    "meeting",
    model=Meeting,
    screen="/meetings/{id}",
    icon="users",
    labels={"zh-CN": ("议事会", "议事会"), "en": ("Meeting", "Meetings")},
    title=lambda meeting: meeting.title,
    body=lambda meeting: "\n".join([meeting.description or "", meeting.location or ""]),
    words=("title", "description", "location", "status"),
    visible_ids=visible_ids,
)
