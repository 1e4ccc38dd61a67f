"""Insights services: permission first, then the domains' figures composed and shaped for the API.

The SQL lives in each domain's `figures.py` (backend.reports.figures, ...): this module never touches
another domain's tables, it only composes their aggregates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from backend.accounts.services import users_by_id
from backend.aid import figures as aid_figures
from backend.communities import access
from backend.communities import figures as community_figures
from backend.communities import services as communities
from backend.core.db import utcnow
from backend.core.errors import NotFound, register_field_messages, register_messages
from backend.core.i18n import DEFAULT_LOCALE
from backend.core.sql import merge_into
from backend.extensions import db
from backend.insights import early_warnings, exports, open_data, periods, shape
from backend.insights.models import CommunityFigures, SentWarning
from backend.moderation import figures as moderation_figures
from backend.notifications.services import notify
from backend.patrols import figures as patrol_figures
from backend.projects import figures as project_figures
from backend.reports import categories as report_categories
from backend.reports import figures as report_figures
from backend.volunteering import figures as volunteer_figures
from backend.voting import figures as voting_figures

TREND_WEEKS = 12
MAP_FIGURES = ("open", "overdue", "new", "resolved", "within_deadline_share", "mean_stars", "resolve_hours_median")

register_messages(
    "insights",
    {
        "unknown_export": {
            "zh-CN": ("没有这种导出", "可导出：reports、projects、polls、aid、volunteer-hours。"),
            "en": ("No such export", "Exports: reports, projects, polls, aid, volunteer-hours."),
        },
    },
)
register_field_messages(
    {
        "give start and end dates for a custom period": "自定义时段请填写开始和结束日期。",
        "the end date is before the start date": "结束日期早于开始日期。",
        f"a custom period is at most {periods.MAX_CUSTOM_DAYS} days": f"自定义时段最长 {periods.MAX_CUSTOM_DAYS} 天。",
    }
)


def _zone():
    return periods.local_zone(current_app.config)


def _require_reader(actor, community_id: int):
    """The community's committee, or a platform admin (who runs the district)."""
    access.require_user(actor)
    if not getattr(actor, "is_platform_admin", False):
        access.require_committee(actor, community_id)


def _require_overseer(actor, community_id: int):
    """The committee, a platform admin, or an official of the street or district above the community: the
    aggregate figures only (exports, which list reports one by one, stay with the committee)."""
    access.require_overseer(actor, community_id)


def _community_ref(community) -> dict:
    return {"id": community.id, "name": community.name, "name_en": community.name_en}


def _period(period: str, start: date | None, end: date | None, now: datetime) -> periods.Period:
    return periods.resolve(period, now, _zone(), start, end)


# --- composition ---------------------------------------------------------------------------------


def raw_figures(
    community_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    by: str | None = None,
    buckets: list[datetime] | None = None,
    now: datetime | None = None,
) -> dict[tuple, dict]:
    """Every domain's raw aggregates, keyed (community_id, grid_id | None, bucket | None)."""
    now = now or utcnow()
    found = report_figures.report_figures(community_ids, start, end, by=by, buckets=buckets, now=now)
    merge_into(found, project_figures.project_figures(community_ids, start, end, by=by, buckets=buckets))
    merge_into(found, aid_figures.aid_figures(community_ids, start, end, by=by, buckets=buckets))
    merge_into(found, volunteer_figures.volunteer_figures(community_ids, start, end, by=by, buckets=buckets, now=now))
    if by is None:
        merge_into(found, voting_figures.ballot_figures(community_ids, start, end, buckets=buckets))
        merge_into(found, moderation_figures.moderation_figures(community_ids, start, end, buckets=buckets))
    if not buckets:
        merge_into(
            found,
            community_figures.participation(community_ids, voting_figures.voters(community_ids, start, end), by=by),
        )
    return found


def _grid_ref(grid: dict | None) -> dict | None:
    if grid is None:
        return None
    return {"id": grid["id"], "number": grid["number"], "name": grid["name"], "responsible": grid.get("responsible")}


