"""Micro-projects, their supports, ratings and public timeline.

The lifecycle is a state machine on `Project` (PROJECT_STATES): each transition method raises
`InvalidTransition` (409 ``project.invalid_transition``) when called from a state it does not start from,
so no service can move a project along a path the product does not know.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

STATUSES = (
    "draft",
    "submitted",
    "in_review",
    "ready",
    "voting",
    "approved",
    "rejected",
    "in_progress",
    "completed",
    "withdrawn",
)
# Visible to everyone; drafts only to their author, withdrawn projects to their author and the committee.
PUBLIC_STATUSES = tuple(s for s in STATUSES if s not in ("draft", "withdrawn"))
BUILT_IN_CATEGORIES = ("environment", "elderly_care", "children", "safety", "culture", "facilities", "other")

# action -> (states it may start from, state it leads to)
PROJECT_STATES = Machine(
    "project",
    {
        "submit": ("draft", "submitted"),
        "reach_threshold": ("submitted", "in_review"),
        "accept": ("in_review", "ready"),
        "reject": ("in_review", "rejected"),
        "open_voting": ("ready", "voting"),
        "approve_by_vote": ("voting", "approved"),
        "reject_by_vote": ("voting", "rejected"),
        "release_from_poll": ("voting", "ready"),
        "start": ("approved", "in_progress"),
        "complete": ("in_progress", "completed"),
        "withdraw": (("draft", "submitted", "in_review", "ready"), "withdrawn"),
    },
    noun=("项目", "The project"),
)
# Before a poll is opened, the committee may still correct a project's text (with an audit record).
COMMITTEE_EDITABLE = ("submitted", "in_review", "ready")


def _status_check() -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")"


class Project(db.Model):
    """A micro-project (微项目) of one community."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(_status_check(), name="status_known"),
        CheckConstraint("supports_count >= 0", name="supports_count_not_negative"),
        CheckConstraint("budget_cents >= 0", name="budget_not_negative"),
        CheckConstraint("volunteers_needed >= 0", name="volunteers_not_negative"),
        CheckConstraint("percent_done BETWEEN 0 AND 100", name="percent_done_range"),
        CheckConstraint("rating_count >= 0", name="rating_count_not_negative"),
        # One index per list sort (newest, most supported, closing soon), led by the community.
        Index("ix_projects_community_created", "community_id", "created_at", "id"),
        Index("ix_projects_community_supports", "community_id", "supports_count", "id"),
        Index("ix_projects_community_closes", "community_id", "closes_at", "id"),
        Index("ix_projects_community_status", "community_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The social organisation that proposes it (validated by the volunteering domain); stored as given.
    author_organisation_id: Mapped[int | None] = mapped_column(Integer)
    # The problem report this project grew out of (reports keep the link back as project_id).
    source_report_id: Mapped[int | None] = mapped_column(Integer)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40))
    budget_cents: Mapped[int] = mapped_column(Integer, default=0)
    volunteers_needed: Mapped[int] = mapped_column(Integer, default=0)
    photo_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    supports_count: Mapped[int] = mapped_column(Integer, default=0)
    # Fixed when submitted, so that a growing community does not move the goal under a project's feet.
    support_threshold: Mapped[int | None] = mapped_column(Integer)
    percent_done: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_average: Mapped[float | None] = mapped_column(Float)
    review_reason: Mapped[str | None] = mapped_column(Text)
    # Hidden by moderation: gone for everyone but its author and the committee until restored.
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # The poll deciding it (voting domain); no foreign key so that the two domains migrate apart.
    poll_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # When the current window ends: supports while submitted, the poll while voting.
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship("User", lazy="joined")  # noqa: F821
    grid: Mapped[Grid | None] = relationship("Grid", lazy="joined")  # noqa: F821

    # --- state machine ---------------------------------------------------------------------------

    def _move(self, action: str) -> tuple[str, str]:
        """Apply `action`; returns (from, to).

        :raises InvalidTransition: the project's state does not allow `action`
        """
        return PROJECT_STATES.move(self, action)

    def submit(self, now: datetime, support_window) -> tuple[str, str]:
        moved = self._move("submit")
        self.submitted_at = now
        self.closes_at = now + support_window
        return moved

    def accept(self, now: datetime) -> tuple[str, str]:
        moved = self._move("accept")
        self.decided_at, self.review_reason, self.closes_at = now, None, None
        return moved

    def reject(self, now: datetime, reason: str) -> tuple[str, str]:
        moved = self._move("reject")
        self.decided_at, self.review_reason, self.closes_at = now, reason, None
        return moved

    def open_voting(self, poll_id: int, closes_at: datetime | None) -> tuple[str, str]:
        moved = self._move("open_voting")
        self.poll_id, self.closes_at = poll_id, closes_at
        return moved

    def release_from_poll(self) -> tuple[str, str]:
        """The poll was cancelled before it opened: back to waiting for a poll."""
        moved = self._move("release_from_poll")
        self.poll_id, self.closes_at = None, None
        return moved

    def close_voting(self, approved: bool, now: datetime) -> tuple[str, str]:
        moved = self._move("approve_by_vote" if approved else "reject_by_vote")
        self.decided_at, self.closes_at = now, None
        return moved

    def start(self) -> tuple[str, str]:
        return self._move("start")

    def complete(self, now: datetime) -> tuple[str, str]:
        moved = self._move("complete")
        self.completed_at, self.percent_done = now, 100
        return moved

    def withdraw(self) -> tuple[str, str]:
        moved = self._move("withdraw")
        self.closes_at = None
        return moved

    def allows(self, action: str) -> bool:
        return PROJECT_STATES.allows(self, action)


class ProjectSupport(db.Model):
    """A verified resident backs a submitted project; one row per person (the unique constraint decides)."""

    __tablename__ = "project_supports"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The staff member who recorded this support for the resident in person (代办); None when they gave it.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectRating(db.Model):
    """A resident's judgement of a completed project (好不好), once each."""

    __tablename__ = "project_ratings"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        Index("ix_project_ratings_project_id_id", "project_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship("User", lazy="joined")  # noqa: F821


class ProjectEvent(db.Model):
    """One step on a project's public timeline: who did what, from which state to which, and why."""

    __tablename__ = "project_events"
    __table_args__ = (Index("ix_project_events_project_id_id", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # None for system events (the support threshold reached, a poll's outcome).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    # Why: a rejection, a withdrawal, a committee edit, a progress figure that went down.
    reason: Mapped[str | None] = mapped_column(Text)
    percent_done: Mapped[int | None] = mapped_column(Integer)
    photo_ids: Mapped[list | None] = mapped_column(JSON)
    poll_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship("User", lazy="joined")  # noqa: F821
