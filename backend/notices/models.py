from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db


class Notice(db.Model):
    """A committee announcement; whole community unless grids are named; visible from publish_at."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint("read_count >= 0", name="read_count_positive"),
        # The list: a community's notices, pinned first, newest first.
        Index("ix_notices_community_id_is_pinned_publish_at_id", "community_id", "is_pinned", "publish_at", "id"),
        # The publisher of scheduled notices looks for due ones not yet announced.
        Index("ix_notices_notified_at_publish_at", "notified_at", "publish_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    is_whole_community: Mapped[bool] = mapped_column(Boolean, default=True)
    publish_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept by the database (+1 per first read), so the committee's figure costs no COUNT(*).
    read_count: Mapped[int] = mapped_column(Integer, default=0)
    # Hidden by moderation (or held by the word filter): only the committee and its author see it.
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    author: Mapped[User] = relationship("User", lazy="joined")  # noqa: F821


class NoticeGrid(db.Model):
    """A grid a notice is addressed to (none: the whole community)."""

    __tablename__ = "notice_grids"
    __table_args__ = (UniqueConstraint("notice_id", "grid_id"), Index("ix_notice_grids_grid_id", "grid_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"))


class NoticeRead(db.Model):
    """A read receipt: one per reader and notice."""

    __tablename__ = "notice_reads"
    __table_args__ = (UniqueConstraint("notice_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
