"""Reporting periods in the community's local time (pure: no database).

Periods are half-open [start, end) in UTC, with their edges at local midnight: a week starts on Monday,
a quarter in January, April, July or October. A custom period runs from its first to its last day,
both included. The local time zone is INSIGHTS_TIMEZONE (default Asia/Shanghai).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backend.core.errors import ValidationFailed

KINDS = ("week", "month", "quarter", "custom")
MAX_CUSTOM_DAYS = 366
DEFAULT_TIMEZONE = "Asia/Shanghai"


def local_zone(config: dict | None = None) -> ZoneInfo:
    name = (config or {}).get("INSIGHTS_TIMEZONE") or os.environ.get("INSIGHTS_TIMEZONE") or DEFAULT_TIMEZONE
    return ZoneInfo(name)


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: date  # local dates, both included
    last_day: date
    start: datetime  # UTC instants, [start, end)
    end: datetime

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.first_day.isoformat(),
            "end": self.last_day.isoformat(),
            "starts_at": self.start,
            "ends_at": self.end,
        }


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight of `day` as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _span(kind: str, first: date, after_last: date, zone: ZoneInfo) -> Period:
    return Period(kind, first, after_last - timedelta(days=1), midnight(first, zone), midnight(after_last, zone))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def resolve(kind: str, now: datetime, zone: ZoneInfo, start: date | None = None, end: date | None = None) -> Period:
    """The period of `kind` that contains `now` (or the custom days `start`..`end`).

    :raises ValidationFailed: a custom period without both dates, reversed, or longer than a year
    """
    today = now.astimezone(zone).date()
    if kind == "week":
        monday = today - timedelta(days=today.weekday())
        return _span(kind, monday, monday + timedelta(days=7), zone)
    if kind == "month":
        first = today.replace(day=1)
        return _span(kind, first, _add_months(first, 1), zone)
    if kind == "quarter":
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return _span(kind, first, _add_months(first, 3), zone)
    if start is None or end is None:
        raise ValidationFailed({"start": ["give start and end dates for a custom period"]})
    if end < start:
        raise ValidationFailed({"end": ["the end date is before the start date"]})
    if (end - start).days + 1 > MAX_CUSTOM_DAYS:
        raise ValidationFailed({"end": [f"a custom period is at most {MAX_CUSTOM_DAYS} days"]})
    return _span(kind, start, end + timedelta(days=1), zone)


def week_edges(now: datetime, zone: ZoneInfo, weeks: int) -> list[datetime]:
    """weeks + 1 edges: `weeks` whole local weeks, the last being the week that contains `now`."""
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return [midnight(monday - timedelta(weeks=weeks - 1 - i), zone) for i in range(weeks + 1)]


def month_edges(now: datetime, zone: ZoneInfo, months: int) -> list[datetime]:
    """months + 1 edges: `months` local calendar months, the last being the month that contains `now`."""
    first = now.astimezone(zone).date().replace(day=1)
    return [midnight(_add_months(first, i - months + 1), zone) for i in range(months + 1)]


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()