def dashboard(
    actor,
    community_id: int,
    *,
    period: str = "week",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    locale: str = DEFAULT_LOCALE,
) -> dict:
    """The committee's figures for a period: the community, each grid, each report category, warnings.

    :raises AuthRequired: visitor
    :raises Forbidden: not the community's committee (nor a platform admin)
    :raises ValidationFailed: a bad custom period
    """
    community = communities.get_community(community_id)
    _require_overseer(actor, community_id)
    now = now or utcnow()
    span = _period(period, start, end, now)
    ids = [community_id]
    totals = raw_figures(ids, span.start, span.end, now=now).get((community_id, None, None), {})
    by_grid = raw_figures(ids, span.start, span.end, by="grid", now=now)
    grid_rows = [
        {"grid": _grid_ref(grid), "figures": shape.grid_figures(by_grid.get((community_id, grid["id"], None), {}))}
        for grid in community_figures.grids_of(community_id)
    ]
    unassigned = by_grid.get((community_id, None, None))
    if unassigned and any(unassigned.get(k) for k in ("new", "open", "resolved", "aid_posts")):
        grid_rows.append({"grid": None, "figures": shape.grid_figures(unassigned)})
    by_category = report_figures.report_figures(ids, span.start, span.end, by="category", now=now)
    keys = list(report_categories.categories_of(community))
    keys += sorted({key for _cid, key, _b in by_category if key not in keys})
    category_rows = [
        {
            "category": key,
            "label": report_categories.label(key, locale),
            "reports": shape.report_figures(by_category.get((community_id, key, None), {})),
        }
        for key in keys
    ]
    return {
        "community": _community_ref(community),
        "period": span.as_dict(),
        "generated_at": now,
        "figures": shape.community_figures(totals),
        "grids": grid_rows,
        "categories": category_rows,
        "warnings": _warnings_with_state(community_id, now, locale),
    }


def _series(raw_by_bucket: dict[int, dict], weeks: int, community_level: bool) -> dict[str, list]:
    series: dict[str, list] = {}
    for week in range(weeks):
        raw = raw_by_bucket.get(week, {})
        reports = shape.report_figures(raw, snapshot=False)
        values = {
            "reports_new": reports["new"],
            "reports_resolved": reports["resolved"],
            "resolve_hours_median": reports["resolve_hours"]["median"],
            "accept_hours_median": reports["accept_hours"]["median"],
            "within_deadline_share": reports["within_deadline_share"],
            "reopen_rate": reports["reopen_rate"],
            "mean_stars": reports["satisfaction"]["mean_stars"],
            "ratings": reports["satisfaction"]["ratings"],
            "ballots": (raw.get("ballots") or 0) if community_level else None,
            "projects_submitted": raw.get("submitted") or 0,
            "aid_posts": raw.get("aid_posts") or 0,
            "aid_hours": round((raw.get("minutes_exchanged") or 0) / 60, 2),
            "volunteer_signups": raw.get("signups") or 0,
            "volunteer_hours": round((raw.get("volunteer_minutes") or 0) / 60, 2),
            "flags": (raw.get("flags") or 0) if community_level else None,
        }
        for name, value in values.items():
            series.setdefault(name, []).append(value)
    return series


def trends(actor, community_id: int, *, grid_id: int | None = None, now: datetime | None = None) -> dict:
    """The main figures week by week for the last 12 local weeks (the last one is this week, so far).

    :raises Forbidden: not the community's committee
    :raises ValidationFailed: a grid of another community
    """
    community = communities.get_community(community_id)
    _require_overseer(actor, community_id)
    grid = communities.grid_in_community(community_id, grid_id)
    now = now or utcnow()
    zone = _zone()
    edges = periods.week_edges(now, zone, TREND_WEEKS)
    found = raw_figures([community_id], edges[0], edges[-1], by="grid" if grid else None, buckets=edges, now=now)
    key = grid.id if grid else None
    by_bucket = {bucket: raw for (cid, k, bucket), raw in found.items() if cid == community_id and k == key}
    weeks = [
        {
            "start": periods.local_day(edges[i], zone).isoformat(),
            "end": (periods.local_day(edges[i + 1], zone) - timedelta(days=1)).isoformat(),
        }
        for i in range(TREND_WEEKS)
    ]
    return {
        "community": _community_ref(community),
        "grid_id": key,
        "generated_at": now,
        "weeks": weeks,
        "series": _series(by_bucket, TREND_WEEKS, community_level=grid is None),
    }


