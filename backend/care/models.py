"""Care records, their visits, counsellors and requests for emotional support. Sensitive personal data (health,
hardship): read only through backend.care.services, which lets in the committee and the assigned person
(counsellors for support requests) and audits every staff read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

CATEGORIES = ("alone_elderly", "disability", "hardship", "other")
OUTCOMES = ("well", "needs_found", "not_home", "other")
FOLLOW_UPS = ("aid", "report")
SUPPORT_STATES = ("open", "taken", "closed")

SUPPORT_REQUEST_STATES = Machine(
    "support_request",
    {"ask": (None, "open"), "take": (("open",), "taken"), "close": (("open", "taken"), "closed")},
    noun=("这个倾诉请求", "The request"),
)


class CareRecord(db.Model):
    """One resident of the register on the care list: why, how often to visit, who visits, when next."""

    __tablename__ = "care_records"
    __table_args__ = (
        UniqueConstraint("resident_id"),
        CheckConstraint("category IN ('alone_elderly', 'disability', 'hardship', 'other')", name="category_known"),
        CheckConstraint("visit_every_days BETWEEN 1 AND 90", name="visit_every_days_range"),
        Index("ix_care_records_community_id_id", "community_id", "id"),
        Index("ix_care_records_due", "is_active", "next_visit_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("register_residents.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    visit_every_days: Mapped[int] = mapped_column(Integer, default=7)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    next_visit_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the overdue visit was told to the assignee, then to the committee (cleared by the next visit).
    assignee_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    committee_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CareVisit(db.Model):
    """One visit: when, who, how the person was, what they need; a need may have become an aid request or a
    report (its kind and id)."""

    __tablename__ = "care_visits"
    __table_args__ = (
        CheckConstraint("outcome IN ('well', 'needs_found', 'not_home', 'other')", name="outcome_known"),
        CheckConstraint("follow_up_kind IS NULL OR follow_up_kind IN ('aid', 'report')", name="follow_up_known"),
        Index("ix_care_visits_record_id_id", "record_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("care_records.id"))
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(String(1000), default="")
    needs: Mapped[str] = mapped_column(String(500), default="")
    follow_up_kind: Mapped[str | None] = mapped_column(String(10))
    follow_up_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Counsellor(db.Model):
    """A member the committee designated to answer requests for emotional support."""

    __tablename__ = "care_counsellors"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    designated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupportRequest(db.Model):
    """A resident asks for a private conversation: seen by them and the community's counsellors only."""

    __tablename__ = "care_support_requests"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'taken', 'closed')", name="status_known"),
        Index("ix_care_support_requests_community_status", "community_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
