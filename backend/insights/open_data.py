"""Open data: the community's aggregate figures per grid and local month (the last 12), for anyone.

Nothing personal: no names, no households, no report texts or positions, only counts and figures
derived from them. Small counts can point at a person ("the one noise report in grid 3 in May"), so:
- every count below SUPPRESS_BELOW (5), zero included, is published as null;
- a share, median or mean is null when the count it is computed from is below the threshold;
- complementary suppression: when exactly one grid's value of a figure in a month is suppressed while
  the community total is shown, the next smallest grid value is suppressed too, so that the hidden one
  cannot be recovered by subtraction.
"""

from __future__ import annotations

from datetime import datetime

from backend.aid import figures as aid_figures
from backend.core.sql import merge_into
from backend.insights import periods, shape
from backend.reports import figures as report_figures
from backend.volunteering import figures as volunteer_figures
from backend.voting import figures as voting_figures

MONTHS = 12
COUNTS = ("reports_new", "reports_resolved", "ratings", "aid_posts", "volunteer_signups")
NOTE = {
    "zh-CN": "为保护个人隐私，小于 5 的计数（含 0）以 null 发布；由小计数计算的比例、中位数和平均值同样为 null；"
    "若某月某项只有一个网格被隐藏，则再隐藏一个最小的网格数值，防止相减推算。",
    "en": "To protect privacy, counts below 5 (zero included) are published as null; shares, medians and means "
    "computed from such counts are null too; when only one grid's value of a figure in a month is hidden, "
    "the next smallest grid value is hidden as well, so that it cannot be recovered by subtraction.",
}


def _month_figures(raw: dict, *, with_ballots: bool) -> dict:
    threshold = shape.SUPPRESS_BELOW
    resolved, ratings = raw.get("resolved") or 0, raw.get("ratings") or 0
    seconds_n = raw.get("resolve_seconds_n") or 0
    figures = {
        "reports_new": shape.suppressed(raw.get("new") or 0),
        "reports_resolved": shape.suppressed(resolved),
        "within_deadline_share": shape.share(raw.get("resolved_within_deadline") or 0, resolved)
        if resolved >= threshold
        else None,
        "resolve_hours_median": shape.hours(raw.get("resolve_seconds_p50")) if seconds_n >= threshold else None,
        "ratings": shape.suppressed(ratings),
        "mean_stars": shape.mean(raw.get("stars_sum") or 0, ratings) if ratings >= threshold else None,
        "aid_posts": shape.suppressed(raw.get("aid_posts") or 0),
        "volunteer_signups": shape.suppressed(raw.get("signups") or 0),
        "volunteer_hours": round((raw.get("volunteer_minutes") or 0) / 60, 1)
        if (raw.get("signups") or 0) >= threshold
        else None,
    }
    if with_ballots:
        figures["ballots"] = shape.suppressed(raw.get("ballots") or 0)
    return figures


def _protect_by_complement(grid_rows: list[dict], totals: list[dict]) -> None:
    """Hide a second grid value where a single hidden one could be computed from the shown total."""
    for month_index, total in enumerate(totals):
        for name in COUNTS:
            if total["figures"][name] is None:
                continue
            cells = [row["months"][month_index]["figures"] for row in grid_rows]
            hidden = [cell for cell in cells if cell[name] is None]
            shown = sorted((cell for cell in cells if cell[name] is not None), key=lambda cell: cell[name])
            if len(hidden) == 1 and shown:
                shown[0][name] = None


def build(community, grids: list[dict], now: datetime, zone) -> dict:
    edges = periods.month_edges(now, zone, MONTHS)
    ids = [community.id]
    months = [periods.local_day(edges[i], zone).strftime("%Y-%m") for i in range(MONTHS)]

    def raw_by(by):
        found = report_figures.report_figures(ids, edges[0], edges[-1], by=by, buckets=edges, now=now)
        merge_into(found, aid_figures.aid_figures(ids, edges[0], edges[-1], by=by, buckets=edges))
        merge_into(found, volunteer_figures.volunteer_figures(ids, edges[0], edges[-1], by=by, buckets=edges, now=now))
        if by is None:
            merge_into(found, voting_figures.ballot_figures(ids, edges[0], edges[-1], buckets=edges))
        return found

    per_grid, overall = raw_by("grid"), raw_by(None)
    totals = [
        {"month": months[i], "figures": _month_figures(overall.get((community.id, None, i), {}), with_ballots=True)}
        for i in range(MONTHS)
    ]
    grid_rows = [
        {
            "grid": {"number": grid["number"], "name": grid["name"]},
            "months": [
                {
                    "month": months[i],
                    "figures": _month_figures(per_grid.get((community.id, grid["id"], i), {}), with_ballots=False),
                }
                for i in range(MONTHS)
            ],
        }
        for grid in grids
    ]
    _protect_by_complement(grid_rows, totals)
    return {
        "community": {"id": community.id, "name": community.name, "name_en": community.name_en},
        "generated_at": now,
        "months": months,
        "timezone": str(zone),
        "suppression": {"threshold": shape.SUPPRESS_BELOW, "note": NOTE},
        "totals": totals,
        "grids": grid_rows,
        "licence": "CC BY 4.0",
    }
