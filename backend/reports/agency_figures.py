"""How agencies do (issue 19): per agency, over a month of one community or of every community under a street
or district — transfers received, answered and answered by the agency's response deadline, returned, resolved
and resolved by its resolve deadline, the share of those reopened, the mean stars of the reports it closed, and
what it holds now (open, overdue). The same figures are the committee's and the officials' scorecards and the
street's published monthly league table (信息公开: agencies' names and counts, no person).

One aggregate statement per figure family, grouped by agency (counts and sums only; shares and means derived
here), so a district's month costs the same few statements as a community's.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, func, select

from backend.agencies import services as agencies
from backend.communities import access, region_lookup
from backend.communities import services as communities
from backend.core.db import utcnow
from backend.core.errors import ValidationFailed, register_field_messages
from backend.extensions import db
from backend.reports.models import OPEN_STATUSES, Report, ReportTransfer

register_field_messages({"a month as YYYY-MM": "请按“年-月”填写月份，例如 2026-12。"})

FIGURES = (
    "received",
    "answered",
    "answered_on_time",
    "response_on_time_share",
    "returned",
    "resolved",
    "resolved_on_time",
    "resolve_on_time_share",
    "reopened",
    "reopen_rate",
    "ratings",
    "mean_stars",
    "open",
    "overdue",
)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE", "Asia/Shanghai"))


def month_bounds(month: str | None) -> tuple[str, datetime, datetime]:
    """The month (YYYY-MM, default this month where the community is) as UTC [start, end).

    :raises ValidationFailed: not a month
    """
    zone = _zone()
    if month is None:
        now = datetime.now(zone)
        year, number = now.year, now.month
    else:
        try:
            year, number = (int(part) for part in month.split("-"))
            datetime(year, number, 1)
        except (ValueError, TypeError):
            raise ValidationFailed({"month": ["a month as YYYY-MM"]}) from None
        if not 2000 <= year <= 2100:
            raise ValidationFailed({"month": ["a month as YYYY-MM"]})
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=zone)
    return f"{year:04d}-{number:02d}", start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def agency_figures(community_ids: list[int], start: datetime, end: datetime, *, now: datetime | None = None):
    """{agency_id: figures} for the transfers of these communities in [start, end)."""
    now = now or utcnow()
    if not community_ids:
        return {}
    t = ReportTransfer
    answered_at = func.coalesce(t.accepted_at, t.returned_at)
    in_period = lambda column: and_(column >= start, column < end)  # noqa: E731
    rows = db.session.execute(
        select(
            t.agency_id,
            _count(in_period(t.created_at)).label("received"),
            _count(in_period(answered_at)).label("answered"),
            _count(and_(in_period(answered_at), answered_at <= t.respond_due_at)).label("answered_on_time"),
            _count(in_period(t.returned_at)).label("returned"),
            _count(in_period(t.first_resolved_at)).label("resolved"),
            _count(and_(in_period(t.first_resolved_at), t.first_resolved_at <= t.resolve_due_at)).label(
                "resolved_on_time"
            ),
            _count(and_(in_period(t.first_resolved_at), t.reopen_count > 0)).label("reopened"),
            _count(t.state.in_(("pending", "accepted"))).label("open"),
        )
        .where(t.community_id.in_(community_ids))
        .group_by(t.agency_id)
    ).all()
    found = {row.agency_id: dict(row._mapping) for row in rows}
    # The resident's stars of the reports the agency closed this month, and what it holds past a deadline now.
    stars = db.session.execute(
        select(t.agency_id, func.count(Report.rating_stars), func.sum(Report.rating_stars))
        .join(Report, Report.id == t.open_report_id)
        .where(
            t.community_id.in_(community_ids),
            Report.rating_stars.is_not(None),
            Report.closed_at >= start,
            Report.closed_at < end,
        )
        .group_by(t.agency_id)
    ).all()
    overdue = db.session.execute(
        select(t.agency_id, func.count())
        .join(Report, Report.id == t.open_report_id)
        .where(
            t.community_id.in_(community_ids),
            t.state.in_(("pending", "accepted")),
            Report.status.in_(OPEN_STATUSES),
            Report.next_due_at < now,
        )
        .group_by(t.agency_id)
    ).all()
    for agency_id, ratings, total in stars:
        found.setdefault(agency_id, {})["ratings"], found[agency_id]["stars_total"] = ratings, total
    for agency_id, count in overdue:
        found.setdefault(agency_id, {})["overdue"] = count
    return {agency_id: _derived(values) for agency_id, values in found.items()}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _derived(values: dict) -> dict:
    figures = {name: int(values.get(name) or 0) for name in FIGURES if not name.endswith(("share", "rate", "stars"))}
    figures["response_on_time_share"] = _share(figures["answered_on_time"], figures["answered"])
    figures["resolve_on_time_share"] = _share(figures["resolved_on_time"], figures["resolved"])
    figures["reopen_rate"] = _share(figures["reopened"], figures["resolved"])
    total = int(values.get("stars_total") or 0)
    figures["mean_stars"] = round(total / figures["ratings"], 2) if figures["ratings"] else None
    return figures


def _rows(community_ids: list[int], start: datetime, end: datetime, serving: list) -> list[dict]:
    figures = agency_figures(community_ids, start, end)
    by_id = {a.id: a for a in serving}
    by_id.update(agencies.agencies_by_id(set(figures) - set(by_id)))
    empty = _derived({})
    return [{"agency": agency, "figures": figures.get(agency.id, empty)} for agency in by_id.values()]


def _ranked(rows: list[dict]) -> list[dict]:
    """Best first: resolved on time, then satisfaction, then fewest reopened; agencies with nothing last."""

    def key(row):
        f = row["figures"]
        return (
            not (f["received"] or f["open"] or f["resolved"]),
            -(f["resolve_on_time_share"] if f["resolve_on_time_share"] is not None else -1),
            -(f["mean_stars"] or 0),
            f["reopen_rate"] if f["reopen_rate"] is not None else 1,
            row["agency"].name,
        )

    ranked = sorted(rows, key=key)
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return ranked


def community_scorecards(actor, community_id: int, *, month: str | None = None) -> dict:
    """The agencies serving a community (or holding its reports), with their figures there this month (the
    committee, the officials of its street and district, platform admins)."""
    communities.get_community(community_id)
    access.require_overseer(actor, community_id)
    label, start, end = month_bounds(month)
    rows = _rows([community_id], start, end, agencies.serving_any([community_id]))
    return {"month": label, "items": _ranked(rows)}


def league_table(region_id: int, *, month: str | None = None) -> dict:
    """The published monthly league table of the agencies working in a street's (or district's) communities:
    names, kinds and figures, best first; no person (anyone may read it)."""
    region = region_lookup.get_region(region_id)
    label, start, end = month_bounds(month)
    community_ids = region_lookup.community_ids_in_region(region.id)
    rows = _rows(community_ids, start, end, agencies.serving_any(community_ids))
    return {"region": region, "month": label, "items": _ranked(rows)}
