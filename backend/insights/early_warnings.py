"""Early warnings (预警): where things are going wrong before the monthly meeting notices.

1. Report surge in a grid: the grid's new reports in the current local week (Monday to now) exceed
   mean + 2 standard deviations of its weekly counts over the 8 whole weeks before (population standard
   deviation, weeks without reports count as 0), AND reach at least SURGE_FLOOR (5) reports: a grid that
   usually sees 0 or 1 report a week is not in trouble because of 2.
2. Rising reopen rate in a category: of the reports resolved in the last 4 weeks (this week and the 3
   before), the share reopened is at least REOPEN_RISE (10 percentage points) above the share over the 8
   weeks before those, with at least REOPEN_MIN_RESOLVED (5) resolved and REOPEN_MIN_REOPENED (2) reopened
   recently (a single bad job is not a trend).

Counting is SQL (backend.reports.figures); the mean and deviation of 8 weekly counts are arithmetic here.
"""

from __future__ import annotations

import statistics
from datetime import datetime

from backend.insights import periods
from backend.reports import figures as report_figures

BASELINE_WEEKS = 8
SURGE_SIGMAS = 2
SURGE_FLOOR = 5
RECENT_WEEKS = 4
REOPEN_RISE = 0.10
REOPEN_MIN_RESOLVED = 5
REOPEN_MIN_REOPENED = 2


def grid_surges(community_ids: list[int], now: datetime, zone) -> list[dict]:
    edges = periods.week_edges(now, zone, BASELINE_WEEKS + 1)
    counts = report_figures.weekly_new_by(community_ids, edges, "grid")
    grids = {(cid, grid) for cid, grid, _bucket in counts if grid is not None}
    week_start = periods.local_day(edges[-2], zone)
    found = []
    for community_id, grid_id in sorted(grids):
        baseline = [counts.get((community_id, grid_id, week), 0) for week in range(BASELINE_WEEKS)]
        current = counts.get((community_id, grid_id, BASELINE_WEEKS), 0)
        mean, deviation = statistics.fmean(baseline), statistics.pstdev(baseline)
        threshold = mean + SURGE_SIGMAS * deviation
        if current > threshold and current >= SURGE_FLOOR:
            found.append(
                {
                    "community_id": community_id,
                    "kind": "grid_surge",
                    "subject": f"grid:{grid_id}",
                    "week_start": week_start,
                    "grid_id": grid_id,
                    "count": current,
                    "baseline_mean": round(mean, 2),
                    "baseline_sd": round(deviation, 2),
                    "threshold": round(threshold, 2),
                }
            )
    return found


def rising_reopen_rates(community_ids: list[int], now: datetime, zone) -> list[dict]:
    edges = periods.week_edges(now, zone, BASELINE_WEEKS + RECENT_WEEKS)
    recent_start, end = edges[BASELINE_WEEKS], edges[-1]
    recent = report_figures.resolved_and_reopened_by_category(community_ids, recent_start, end)
    baseline = report_figures.resolved_and_reopened_by_category(community_ids, edges[0], recent_start)
    week_start = periods.local_day(edges[-2], zone)
    found = []
    for (community_id, category, _bucket), now_counts in sorted(recent.items(), key=lambda item: str(item[0])):
        before = baseline.get((community_id, category, None), {"resolved": 0, "reopened": 0})
        recent_rate = now_counts["reopened"] / now_counts["resolved"] if now_counts["resolved"] else 0.0
        baseline_rate = before["reopened"] / before["resolved"] if before["resolved"] else 0.0
        if (
            now_counts["resolved"] >= REOPEN_MIN_RESOLVED
            and now_counts["reopened"] >= REOPEN_MIN_REOPENED
            and recent_rate - baseline_rate >= REOPEN_RISE - 1e-9
        ):
            found.append(
                {
                    "community_id": community_id,
                    "kind": "reopen_rising",
                    "subject": f"category:{category}",
                    "week_start": week_start,
                    "category": category,
                    "recent_rate": round(recent_rate, 4),
                    "baseline_rate": round(baseline_rate, 4),
                    "recent_resolved": now_counts["resolved"],
                    "recent_reopened": now_counts["reopened"],
                    "baseline_resolved": before["resolved"],
                    "baseline_reopened": before["reopened"],
                }
            )
    return found


def detect(community_ids: list[int], now: datetime, zone) -> list[dict]:
    return grid_surges(community_ids, now, zone) + rising_reopen_rates(community_ids, now, zone)
