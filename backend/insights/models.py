"""Sent early warnings, so that each is notified once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

WARNING_KINDS = ("grid_surge", "reopen_rising")


class SentWarning(db.Model):
    """An early warning the committee was told about: one row per community, kind, subject and week.

    The unique constraint is what makes "notified once" hold when two sweeps run at once.
    """

    __tablename__ = "insights_sent_warnings"
    __table_args__ = (
        UniqueConstraint("community_id", "kind", "subject", "week_start"),
        CheckConstraint("kind IN ('grid_surge', 'reopen_rising')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    kind: Mapped[str] = mapped_column(String(20))
    # "grid:<id>" or "category:<key>"
    subject: Mapped[str] = mapped_column(String(50))
    week_start: Mapped[date] = mapped_column(Date)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommunityFigures(db.Model):
    """A community's roll-up figures for this week or this month, materialised by the `insights-rollup` job so
    that a district's roll-up reads 100 rows instead of aggregating a million reports (issue 19).

    `figures` are the raw aggregates of insights.services.raw_figures for the period that contained
    `generated_at`, `warnings` that moment's early warnings; every row of one run shares `generated_at`, and the
    roll-up uses them only when all its communities have a row of the same run, fresh enough.
    """

    __tablename__ = "insights_community_figures"
    __table_args__ = (CheckConstraint("period IN ('week', 'month')", name="period_known"),)

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
