"""Organisations and their admins, activities, shifts, sign-ups, volunteer profiles, recruitment log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
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

ORGANISATION_KINDS = ("volunteer_group", "social_organisation", "enterprise")
ORGANISATION_STATUSES = ("pending", "verified")
SIGNUP_STATUSES = ("confirmed", "waitlisted", "cancelled")

ORGANISATION_STATES = Machine(
    "organisation", {"verify": ("pending", "verified")}, noun=("这个组织", "The organisation")
)
# A sign-up (or a cancelled one taken up again) is confirmed while places remain, waitlisted otherwise.
SIGNUP_STATES = Machine(
    "signup",
    {
        "join": ((None, "cancelled"), ("confirmed", "waitlisted")),
        "promote": ("waitlisted", "confirmed"),
        "cancel": (("confirmed", "waitlisted"), "cancelled"),
    },
    noun=("这个报名", "The sign-up"),
)


class Organisation(db.Model):
    """A volunteer group, social organisation (社会组织) or enterprise; publishes once the committee verifies it."""

    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("community_id", "name"),
        CheckConstraint("kind IN ('volunteer_group', 'social_organisation', 'enterprise')", name="kind_known"),
        CheckConstraint("status IN ('pending', 'verified')", name="status_known"),
        Index("ix_organisations_community_id_status_id", "community_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30), default="volunteer_group")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The public profile hidden by moderation: only its admins and the committee see it until restored.
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_verified(self) -> bool:
        return self.status == "verified"


class OrganisationAdmin(db.Model):
    """A person who runs an organisation (the creator is the first)."""

    __tablename__ = "organisation_admins"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship("User", lazy="joined")  # noqa: F821


class Activity(db.Model):
    """Something volunteers do, in one or more shifts; run by an organisation or opened from a micro-project."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("organisation_id IS NOT NULL OR project_id IS NOT NULL", name="has_organiser"),
        # Its place on the map: both coordinates or neither (WGS-84, as phones give them).
        CheckConstraint("(lat IS NULL) = (lng IS NULL)", name="point_complete"),
        # Upcoming activities of a community in date order.
        Index("ix_activities_community_id_starts_at_id", "community_id", "starts_at", "id"),
        Index("ix_activities_organisation_id_starts_at_id", "organisation_id", "starts_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # The micro-project that asked for volunteers (projects domain; no FK so the domains stay apart).
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    # Where it happens, in WGS-84: an activity is held in a public place, so everyone sees the exact point
    # (unlike a report's, which is rounded for neighbours). None: placed at its grid's centre, or not at all.
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # First shift start and last shift end, kept here so that lists sort and filter without a join.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Hidden by moderation: gone for everyone but its managers and the committee until restored.
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="activity", order_by="Shift.starts_at, Shift.id", lazy="selectin"
    )
    grids: Mapped[list[ActivityGrid]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def grid_ids(self) -> list[int]:
        return [g.grid_id for g in self.grids]


class ActivityGrid(db.Model):
    """An activity published to chosen grids (none: the whole community)."""

    __tablename__ = "activity_grids"
    __table_args__ = (UniqueConstraint("activity_id", "grid_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)


class Shift(db.Model):
    """A time slot of an activity. `confirmed_count` is the database's own count of taken places: sign-ups
    take a place with a conditional UPDATE, so capacity holds under concurrency."""

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity", name="count_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    checkin_code: Mapped[str] = mapped_column(String(6))

    activity: Mapped[Activity] = relationship(back_populates="shifts")

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class ShiftSignup(db.Model):
    """One person on one shift: confirmed, waitlisted (in `queued_at` order) or cancelled."""

    __tablename__ = "shift_signups"
    __table_args__ = (
        # One row per person and shift: a double tap cannot take two places.
        UniqueConstraint("shift_id", "user_id"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status_known"),
        CheckConstraint("minutes IS NULL OR (minutes >= 0 AND minutes <= 1440)", name="minutes_in_day"),
        Index("ix_shift_signups_shift_id_status_queued_at_id", "shift_id", "status", "queued_at", "id"),
        # "My sign-ups", newest first: one range of this index whatever the statistics say.
        Index("ix_shift_signups_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The staff member who signed the volunteer up in person (代办); None when they signed up themselves.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[int | None] = mapped_column(Integer)
    hours_reason: Mapped[str | None] = mapped_column(String(200))

    shift: Mapped[Shift] = relationship(lazy="joined")
    user: Mapped[User] = relationship("User", foreign_keys=[user_id], lazy="joined")  # noqa: F821


class VolunteerProfile(db.Model):
    """A resident's skills and availability, for recruitment counts (never listed to organisations)."""

    __tablename__ = "volunteer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    availability: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VolunteerSkill(db.Model):
    """One normalised skill of a profile: counting matches is an indexed query, not a JSON scan."""

    __tablename__ = "volunteer_skills"
    __table_args__ = (
        UniqueConstraint("user_id", "skill"),
        Index("ix_volunteer_skills_skill_user_id", "skill", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    skill: Mapped[str] = mapped_column(String(30))


class RecruitmentMessage(db.Model):
    """One recruitment notification an organisation sent for an activity; unique per activity and day."""

    __tablename__ = "recruitment_messages"
    __table_args__ = (UniqueConstraint("activity_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    sent_on: Mapped[date] = mapped_column(Date)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
