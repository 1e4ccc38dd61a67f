"""The aid part of the home page (backend/home): my posts under way, and new posts in my grid.

Written over the bound parameters of backend/core/feed.py (built once per member shape)."""

from __future__ import annotations

from sqlalchemy import or_, select

from backend.aid.models import AidPost, UserBlock
from backend.core import feed

_post = AidPost.__table__.c
_block = UserBlock.__table__.c


def _columns(section: str) -> tuple:
    return feed.row(section, "aid", _post.id, _post.title, state=_post.status, at=_post.created_at, detail=_post.kind)


def mine(shape: feed.Shape, *, limit: int = 3) -> feed.Part | None:
    """Posts the member wrote or helps with that are still open or matched, newest first (verified only:
    others cannot post or see posts)."""
    if not shape.verified:
        return None
    stmt = select(*_columns("mine")).where(
        _post.community_id == feed.COMMUNITY,
        _post.status.in_(feed.words(("open", "matched"))),
        or_(_post.author_id == feed.USER, _post.helper_id == feed.USER),
    )
    return feed.Part(stmt, (_post.id.desc(),), limit)


def _blocked_either_way():
    """Ids of people who blocked the member or whom the member blocked (services._blocked_either_way)."""
    return (
        select(_block.blocker_id)
        .where(_block.blocked_id == feed.USER)
        .union(select(_block.blocked_id).where(_block.blocker_id == feed.USER))
    )


def new_in_grid(shape: feed.Shape, *, limit: int = 3) -> feed.Part | None:
    """Open posts of the member's grid since `since` by others they see (not blocked, not hidden)."""
    if not shape.verified or not shape.has_grid:
        return None
    stmt = select(*_columns("grid")).where(
        _post.community_id == feed.COMMUNITY,
        _post.grid_id == feed.GRID,
        _post.status == "open",
        _post.created_at >= feed.SINCE,
        _post.is_hidden.is_(False),
        _post.author_id != feed.USER,
        _post.author_id.not_in(_blocked_either_way()),
    )
    return feed.Part(stmt, (_post.id.desc(),), limit)
