"""The aid part of the home page (backend/home): my posts under way, and new posts in my grid."""

from __future__ import annotations

from sqlalchemy import or_, select

from backend.aid.models import AidPost
from backend.aid.services import _blocked_either_way
from backend.core import feed


def mine(member, *, limit: int = 3) -> feed.Part | None:
    """Posts the member wrote or helps with that are still open or matched, newest first (verified only:
    others cannot post or see posts)."""
    if member.status != "verified":
        return None
    stmt = select(
        *feed.row(
            "mine",
            "aid",
            AidPost.id,
            AidPost.title,
            state=AidPost.status,
            at=AidPost.created_at,
            detail=AidPost.kind,
        )
    ).where(
        AidPost.community_id == member.community_id,
        AidPost.status.in_(("open", "matched")),
        or_(AidPost.author_id == member.user_id, AidPost.helper_id == member.user_id),
    )
    return feed.Part(stmt, (AidPost.id.desc(),), limit)


def new_in_grid(member, since, *, limit: int = 3) -> feed.Part | None:
    """Open posts of the member's grid since `since` by others they see (not blocked, not hidden)."""
    if member.status != "verified" or member.grid_id is None:
        return None
    stmt = select(
        *feed.row(
            "grid",
            "aid",
            AidPost.id,
            AidPost.title,
            state=AidPost.status,
            at=AidPost.created_at,
            detail=AidPost.kind,
        )
    ).where(
        AidPost.community_id == member.community_id,
        AidPost.grid_id == member.grid_id,
        AidPost.status == "open",
        AidPost.created_at >= since,
        AidPost.is_hidden.is_(False),
        AidPost.author_id != member.user_id,
        AidPost.author_id.not_in(_blocked_either_way(member.user_id)),
    )
    return feed.Part(stmt, (AidPost.id.desc(),), limit)
