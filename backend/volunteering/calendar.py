"""Activities in the community calendar: one event per shift (what residents sign up for and turn up to),
for activities anyone may open (a verified organisation's or a project's, never a hidden one, whoever reads:
a calendar feed is copied into other apps, so it carries public events only)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import or_, select

from backend.core.calendar import CalendarEvent, register_calendar_source
from backend.core.errors import NotFound
from backend.extensions import db
from backend.volunteering.models import Activity, Organisation, Shift


def _public_activities():
    """The conditions of an activity anyone may open (the rule of search's visible_ids)."""
    verified = select(Organisation.id).where(Organisation.status == "verified", Organisation.is_hidden.is_(False))
    return (
        Activity.is_hidden.is_(False),
        or_(Activity.organisation_id.is_(None), Activity.organisation_id.in_(verified)),
    )


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _shift_event(activity: Activity, shift: Shift) -> CalendarEvent:
    organiser = activity.organisation.name if activity.organisation is not None else ""
    description = "\n\n".join(part for part in (activity.description, organiser) if part)
    return CalendarEvent(
        uid=f"activity-{activity.id}-shift-{shift.id}",
        title=activity.title,
        description=description,
        start=_aware(shift.starts_at),
        end=_aware(shift.ends_at),
        location=activity.location,
        url=f"/activities/{activity.id}",
        updated=_aware(activity.created_at),
        geo=_geo(activity),
    )


def _geo(activity: Activity):
    lat, lng = getattr(activity, "lat", None), getattr(activity, "lng", None)
    return (lat, lng) if lat is not None and lng is not None else None


def activity_events(community_id: int, *, actor, since, until):
    """The shifts of the community's public activities that overlap [since, until)."""
    rows = db.session.execute(
        select(Activity, Shift)
        .join(Shift, Shift.activity_id == Activity.id)
        .where(
            Activity.community_id == community_id,
            *_public_activities(),
            Shift.ends_at > since,
            Shift.starts_at < until,
        )
        .order_by(Shift.starts_at, Shift.id)
    ).all()
    return [_shift_event(activity, shift) for activity, shift in rows]


def events_of_activity(activity_id: int, *, actor):
    """Every shift of one public activity ("add to calendar"); 404 for one the feed would not show."""
    activity = db.session.scalars(select(Activity).where(Activity.id == activity_id, *_public_activities())).first()
    if activity is None:
        raise NotFound()
    return [_shift_event(activity, shift) for shift in activity.shifts]


register_calendar_source("activity", activity_events, item=events_of_activity)