def _map_figures(raw: dict) -> dict:
    reports = shape.report_figures(raw)
    return {
        "open": reports["open"],
        "overdue": reports["overdue"],
        "new": reports["new"],
        "resolved": reports["resolved"],
        "within_deadline_share": reports["within_deadline_share"],
        "mean_stars": reports["satisfaction"]["mean_stars"],
        "ratings": reports["satisfaction"]["ratings"],
        "resolve_hours_median": reports["resolve_hours"]["median"],
    }


def grid_map(
    actor,
    community_id: int,
    *,
    figure: str = "open",
    period: str = "week",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> dict:
    """Grid polygons with the report figures of each grid, and report pins (no reporter) for the SVG map."""
    community = communities.get_community(community_id)
    _require_overseer(actor, community_id)
    now = now or utcnow()
    span = _period(period, start, end, now)
    by_grid = report_figures.report_figures([community_id], span.start, span.end, by="grid", now=now)
    grids = [
        {
            **_grid_ref(grid),
            "polygon": grid["polygon"],
            "figures": _map_figures(by_grid.get((community_id, grid["id"], None), {})),
        }
        for grid in community_figures.grids_of(community_id)
    ]
    for grid in grids:
        grid["value"] = grid["figures"][figure]
    return {
        "community": _community_ref(community),
        "period": span.as_dict(),
        "figure": figure,
        "grids": grids,
        "unassigned": _map_figures(by_grid.get((community_id, None, None), {})),
        "pins": report_figures.report_pins(community_id, span.start, span.end),
    }


# --- early warnings --------------------------------------------------------------------------------


def _described(warning: dict, grids: dict[int, dict], locale: str) -> dict:
    described = {key: value for key, value in warning.items() if key != "community_id"}
    if warning["kind"] == "grid_surge":
        described["grid"] = grids.get(warning["grid_id"])
    else:
        described["label"] = report_categories.label(warning["category"], locale)
    return described


def _warnings_with_state(community_id: int, now: datetime, locale: str) -> list[dict]:
    found = early_warnings.detect([community_id], now, _zone())
    sent = {
        tuple(row)
        for row in db.session.execute(
            select(SentWarning.kind, SentWarning.subject, SentWarning.week_start).where(
                SentWarning.community_id == community_id
            )
        )
    }
    grids = community_figures.grid_names([community_id])
    return [
        {**_described(w, grids, locale), "notified": (w["kind"], w["subject"], w["week_start"]) in sent} for w in found
    ]


def warnings(actor, community_id: int, *, now: datetime | None = None, locale: str = DEFAULT_LOCALE) -> dict:
    """This week's early warnings for the committee, each marked as notified or not yet."""
    community = communities.get_community(community_id)
    _require_overseer(actor, community_id)
    now = now or utcnow()
    return {
        "community": _community_ref(community),
        "generated_at": now,
        "rules": {
            "surge_sigmas": early_warnings.SURGE_SIGMAS,
            "surge_floor": early_warnings.SURGE_FLOOR,
            "baseline_weeks": early_warnings.BASELINE_WEEKS,
            "recent_weeks": early_warnings.RECENT_WEEKS,
            "reopen_rise": early_warnings.REOPEN_RISE,
            "reopen_min_resolved": early_warnings.REOPEN_MIN_RESOLVED,
        },
        "items": _warnings_with_state(community_id, now, locale),
    }


def _record_once(warning: dict) -> bool:
    """Insert the sent-warning row; False when another sweep recorded it first (the unique constraint)."""
    detail = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in warning.items() if k != "community_id"}
    try:
        with db.session.begin_nested():
            db.session.add(
                SentWarning(
                    community_id=warning["community_id"],
                    kind=warning["kind"],
                    subject=warning["subject"],
                    week_start=warning["week_start"],
                    detail=detail,
                    sent_at=utcnow(),
                )
            )
    except IntegrityError:
        return False
    return True


