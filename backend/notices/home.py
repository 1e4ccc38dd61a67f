"""The notices part of a member's home page (backend/home): urgent ones first, then pinned, then newest.

Written over the bound parameters of backend/core/feed.py (built once per member shape); the same rules as
services._addressed_to and services.urgency_rank, in Core."""

from __future__ import annotations

from sqlalchemy import case, exists, false, or_, select

from backend.core import feed
from backend.notices.models import Notice, NoticeGrid, NoticeRead
from backend.notices.services import URGENT_FOR

_notice = Notice.__table__.c
_grid = NoticeGrid.__table__.c
_read = NoticeRead.__table__.c
URGENT_SINCE = "notices_urgent_since"


def _addressed_to(shape):
    """Published, to everyone or to the member's grid, not hidden by moderation unless they wrote it."""
    to_my_grid = (
        _notice.id.in_(select(_grid.notice_id).where(_grid.grid_id == feed.GRID)) if shape.has_grid else false()
    )
    return (
        _notice.publish_at <= feed.NOW,
        or_(_notice.is_whole_community.is_(True), to_my_grid),
        or_(_notice.is_hidden.is_(False), _notice.author_id == feed.USER),
    )


def latest(shape: feed.Shape, *, limit: int = 3) -> feed.Part:
    """Notices addressed to this member; `state` urgent / pinned / normal, `detail` read / unread."""
    rank = case(
        (_notice.is_urgent.is_(True) & (_notice.publish_at > feed.before_now(URGENT_SINCE)), 0),
        (_notice.is_pinned.is_(True), 1),
        else_=2,
    )
    read = exists().where(_read.notice_id == _notice.id, _read.user_id == feed.USER)
    stmt = select(
        *feed.row(
            "notices",
            "notice",
            _notice.id,
            _notice.title,
            state=case((rank == 0, feed.word("urgent")), (rank == 1, feed.word("pinned")), else_=feed.word("normal")),
            at=_notice.publish_at,
            detail=case((read, feed.word("read")), else_=feed.word("unread")),
        )
    ).where(_notice.community_id == feed.COMMUNITY, *_addressed_to(shape))
    order = (rank, _notice.publish_at.desc(), _notice.id.desc())
    return feed.Part(stmt, order, limit, before_now=((URGENT_SINCE, URGENT_FOR),))
