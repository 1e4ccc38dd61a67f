"""The registry of what a community's calendar shows: each domain registers its calendar sources in its own
`calendar.py` (named by `calendar=` in its manifest), as it registers its searchable kinds with
backend.core.search. The calendar domain (backend/calendar) turns them into iCalendar (RFC 5545) feeds; the
domains never import it, and it never imports their tables.

A source is a function

    fn(community_id, *, actor, since, until) -> iterable of CalendarEvent

that yields the events of one community that `actor` may see (a visitor for the public feed: drafts, hidden
content and anything scoped to some grids or people never reach it) and that overlap [since, until). An
optional `item(item_id, *, actor) -> iterable of CalendarEvent` gives the events of one item for "add to
calendar" (GET /api/v1/calendar/<source>/<id>.ics: an activity's shifts, a meeting), raising the domain's
NotFound when the person may not open it.

    register_calendar_source("activity", activity_events, item=events_of_activity)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from backend.core.manifest import installed, resolve

STATUSES = ("confirmed", "tentative", "cancelled")


@dataclass(frozen=True)
class CalendarEvent:
    """One event as a calendar shows it. Times are aware (UTC is fine: the feed converts them)."""

    uid: str  # stable for the life of the item, unique across sources: "<source>-<id>" (the feed adds a domain)
    title: str
    description: str
    start: datetime
    end: datetime
    location: str = ""
    url: str = ""  # the item's page in the app, a path ("/activities/12"); the feed makes it absolute
    updated: datetime | None = None  # when the item last changed (LAST-MODIFIED; SEQUENCE follows it)
    status: str = "confirmed"  # confirmed | tentative | cancelled (a cancelled event stays in feeds as such)
    geo: tuple[float, float] | None = None  # (latitude, longitude), WGS-84, when the item has a map point

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"calendar event {self.uid!r}: status must be one of {STATUSES}")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError(f"calendar event {self.uid!r}: start and end must be aware datetimes")


EventsFn = Callable[..., Iterable[CalendarEvent]]
ItemFn = Callable[..., Iterable[CalendarEvent]]


@dataclass(frozen=True)
class CalendarSource:
    name: str
    events: EventsFn
    item: ItemFn | None = None


_SOURCES: dict[str, CalendarSource] = {}
_loaded = False


def register_calendar_source(name: str, fn: EventsFn, *, item: ItemFn | None = None) -> CalendarSource:
    """Add `name`'s events to every community calendar. Registering a name twice fails at import."""
    if name in _SOURCES:
        raise ValueError(f"calendar source {name!r} registered twice")
    source = CalendarSource(name, fn, item)
    _SOURCES[name] = source
    return source


def _load_domains() -> None:
    """Import every installed domain's calendar module once (their import registers the sources)."""
    global _loaded
    if _loaded:
        return
    for domain in installed():
        if domain.calendar:
            resolve(domain.calendar)
    _loaded = True


def sources() -> dict[str, CalendarSource]:
    _load_domains()
    return dict(_SOURCES)


def source(name: str) -> CalendarSource | None:
    return sources().get(name)


def events(community_id: int, *, actor, since: datetime, until: datetime) -> list[CalendarEvent]:
    """Every source's events of the community that the actor may see, soonest first."""
    found = [
        event
        for found_source in sources().values()
        for event in found_source.events(community_id, actor=actor, since=since, until=until)
    ]
    return sorted(found, key=lambda event: (event.start, event.uid))
