"""Quiet hours (pure): is it quiet for someone now, and when does their quiet end (in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def quiet_until(start: str | None, end: str | None, timezone: str | None, now: datetime) -> datetime | None:
    """The UTC moment the quiet hours that contain `now` end, or None when it is not quiet.

    Hours may wrap midnight (22:00–07:00). Equal start and end mean no quiet hours.
    """
    if not start or not end or start == end:
        return None
    try:
        begin, finish = _clock(start), _clock(end)
    except ValueError:
        return None
    local = now.astimezone(_zone(timezone))
    clock = local.time().replace(tzinfo=None)
    wraps = begin > finish
    quiet = (clock >= begin or clock < finish) if wraps else (begin <= clock < finish)
    if not quiet:
        return None
    ends = datetime.combine(local.date(), finish, tzinfo=local.tzinfo)
    if ends <= local:
        ends = datetime.combine(local.date() + timedelta(days=1), finish, tzinfo=local.tzinfo)
    return ends.astimezone(UTC)
