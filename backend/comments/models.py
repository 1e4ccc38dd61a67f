"""Comments on any registered target, one level of replies, and a per-target count kept in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

BODY_MAX = 2000


class Comment(db.Model):
    """A comment (parent_id null) or a reply to one (one level only: the service refuses deeper)."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("replies_count >= 0", name="replies_count_not_negative"),
        # Top-level thread pages in either order, and replies of one comment.
        Index("ix_comments_target_parent_id", "target_type", "target_id", "parent_id", "id"),
        Index("ix_comments_parent_id_id", "parent_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    # A commentable kind of the targets registry (project, report, aid, activity, notice) and its id.
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    replies_count: Mapped[int] = mapped_column(Integer, default=0)
    # Moderation hides; the author still sees it, marked hidden.
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deleted by the author: the body is erased, the row stays as a placeholder so replies keep their place.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship("User", lazy="joined")  # noqa: F821

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CommentThread(db.Model):
    """The comment count of one target, kept by SQL increments (lists show it without counting rows)."""

    __tablename__ = "comment_threads"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id"),
        CheckConstraint("comments_count >= 0", name="comments_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    comments_count: Mapped[int] = mapped_column(Integer, default=0)
