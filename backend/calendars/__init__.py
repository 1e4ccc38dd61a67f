"""Calendars: the iCalendar (RFC 5545) feeds of a community's events (activities, meetings: every source
registered with backend.core.calendar) and "add to calendar" files for one item."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "calendars",
    layer="overview",
    blueprints=("backend.calendars.routes:blp",),
)
