from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

STATUSES = ("submitted", "accepted", "assigned", "in_progress", "resolved", "confirmed", "reopened", "rejected")
# Still waiting for someone to act: these have a next deadline and appear in queues.
OPEN_STATUSES = ("submitted", "accepted", "assigned", "in_progress", "reopened")
REJECT_REASONS = ("duplicate", "not_our_responsibility", "cannot_reproduce")

# action -> (statuses it may start from, status it leads to)
REPORT_STATES = Machine(
    "report",
    {
        "accept": ("submitted", "accepted"),
        "assign": (("submitted", "accepted", "assigned", "in_progress", "reopened"), "assigned"),
        "start": (("accepted", "assigned", "reopened"), "in_progress"),
        "resolve": (("accepted", "assigned", "in_progress", "reopened"), "resolved"),
        "reject": (("submitted", "accepted", "assigned"), "rejected"),
        "confirm": ("resolved", "confirmed"),
        "reopen": ("resolved", "reopened"),
        "still_broken": (("resolved", "confirmed"), "reopened"),
    },
    noun=("这个问题", "The report"),
)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Report(db.Model):
    """A problem a resident saw (a dark lamp, piled rubbish), handled against deadlines in public."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint(f"reject_reason IS NULL OR {_in('reject_reason', REJECT_REASONS)}", name="reject_reason_known"),
        CheckConstraint("rating_stars IS NULL OR rating_stars BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("me_too_count >= 0 AND reopen_count >= 0", name="counts_positive"),
        CheckConstraint("(lat IS NULL) = (lng IS NULL)", name="point_complete"),
        # The public board (newest first, filtered) and the nearby-duplicate bounding box.
        Index("ix_reports_community_id_id", "community_id", "id"),
        Index("ix_reports_community_id_status_id", "community_id", "status", "id"),
        Index("ix_reports_community_id_category_lat", "community_id", "category", "lat"),
        Index("ix_reports_grid_id_id", "grid_id", "id"),
        Index("ix_reports_reporter_id_id", "reporter_id", "id"),
        # The worker's queue (their open reports, next deadline first) and the SLA sweep.
        Index("ix_reports_assignee_id_next_due_at", "assignee_id", "next_due_at"),
        Index("ix_reports_escalated_at_next_due_at", "escalated_at", "next_due_at"),
        # The escalation sweep's next levels (issue 19): reports the committee let pass its own deadline.
        Index("ix_reports_street_escalated_at_escalated_at", "street_escalated_at", "escalated_at"),
        Index("ix_reports_district_escalated_at_street_escalated_at", "district_escalated_at", "street_escalated_at"),
        Index("ix_reports_status_resolved_at", "status", "resolved_at"),
        CheckConstraint("channel IN ('app', 'phone', 'visit', 'walk_in', 'hotline', 'open311')", name="channel_known"),
        # The dashboard's period figures filter one community's reports by a time column: without these it
        # scans every report of the community (10,000 on average in a district of 1,000,000). created_at
        # rides along so that the time-to-accept/resolve percentiles read the index alone (8x on SQLite).
        Index("ix_reports_community_id_created_at", "community_id", "created_at"),
        Index("ix_reports_community_id_resolved_at_created_at", "community_id", "resolved_at", "created_at"),
        Index("ix_reports_community_id_accepted_at_created_at", "community_id", "accepted_at", "created_at"),
        Index("ix_reports_community_id_closed_at", "community_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Filed by staff for the reporter (代办: a phone call, a visit, at the desk, the hotline), or by the reporter
    # in the app. The timeline says so (a filed_on_behalf event) and the audit log keeps who did it.
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(10), default="app", server_default="app")
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    location_text: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reject_reason: Mapped[str | None] = mapped_column(String(30))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    redirect_to: Mapped[str] = mapped_column(String(200), default="")
    # Micro-project made from this report (projects live in their own domain: no foreign key across it).
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    me_too_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deadlines: accept within N hours, resolve within N days; next_due_at is whichever comes next
    # while the report is open (null once it is not), so "overdue" is one indexed comparison.
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolve_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Escalated on to the street's officials when the committee let its own deadline pass as well, and on
    # to the district's when the street did (the sla-sweep, once per level; reset when the report reopens).
    street_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    district_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating_stars: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    is_confirmed_by_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # "Still not fixed" reopens a report once; this records that it happened.
    still_broken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hidden by moderation: gone for everyone but its reporter and the committee until restored.
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optimistic lock: two people acting on the same report at once cannot both move it.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    grid: Mapped[Grid | None] = relationship("Grid", lazy="joined")  # noqa: F821
    reporter: Mapped[User] = relationship("User", foreign_keys=[reporter_id], lazy="joined")  # noqa: F821
    assignee: Mapped[User | None] = relationship("User", foreign_keys=[assignee_id], lazy="joined")  # noqa: F821

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can(self, action: str) -> bool:
        return REPORT_STATES.allows(self, action)

    def move(self, action: str, now: datetime) -> str:
        """Apply `action`'s state change and its deadlines; the caller records the event.

        :raises InvalidTransition: ``report.invalid_transition`` when the report's state does not allow it
        """
        previous, _new = REPORT_STATES.move(self, action)
        self.updated_at = now
        if previous == "submitted" and action in ("accept", "assign", "start", "resolve", "reject"):
            self.accepted_at = self.accepted_at or now
        if self.status in OPEN_STATUSES:
            self.next_due_at = self.resolve_due_at if self.status != "submitted" else self.response_due_at
        else:
            self.next_due_at = None
            self.is_overdue = False
        if self.status == "resolved":
            self.resolved_at = now
        if self.status in ("confirmed", "rejected"):
            self.closed_at = now
        return previous


class ReportEvent(db.Model):
    """One step on a report's public timeline: who (by role), what, when, a note, photos."""

    __tablename__ = "report_events"
    __table_args__ = (Index("ix_report_events_report_id_id", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # reporter, resident, grid_worker, committee or system: residents are shown by role only.
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The agency a step was taken for or by (transferred to it, accepted, returned, resolved by its staff): the
    # public timeline names the agency, never its staff.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))

    actor: Mapped[User | None] = relationship("User", lazy="joined")  # noqa: F821
    agency: Mapped[Agency | None] = relationship("Agency", lazy="joined")  # noqa: F821


class ReportMeToo(db.Model):
    """A neighbour saw the same problem: counted once per person, and they follow the report."""

    __tablename__ = "report_me_toos"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


TRANSFER_STATES = ("pending", "accepted", "returned", "resolved", "recalled")


class ReportTransfer(db.Model):
    """A report handed to an outside agency ("吹哨", issue 19): it accepts or returns it with a reason, works it
    against its own deadlines and resolves it. One open transfer per report, held by the database:
    `open_report_id` is the report's id while the transfer is pending, accepted or resolved (a reopened report
    goes back to the same agency), and NULL once it is returned or recalled (NULLs never collide)."""

    __tablename__ = "report_transfers"
    __table_args__ = (
        CheckConstraint(_in("state", TRANSFER_STATES), name="state_known"),
        CheckConstraint("reopen_count >= 0", name="reopen_count_positive"),
        UniqueConstraint("open_report_id"),
        # The agency's inbox (by state, newest first) and the scorecards' periods.
        Index("ix_report_transfers_agency_id_state_id", "agency_id", "state", "id"),
        Index("ix_report_transfers_agency_id_created_at", "agency_id", "created_at"),
        Index("ix_report_transfers_community_id_created_at", "community_id", "created_at"),
        Index("ix_report_transfers_report_id_id", "report_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    open_report_id: Mapped[int | None] = mapped_column(Integer)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    # Who blew the whistle (a grid worker or committee member); NULL when the responsibility list routed it.
    transferred_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The agency's own deadlines, from the category's (权责清单) counted from the transfer; the report's resolve
    # deadline before it, given back when the agency returns it or the community recalls it.
    respond_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolve_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    previous_resolve_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)

    agency: Mapped[Agency] = relationship("Agency", lazy="joined")  # noqa: F821
    report: Mapped[Report] = relationship("Report", lazy="joined")
