"""Meetings in the community calendar: one event per published meeting or hearing (held and minuted ones stay;
a cancelled one stays as cancelled so that calendars that copied it drop it). Drafts never reach a feed: a
calendar feed is copied into other apps, so it carries public events only."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from backend.core.calendar import CalendarEvent, register_calendar_source
from backend.core.errors import NotFound
from backend.extensions import db
from backend.meetings.models import Meeting

PUBLIC_STATUSES = ("published", "held", "minuted", "cancelled")


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _event(meeting: Meeting) -> CalendarEvent:
    agenda = "\n".join(f"{item.position + 1}. {item.title}" for item in meeting.agenda)
    return CalendarEvent(
        uid=f"meeting-{meeting.id}",
        title=meeting.title,
        description="\n\n".join(part for part in (meeting.description, agenda) if part),
        start=_aware(meeting.starts_at),
        end=_aware(meeting.ends_at),
        location=meeting.location,
        url=f"/meetings/{meeting.id}",
        updated=_aware(meeting.cancelled_at or meeting.published_at or meeting.created_at),
        status="cancelled" if meeting.status == "cancelled" else "confirmed",
    )


def meeting_events(community_id: int, *, actor, since, until):
    """The community's public meetings that overlap [since, until)."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.community_id == community_id,
            Meeting.status.in_(PUBLIC_STATUSES),
            Meeting.ends_at > since,
            Meeting.starts_at < until,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [_event(meeting) for meeting in meetings]


def events_of_meeting(meeting_id: int, *, actor):
    """One public meeting ("add to calendar"); 404 for a draft or an unknown id."""
    meeting = db.session.scalars(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.status.in_(PUBLIC_STATUSES))
    ).first()
    if meeting is None:
        raise NotFound()
    return [_event(meeting)]


register_calendar_source("meeting", meeting_events, item=events_of_meeting)