def send_warnings(now: datetime | None = None) -> int:
    """Job: detect this week's warnings in every community and tell each committee once (kind insights_warning).

    Safe to run often and from several processes: a warning already recorded is not sent again. The
    caller commits (CLI, job runner).
    """
    now = now or utcnow()
    community_ids = community_figures.all_community_ids()
    if not community_ids:
        return 0
    found = early_warnings.detect(community_ids, now, _zone())
    grids = community_figures.grid_names(community_ids)
    already: set[tuple] = set()
    if found:
        recorded = select(
            SentWarning.community_id, SentWarning.kind, SentWarning.subject, SentWarning.week_start
        ).where(SentWarning.week_start >= min(w["week_start"] for w in found))
        already = {tuple(row) for row in db.session.execute(recorded)}
    sent = 0
    for warning in found:
        if (warning["community_id"], warning["kind"], warning["subject"], warning["week_start"]) in already:
            continue
        if not _record_once(warning):
            continue
        context = {
            "warning_kind": warning["kind"],
            "week_start": warning["week_start"].isoformat(),
            "url": f"/committee/insights?community={warning['community_id']}",
        }
        if warning["kind"] == "grid_surge":
            grid = grids.get(warning["grid_id"]) or {}
            context |= {
                "grid_name": grid.get("name", ""),
                "subject_label": grid.get("name", ""),
                "count": warning["count"],
                "threshold": warning["threshold"],
            }
        else:
            label = report_categories.label(warning["category"], "zh-CN")
            context |= {
                "category": warning["category"],
                "category_label": label,
                "subject_label": label,
                "recent_rate": warning["recent_rate"],
                "baseline_rate": warning["baseline_rate"],
            }
        notify(
            communities.committee_member_ids(warning["community_id"]),
            "insights_warning",
            context,
            community_id=warning["community_id"],
            url=f"/committee/insights?community={warning['community_id']}",
        )
        sent += 1
    db.session.flush()
    return sent


# --- exports and open data ----------------------------------------------------------------------


