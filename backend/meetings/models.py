"""Meetings (议事会) and hearings (听证会), their agenda, RSVPs with a waitlist, and hearing comments.

Capacity is held by the database as for volunteering shifts: an RSVP takes a place with
``UPDATE meetings SET going_count = going_count + 1 WHERE id = :id AND going_count < capacity``;
(meeting_id, user_id) is unique, so a double tap never takes two places.
Agenda items link to other domains' things by (kind, id) only (no foreign key across domains).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

KINDS = ("meeting", "hearing")
STATUSES = ("draft", "published", "held", "minuted", "cancelled")
RSVP_STATUSES = ("going", "waitlisted", "cancelled")
LINK_KINDS = ("project", "report", "poll", "survey")

MEETING_STATES = Machine(
    "meeting",
    {
        "publish": ("draft", "published"),
        # The committee starts writing the minutes once the meeting has begun.
        "hold": ("published", "held"),
        "minute": ("held", "minuted"),
        "cancel": (("draft", "published"), "cancelled"),
    },
    noun=("这次会议", "The meeting"),
)
RSVP_STATES = Machine(
    "meeting_rsvp",
    {
        "join": ((None, "cancelled"), ("going", "waitlisted")),
        "promote": ("waitlisted", "going"),
        "cancel": (("going", "waitlisted"), "cancelled"),
    },
    noun=("这个报名", "The RSVP"),
)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("kind IN ('meeting', 'hearing')", name="kind_known"),
        CheckConstraint("status IN ('draft', 'published', 'held', 'minuted', 'cancelled')", name="status_known"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint(
            "going_count >= 0 AND (capacity IS NULL OR going_count <= capacity)", name="going_within_capacity"
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # A hearing's comment period closes before the hearing starts (checked in services, held here too).
        CheckConstraint(
            "kind = 'meeting' OR (comments_open_at IS NOT NULL AND comments_close_at IS NOT NULL"
            " AND comments_close_at > comments_open_at AND comments_close_at <= starts_at)",
            name="hearing_has_comment_period",
        ),
        Index("ix_meetings_community_id_starts_at", "community_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    kind: Mapped[str] = mapped_column(String(10), default="meeting")
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: as many as come
    going_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # Shown by the organiser at the door (and as a QR code); residents type or scan it to check themselves in.
    checkin_code: Mapped[str] = mapped_column(String(8))
    comments_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comments_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_summary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minuted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")

    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan", lazy="selectin"
    )


class AgendaItem(db.Model):
    """One item of a meeting's agenda, optionally about a project, report, poll or survey, and its decision."""

    __tablename__ = "meeting_agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "position"),
        CheckConstraint(
            "(link_kind IS NULL AND link_id IS NULL) OR"
            " (link_kind IN ('project', 'report', 'poll', 'survey') AND link_id IS NOT NULL)",
            name="link_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    link_kind: Mapped[str | None] = mapped_column(String(10))
    link_id: Mapped[int | None] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(Text, default="")
    # What the decision opened (owned by voting and tasks: no cross-domain FK). 0 while being claimed.
    poll_id: Mapped[int | None] = mapped_column(Integer)
    task_id: Mapped[int | None] = mapped_column(Integer)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class Rsvp(db.Model):
    """One person's answer to one meeting: going, waitlisted (in `queued_at` order) or cancelled."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        UniqueConstraint("meeting_id", "attendee_code"),
        CheckConstraint("status IN ('going', 'waitlisted', 'cancelled')", name="status_known"),
        Index("ix_meeting_rsvps_meeting_id_status_queued_at_id", "meeting_id", "status", "queued_at", "id"),
        Index("ix_meeting_rsvps_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10))
    # The resident's own code: shown on their phone, typed in by the organiser to check them in.
    attendee_code: Mapped[str] = mapped_column(String(8))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    going_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class HearingComment(db.Model):
    """A resident's comment on a hearing, during its comment period; answered by the committee in the minutes."""

    __tablename__ = "hearing_comments"
    __table_args__ = (Index("ix_hearing_comments_meeting_id_id", "meeting_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The agenda item whose decision answers it: the decision links back to the comments it weighed.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_agenda_items.id", ondelete="SET NULL"))
