"""The notices part of a member's home page (backend/home): urgent ones first, then pinned, then newest."""

from __future__ import annotations

from sqlalchemy import case, exists, select

from backend.core import feed
from backend.core.db import utcnow
from backend.notices.models import Notice, NoticeRead
from backend.notices.services import _addressed_to, urgency_rank


def latest(member, *, limit: int = 3) -> feed.Part:
    """Notices addressed to this member; `state` urgent / pinned / normal, `detail` read / unread."""
    now = utcnow()
    rank = urgency_rank(now)
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
