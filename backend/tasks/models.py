"""Tasks, their links to other things (by target kind and id, never by another domain's table) and their
history. The history is the ledger's own timeline; the audit log keeps the same steps for the record."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

TASK_STATUSES = ("open", "in_progress", "done", "cancelled")
ACTIVE_STATUSES = ("open", "in_progress")
# What a task may point at, by target kind (backend/core/targets.py); a kind that no domain has registered
# yet (meetings, care records) is refused until it is.
LINK_KINDS = ("report", "project", "poll", "meeting", "care_record")
SOURCE_KINDS = ("report", "project", "meeting")
MAX_LINKS = 10

TASK_STATES = Machine(
    "task",
    {
        "create": (None, "open"),
        "start": ("open", "in_progress"),
        "complete": (ACTIVE_STATUSES, "done"),
        "cancel": (ACTIVE_STATUSES, "cancelled"),
        "reopen": (("done", "cancelled"), "open"),
    },
    noun=("这项任务", "The task"),
)


class Task(db.Model):
    """One entry of the ledger: a title, an owner, a due date, whoever assigned it, where it came from."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done', 'cancelled')", name="status_known"),
        CheckConstraint("(source_kind IS NULL) = (source_id IS NULL)", name="source_whole"),
        Index("ix_tasks_community_id_id", "community_id", "id"),
        Index("ix_tasks_owner_id_status", "owner_id", "status"),
        Index("ix_tasks_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(2000), default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    source_kind: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the sweep told the assigner it is overdue (claimed by a conditional UPDATE; cleared when the due
    # date moves or the task is reopened, so a new lateness is told again, once).
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TaskLink(db.Model):
    """A task points at a report, project, poll, meeting or care record (target kind and id)."""

    __tablename__ = "task_links"
    __table_args__ = (UniqueConstraint("task_id", "kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]


class TaskEvent(db.Model):
    """One step in a task's history: created, a field changed, started, done, cancelled, reopened, escalated."""

    __tablename__ = "task_events"
    __table_args__ = (Index("ix_task_events_task_id_id", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
