"""My RSVPs (with my check-in code and when I checked in), my hearing comments, the meetings I wrote."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.meetings.models import HearingComment, Meeting, Rsvp

TABLES = ("meeting_rsvps", "hearing_comments", "meetings")


def export(user) -> dict:
    return {
        "rsvps": rows_of(select(Rsvp).where(Rsvp.user_id == user.id)),
        "hearing_comments": rows_of(select(HearingComment).where(HearingComment.author_id == user.id)),
        "meetings_created": rows_of(
            select(Meeting).where(Meeting.created_by_id == user.id), leave_out=("checkin_code",)
        ),
    }
