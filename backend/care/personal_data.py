"""My care: my care record (if the committee linked my register record to my account) with its visits, and my
requests for emotional support. Visits I made to others and requests I answered as a counsellor are about
other people: they appear as ids only."""

from sqlalchemy import or_, select

from backend.care.models import CareRecord, CareVisit, Counsellor, SupportRequest
from backend.core.personal_data import rows_of
from backend.register import services as register

TABLES = ("care_records", "care_visits", "care_counsellors", "care_support_requests")


def export(user) -> dict:
    resident_ids = register.resident_ids_of_user(user.id)
    mine = select(CareRecord).where(CareRecord.resident_id.in_(resident_ids))
    return {
        "records": rows_of(mine),
        "visits": rows_of(select(CareVisit).where(CareVisit.record_id.in_(select(mine.subquery().c.id)))),
        "support_requests": rows_of(select(SupportRequest).where(SupportRequest.requester_id == user.id)),
        "answered_as_counsellor": rows_of(
            select(SupportRequest).where(SupportRequest.counsellor_id == user.id), leave_out=("message", "contact")
        ),
        "visits_made": [v["id"] for v in rows_of(select(CareVisit).where(CareVisit.visitor_id == user.id))],
        "counsellor_in": rows_of(select(Counsellor).where(Counsellor.user_id == user.id)),
        "assigned_records": [
            r["id"] for r in rows_of(select(CareRecord).where(or_(CareRecord.assignee_id == user.id)))
        ],
    }
