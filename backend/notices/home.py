"""The notices part of a member's home page (backend/home): urgent ones first, then pinned, then newest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, exists, select

from backend.core import feed
from backend.core.db import utcnow
from backend.notices.models import Notice, NoticeRead
from backend.notices.services import _addressed_to

# An urgent notice heads the home page (a banner) while it is this recent; after that it is a notice like
# the others (a water cut of last month is no longer news).
URGENT_FOR = timedelta(days=7)


def urgency(now=None):
    """0 for a recent urgent notice, 1 for a pinned one, 2 for the rest: the order of every notices list."""
    now = now or utcnow()
    return case(
        (Notice.is_urgent.is_(True) & (Notice.publish_at > now - URGENT_FOR), 0),
        (Notice.is_pinned.is_(True), 1),
        else_=2,
    )


def latest(member, *, limit: int = 3) -> feed.Part:
    """Notices addressed to this member; `state` urgent / pinned / normal, `detail` read / unread."""
    now = utcnow()
    rank = urgency(now)
    read = exists().where(NoticeRead.notice_id == Notice.id, NoticeRead.user_id == member.user_id)
    stmt = select(
        *feed.row(
            "notices",
            "notice",
            Notice.id,
            Notice.title,
            state=case((rank == 0, "urgent"), (rank == 1, "pinned"), else_="normal"),
            at=Notice.publish_at,
            detail=case((read, "read"), else_="unread"),
        )
    )
    stmt = stmt.where(Notice.community_id == member.community_id, *_addressed_to(member))
    return feed.Part(stmt, (rank, Notice.publish_at.desc(), Notice.id.desc()), limit)
