"""Problems I reported (with their place), reports I joined ("me too"), steps I took on a timeline, reports I
transferred to an agency."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.reports.models import Report, ReportEvent, ReportMeToo, ReportTransfer

TABLES = ("reports", "report_events", "report_me_toos", "report_transfers")


def export(user) -> dict:
    return {
        "reports": rows_of(select(Report).where(Report.reporter_id == user.id)),
        "me_too": rows_of(select(ReportMeToo).where(ReportMeToo.user_id == user.id)),
        "timeline_steps": rows_of(select(ReportEvent).where(ReportEvent.actor_id == user.id)),
        "transfers_made": rows_of(select(ReportTransfer).where(ReportTransfer.transferred_by_id == user.id)),
    }
