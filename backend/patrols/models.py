"""Patrols, their position points and their findings. One active patrol per worker is held by the database (a
unique index on the worker over the rows whose patrol has not ended)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

MAX_POINTS = 2000  # per patrol: one point every 15 s for over 8 hours
MAX_POINTS_PER_REQUEST = 200
MAX_FINDINGS = 50  # per patrol
STALE_AFTER_HOURS = 12

PATROL_STATES = Machine(
    "patrol",
    {"start": (None, "active"), "end": ("active", "ended")},
    noun=("这次巡查", "The patrol"),
)


class Patrol(db.Model):
    """One walk of a grid by its worker: when it started and ended, how many points and findings it has."""

    __tablename__ = "patrols"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'ended')", name="status_known"),
        CheckConstraint("(status = 'active') = (ended_at IS NULL)", name="ended_when_ended"),
        # one active patrol per worker, whatever two phones send at once
        Index(
            "uq_patrols_worker_active",
            "worker_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_patrols_community_started", "community_id", "started_at"),
        Index("ix_patrols_grid_started", "grid_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="active")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # ended by the stale-patrol job, not by the worker
    is_auto_ended: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    point_count: Mapped[int] = mapped_column(default=0)
    finding_count: Mapped[int] = mapped_column(default=0)


class PatrolPoint(db.Model):
    """Where the worker was, when (only the points their phone sent: positions are optional)."""

    __tablename__ = "patrol_points"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180", name="coordinates_valid"),
        Index("ix_patrol_points_patrol_id_id", "patrol_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrols.id"))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PatrolFinding(db.Model):
    """Something found on the way, and the report it became (the patrol is the report's source)."""

    __tablename__ = "patrol_findings"
    __table_args__ = (Index("ix_patrol_findings_patrol_id_id", "patrol_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrols.id"))
    report_id: Mapped[int] = mapped_column(index=True, unique=True)
    category: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
