"""iCalendar files built with the `icalendar` library from the events the calendar sources yield. Times are
written in Asia/Shanghai with its VTIMEZONE (what residents read); the library escapes text (commas,
semicolons, new lines) and folds long lines at 75 octets without splitting a UTF-8 character."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event

from backend.communities import services as communities
from backend.core import calendar
from backend.core.db import utcnow
from backend.core.errors import NotFound
from backend.core.i18n import DEFAULT_LOCALE

# What a subscribed feed holds: a month back (what just happened stays in people's calendars) and a year on.
FEED_PAST = timedelta(days=31)
FEED_FUTURE = timedelta(days=366)
REFRESH = timedelta(hours=1)

_FEED_NAMES = {"zh-CN": "{community} · 社区日历", "en": "{community} · community calendar"}
_ITEM_NAMES = {"zh-CN": "{title} · {community}", "en": "{title} · {community}"}


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE", "Asia/Shanghai"))


def _uid_domain() -> str:
    """UIDs end in the site's host name, so that they are unique across every calendar a person holds."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "linli"


def _new_calendar(name: str) -> Calendar:
    feed = Calendar()
    feed.add("prodid", "-//Linli//Community calendar//ZH")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("name", name)  # RFC 7986
    feed.add("x-wr-calname", name)  # what Apple and Google calendars show
    feed.add("x-wr-timezone", str(_zone()))
    feed.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")  # the same hour, as the text Outlook reads
    return feed


def _vevent(event: calendar.CalendarEvent, zone: ZoneInfo, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", f"{event.uid}@{_uid_domain()}")
    # DTSTAMP of a published event is when its information last changed (RFC 5545 3.8.7.2), so that the same
    # feed read twice is the same bytes.
    vevent.add("dtstamp", (event.updated or stamp).astimezone(UTC))
    if event.updated:
        vevent.add("last-modified", event.updated.astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("dtend", event.end.astimezone(zone))
    vevent.add("summary", event.title)
    url = current_app.config["PUBLIC_URL"] + event.url if event.url else ""
    description = "\n\n".join(part for part in (event.description, url) if part)
    if description:
        vevent.add("description", description)
    if event.location:
        vevent.add("location", event.location)
    if url:
        vevent.add("url", url)
    if event.geo:
        vevent.add("geo", event.geo)
    vevent.add("status", event.status.upper())
    vevent.add("transp", "OPAQUE")
    return vevent


def _to_bytes(feed: Calendar, events: list[calendar.CalendarEvent]) -> bytes:
    zone, stamp = _zone(), utcnow()
    for event in events:
        feed.add_component(_vevent(event, zone, stamp))
    feed.add_missing_timezones()
    return feed.to_ical()


def community_feed(actor, community_id: int, *, locale: str = DEFAULT_LOCALE) -> bytes:
    """The community's public events from a month ago to a year ahead, as one iCalendar file.

    :raises NotFound: no such community
    """
    community = communities.get_community(community_id)
    now = utcnow()
    # The public feed is the same for everyone: it is read as a visitor, whoever asks.
    events = calendar.events(community.id, actor=None, since=now - FEED_PAST, until=now + FEED_FUTURE)
    name = _FEED_NAMES.get(locale, _FEED_NAMES[DEFAULT_LOCALE]).format(community=community.name)
    return _to_bytes(_new_calendar(name), events)


def item_file(actor, source_name: str, item_id: int, *, locale: str = DEFAULT_LOCALE) -> tuple[str, bytes]:
    """One item's events ("add to calendar"): (file name, iCalendar bytes).

    :raises NotFound: no such source, or an item the source would not show in the public feed
    """
    source = calendar.source(source_name)
    if source is None or source.item is None:
        raise NotFound()
    events = list(source.item(item_id, actor=None))
    if not events:
        raise NotFound()
    title = events[0].title
    return f"{source_name}-{item_id}.ics", _to_bytes(_new_calendar(title), events)
