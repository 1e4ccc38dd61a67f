from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

FLAG_REASONS = ("spam", "offensive", "personal_info", "false_info", "other")
ACTIONS = ("hide", "restore", "warn", "suspend", "lift_suspension")
CASE_STATES = ("open", "hidden", "resolved")

# A case opens with its first flag (or held word); it is hidden by the flag threshold, the word filter or a
# committee member; resolved by a restore or a warning; a resolved case flagged again opens again.
MODERATION_CASE_STATES = Machine(
    "moderation_case",
    {
        "open": (None, "open"),
        "reopen": ("resolved", "open"),
        "auto_hide": ("open", "hidden"),
        "hide": (("open", "hidden", "resolved"), "hidden"),
        "resolve": (("open", "hidden", "resolved"), "resolved"),
    },
    field="state",
    noun=("这个审核事项", "The moderation case"),
)
APPEAL_STATES = Machine(
    "appeal", {"uphold": ("pending", "upheld"), "reverse": ("pending", "reversed")}, noun=("这项申诉", "The appeal")
)


class ModerationCase(db.Model):
    """One flagged or held item: its distinct-flagger count (kept in the database) and its state."""

    __tablename__ = "moderation_cases"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id"),
        CheckConstraint("state IN ('open', 'hidden', 'resolved')", name="state_known"),
        Index("ix_moderation_cases_queue", "community_id", "state", "flag_count", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    flag_count: Mapped[int] = mapped_column(Integer, default=0)
    is_held_by_filter: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Flag(db.Model):
    """One member's flag on one item; a person flags an item once (unique)."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("case_id", "flagger_id"),
        CheckConstraint("reason IN ('spam', 'offensive', 'personal_info', 'false_info', 'other')", name="reason_known"),
        Index("ix_flags_community_id_created_at", "community_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    flagger_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModerationAction(db.Model):
    """A committee decision about an item or its author, with the reason the author is shown."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint("action IN ('hide', 'restore', 'warn', 'suspend', 'lift_suspension')", name="action_known"),
        Index("ix_moderation_actions_community_id_created_at", "community_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Appeal(db.Model):
    """The author's one appeal against one action, decided by a different committee member."""

    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("action_id"),
        CheckConstraint("status IN ('pending', 'upheld', 'reversed')", name="status_known"),
        Index("ix_appeals_community_id_status_id", "community_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_actions.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship("User", foreign_keys=[author_id], lazy="joined")  # noqa: F821