def export_csv(
    actor,
    community_id: int,
    name: str,
    *,
    period: str = "month",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    locale: str = DEFAULT_LOCALE,
) -> tuple[str, str]:
    """(file name, CSV text with BOM) of one export for the period (committee).

    :raises NotFound: ``insights.unknown_export``
    """
    community = communities.get_community(community_id)
    _require_reader(actor, community_id)
    if name not in exports.EXPORTS:
        raise NotFound("insights.unknown_export")
    now = now or utcnow()
    span = _period(period, start, end, now)
    zone = _zone()
    grids = {gid: grid["name"] for gid, grid in community_figures.grid_names([community_id]).items()}
    context = {
        "locale": locale,
        "grids": grids,
        "local": lambda moment: "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    }
    text = "".join(exports.csv_lines(name, community_id, span.start, span.end, context))
    filename = f"linli-{community.id}-{name}-{span.first_day.isoformat()}-{span.last_day.isoformat()}.csv"
    return filename, text


def open_data_of(community_id: int, *, now: datetime | None = None) -> dict:
    """Aggregate figures per grid and month for anyone, small counts suppressed (see insights.open_data)."""
    community = communities.get_community(community_id)
    grids = community_figures.grids_of(community_id)
    return open_data.build(community, grids, now or utcnow(), _zone())


# --- scorecards ------------------------------------------------------------------------------------


def _scorecard(raw: dict) -> dict:
    reports = shape.report_figures(raw)
    accepted = raw.get("accepted") or 0
    return {
        "open": reports["open"],
        "overdue": reports["overdue"],
        "accepted": accepted,
        "accepted_within_deadline": raw.get("accepted_within_deadline") or 0,
        "response_on_time_share": shape.share(raw.get("accepted_within_deadline") or 0, accepted),
        "resolved": reports["resolved"],
        "resolved_within_deadline": reports["resolved_within_deadline"],
        "resolve_on_time_share": reports["within_deadline_share"],
        "reopened": reports["reopened"],
        "reopen_rate": reports["reopen_rate"],
        "mean_stars": reports["satisfaction"]["mean_stars"],
        "ratings": reports["satisfaction"]["ratings"],
    }


def scorecards(
    actor,
    community_id: int,
    *,
    period: str = "month",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> dict:
    """Per handler (each grid's responsible person, and anyone else reports are assigned to): reports
    answered and resolved on time, reopen rate and satisfaction for the period, open and overdue now
    (the committee, and the officials of the street and district above it).

    :raises Forbidden: neither the committee nor an official above the community
    """
    community = communities.get_community(community_id)
    _require_overseer(actor, community_id)
    now = now or utcnow()
    span = _period(period, start, end, now)
    found = report_figures.handler_figures([community_id], span.start, span.end, now=now)
    grids_of: dict[int, list[dict]] = {}
    for grid in community_figures.grids_of(community_id):
        if grid.get("responsible"):
            grids_of.setdefault(grid["responsible"]["id"], []).append(
                {"id": grid["id"], "number": grid["number"], "name": grid["name"]}
            )
    patrols = patrol_figures.patrols_by_worker([community_id], span.start, span.end)
    handler_ids = sorted(
        {key for (_cid, key, _b) in found if key is not None} | set(grids_of) | {uid for (_cid, uid) in patrols}
    )
    people = users_by_id(handler_ids)
    rows = [
        {
            "handler": people.get(uid),
            "grids": grids_of.get(uid, []),
            "figures": {
                **_scorecard(found.get((community_id, uid, None), {})),
                "patrols_done": patrols.get((community_id, uid), 0),
            },
        }
        for uid in handler_ids
    ]
    return {
        "community": _community_ref(community),
        "period": span.as_dict(),
        "generated_at": now,
        "items": rows,
        "unassigned": _scorecard(found.get((community_id, None, None), {})),
    }


# --- district / street ---------------------------------------------------------------------------


def region_insights(
    actor,
    region_id: int,
    *,
    period: str = "week",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    locale: str = DEFAULT_LOCALE,
) -> dict:
    """The same figures, one row per community under a street or district, to compare them, with each
    community's warnings of this week (platform admin, the region's officials, the district's above a street).

    The totals row adds counts up; medians and percentiles cannot be added, so they are null there. This week's
    and this month's figures come from the rows the `insights-rollup` job materialised (the answer is then the
    one a live computation gave at the job's `generated_at`); a custom period, a given `now` or rows that are
    missing, of another run or older than INSIGHTS_ROLLUP_MAX_AGE are computed live.
    """
    region, members = community_figures.region_and_communities(region_id)
    if region is None:
        raise NotFound()
    access.require_region_reader(actor, region_id)
    ids = [community.id for community in members]
    stored = _materialised(ids, period) if now is None and start is None and end is None else None
    if stored is not None:
        now, found, warnings_found = stored
        span = _period(period, None, None, now)
    else:
        now = now or utcnow()
        span = _period(period, start, end, now)
        found, warnings_found = _rollup_inputs(ids, span, now)
    warnings_of: dict[int, list[dict]] = {}
    if warnings_found:
        grids = community_figures.grid_names(ids)
        for warning in warnings_found:
            warnings_of.setdefault(warning["community_id"], []).append(_described(warning, grids, locale))
    rows = [
        {
            "community": _community_ref(community),
            "street": {"id": community.street.id, "name": community.street.name} if community.street else None,
            "figures": shape.community_figures(found.get((community.id, None, None), {})),
            "warnings": warnings_of.get(community.id, []),
        }
        for community in members
    ]
    summed: dict[str, float] = {}
    for raw in found.values():
        for name, value in raw.items():
            if isinstance(value, (int, float)) and not name.endswith(("_p50", "_p90")):
                summed[name] = summed.get(name, 0) + value
    return {
        "region": {"id": region.id, "kind": region.kind, "name": region.name},
        "period": span.as_dict(),
        "generated_at": now,
        "communities": rows,
        "totals": shape.community_figures(summed),
    }


# --- the roll-up, materialised -------------------------------------------------------------------
# A district's roll-up aggregates every report, ballot and aid post of 100 communities (about 7 s on PostgreSQL
# at district size, docs/benchmarks.md); the job computes this week's and this month's raw figures and warnings
# of every community in one grouped pass and stores them per community, and the roll-up reads those rows.

ROLLUP_PERIODS = ("week", "month")


def _rollup_inputs(ids: list[int], span: periods.Period, now: datetime) -> tuple[dict[tuple, dict], list[dict]]:
    """The raw figures of the communities for the period, and their early warnings as of `now`."""
    if not ids:
        return {}, []
    return raw_figures(ids, span.start, span.end, now=now), early_warnings.detect(ids, now, _zone())


def _plain(value):
    """A JSON value of a figure (PostgreSQL may hand back Decimal for some sums)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _thawed(warning: dict) -> dict:
    return {**warning, "week_start": date.fromisoformat(warning["week_start"])}


def _max_age() -> timedelta:
    return timedelta(seconds=current_app.config.get("INSIGHTS_ROLLUP_MAX_AGE", 1200))


def _materialised(ids: list[int], period: str) -> tuple[datetime, dict[tuple, dict], list[dict]] | None:
    """(generated_at, raw figures, warnings) from one run of the job covering every community, or None."""
    if period not in ROLLUP_PERIODS or not ids:
        return None
    rows = list(
        db.session.scalars(
            select(CommunityFigures).where(CommunityFigures.community_id.in_(ids), CommunityFigures.period == period)
        )
    )
    stamps = {row.generated_at for row in rows}
    if len(rows) != len(set(ids)) or len(stamps) != 1:
        return None
    generated_at = stamps.pop()
    current = utcnow()
    # Too old, or of a period that has ended since (Monday 00:05 is a new week).
    if generated_at < current - _max_age() or _period(period, None, None, generated_at) != _period(
        period, None, None, current
    ):
        return None
    by_id = {row.community_id: row for row in rows}
    found = {(cid, None, None): by_id[cid].figures for cid in sorted(by_id) if by_id[cid].figures}
    warnings_found = [_thawed(w) for cid in sorted(by_id) for w in by_id[cid].warnings]
    # In the order detect() gives them: every grid surge first, then the reopen rates.
    warnings_found.sort(key=lambda w: w["kind"] != "grid_surge")
    return generated_at, found, warnings_found


def materialise_rollups(now: datetime | None = None) -> int:
    """Job: this week's and this month's figures and warnings of every community, stored for the roll-up.

    Replaces the previous run's rows in the same transaction (a reader sees one run or the other); safe to run
    twice. The caller commits (CLI, job runner).
    """
    now = now or utcnow()
    ids = community_figures.all_community_ids()
    for period in ROLLUP_PERIODS:
        found, warnings_found = _rollup_inputs(ids, _period(period, None, None, now), now)
        warnings_of: dict[int, list[dict]] = {}
        for warning in warnings_found:
            warnings_of.setdefault(warning["community_id"], []).append(
                {key: _plain(value) for key, value in warning.items()}
            )
        db.session.execute(delete(CommunityFigures).where(CommunityFigures.period == period))
        db.session.add_all(
            CommunityFigures(
                community_id=cid,
                period=period,
                generated_at=now,
                figures={k: _plain(v) for k, v in found.get((cid, None, None), {}).items()},
                warnings=warnings_of.get(cid, []),
            )
            for cid in ids
        )
        db.session.flush()
    return len(ids)
