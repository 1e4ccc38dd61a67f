"""Aid posts, responses, thank-yous, the time-bank ledger and per-user blocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
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

KINDS = ("offer", "request")
CATEGORIES = (
    "errands",
    "elderly_companionship",
    "childcare",
    "repairs",
    "lending",
    "tutoring",
    "health_escort",
    "emotional_support",
    "other",
)
STATUSES = ("open", "matched", "completed", "closed", "expired")
RESPONSE_STATUSES = ("open", "accepted", "declined")

# A post is matched when its author accepts a response, completed when either party marks it done.
AID_STATES = Machine(
    "aid",
    {
        "match": ("open", "matched"),
        "complete": ("matched", "completed"),
        "close": (("open", "matched"), "closed"),
        "reopen": (("closed", "expired"), "open"),
        "expire": ("open", "expired"),
    },
    noun=("这条互助", "The aid post"),
)
AID_RESPONSE_STATES = Machine(
    "aid_response",
    {
        "accept": ("open", "accepted"),
        "decline": ("open", "declined"),
        "reopen": (("open", "accepted", "declined"), "open"),
    },
    noun=("这条回应", "The response"),
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class AidPost(db.Model):
    """An offer of help or a request for it. The giver of time is the helper on a request, the author on an offer."""

    __tablename__ = "aid_posts"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind_known"),
        CheckConstraint(_in("category", CATEGORIES), name="category_known"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint("helper_id IS NULL OR helper_id <> author_id", name="helper_not_author"),
        CheckConstraint("channel IN ('app', 'phone', 'visit', 'walk_in', 'hotline')", name="channel_known"),
        # The board lists one community's posts newest first, by status.
        Index("ix_aid_posts_community_id_status_id", "community_id", "status", "id"),
        Index("ix_aid_posts_status_needed_at", "status", "needed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Filed by staff for the author (代办: a phone call, a visit, at the desk, the hotline), or by the author in the
    # app. The post says so (`filed_on_behalf`, `channel`) and the audit log keeps who did it.
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(10), default="app", server_default="app")
    kind: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    needed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_at_home: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="open")
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    accepted_response_id: Mapped[int | None] = mapped_column(Integer)
    author_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    helper_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Hidden by moderation: gone for everyone but its author and the committee until restored.
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    author: Mapped[User] = relationship("User", foreign_keys=[author_id], lazy="joined")  # noqa: F821
    helper: Mapped[User | None] = relationship("User", foreign_keys=[helper_id], lazy="joined")  # noqa: F821

    @property
    def giver_id(self) -> int | None:
        """Who gives time: the helper of a request, the author of an offer."""
        return self.helper_id if self.kind == "request" else self.author_id

    @property
    def receiver_id(self) -> int | None:
        return self.author_id if self.kind == "request" else self.helper_id

    def is_party(self, user_id: int) -> bool:
        return user_id in (self.author_id, self.helper_id)


class AidResponse(db.Model):
    """A neighbour's answer to a post: "I can help" on a request, "may I have it" on an offer."""

    __tablename__ = "aid_responses"
    __table_args__ = (
        # One response per person and post: the database refuses a second, even from two tabs at once.
        UniqueConstraint("post_id", "responder_id"),
        CheckConstraint(_in("status", RESPONSE_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("aid_posts.id", ondelete="CASCADE"), index=True)
    responder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    responder: Mapped[User] = relationship("User", lazy="joined")  # noqa: F821


class AidThanks(db.Model):
    """A short public thank-you from the person helped to the person who gave the time; one per post."""

    __tablename__ = "aid_thanks"
    __table_args__ = (Index("ix_aid_thanks_to_user_id_community_id_id", "to_user_id", "community_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("aid_posts.id", ondelete="CASCADE"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_user: Mapped[User] = relationship("User", foreign_keys=[from_user_id], lazy="joined")  # noqa: F821
    post: Mapped[AidPost] = relationship(lazy="joined")


class TimeBankEntry(db.Model):
    """Ledger row: `minutes` given by `giver_id` to `receiver_id` for one completed post (never edited, no money)."""

    __tablename__ = "time_bank_entries"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("giver_id <> receiver_id", name="giver_not_receiver"),
        Index("ix_time_bank_entries_community_id_giver_id", "community_id", "giver_id"),
        Index("ix_time_bank_entries_community_id_receiver_id", "community_id", "receiver_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    # Unique: a post is paid into the time bank once, whichever side marks it done first.
    post_id: Mapped[int] = mapped_column(ForeignKey("aid_posts.id", ondelete="CASCADE"), unique=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    minutes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[AidPost] = relationship(lazy="joined")


class UserBlock(db.Model):
    """`blocker_id` does not want responses from `blocked_id`, nor to be seen by them on the aid board."""

    __tablename__ = "user_blocks"
    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id"),
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    blocked: Mapped[User] = relationship("User", foreign_keys=[blocked_id], lazy="joined")  # noqa: F821
