"""Each dashboard figure of the known week (tests/insights/conftest.py), worked out by hand.

Percentiles are percentile_cont: pos = p * (n - 1), v[floor] + fraction * (v[floor + 1] - v[floor]).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.extensions import db
from tests.insights.conftest import NOW


@pytest.fixture
def board(app, known_week):
    from backend.insights import services

    with app.app_context():
        result = services.dashboard(known_week.committee, known_week.cid, period="week", now=NOW)
    return known_week, result


def grid_row(result, grid_id):
    return next(row["figures"] for row in result["grids"] if row["grid"] and row["grid"]["id"] == grid_id)


def test_period_is_the_local_week(board):
    _town, result = board
    assert result["period"]["start"] == "2026-11-16" and result["period"]["end"] == "2026-11-22"
    assert result["period"]["starts_at"].isoformat() == "2026-11-15T16:00:00+00:00"


def test_community_report_figures(board):
    """Accept times 0.5, 1, 2, 3, 4 h: median 2 h; p90 at pos 3.6 = 3 + 0.6 * (4 - 3) = 3.6 h.
    Resolve times 5, 10, 20, 30, 78 h: median 20 h; p90 = 30 + 0.6 * 48 = 58.8 h. Resolved 5, of which
    3 in time (0.6) and 1 reopened (0.2); ratings 5, 3, 4 (mean 4, two of three >= 4), one confirmed by default."""
    _town, result = board
    assert result["figures"]["reports"] == {
        "open": 3,
        "overdue": 2,
        "new": 7,
        "resolved": 5,
        "accept_hours": {"count": 5, "median": 2.0, "p90": 3.6},
        "resolve_hours": {"count": 5, "median": 20.0, "p90": 58.8},
        "resolved_within_deadline": 3,
        "within_deadline_share": 0.6,
        "reopened": 1,
        "reopen_rate": 0.2,
        "satisfaction": {"mean_stars": 4.0, "ratings": 3, "share_4_plus": 0.6667, "confirmed_by_default": 1},
    }


def test_grid_a_report_figures_with_even_count_percentiles(board):
    """Accept 1, 2, 3, 4 h (n = 4): median at pos 1.5 = 2.5 h, p90 at pos 2.7 = 3.7 h.
    Resolve 10, 20, 30 h: median 20 h, p90 at pos 1.8 = 20 + 0.8 * 10 = 28 h."""
    town, result = board
    assert grid_row(result, town.grid_a)["reports"] == {
        "open": 2,
        "overdue": 1,
        "new": 5,
        "resolved": 3,
        "accept_hours": {"count": 4, "median": 2.5, "p90": 3.7},
        "resolve_hours": {"count": 3, "median": 20.0, "p90": 28.0},
        "resolved_within_deadline": 2,
        "within_deadline_share": 0.6667,
        "reopened": 1,
        "reopen_rate": 0.3333,
        "satisfaction": {"mean_stars": 4.0, "ratings": 2, "share_4_plus": 0.5, "confirmed_by_default": 0},
    }


def test_grid_b_two_values_interpolate(board):
    """Resolve 5 h and 78 h: median 41.5 h, p90 = 5 + 0.9 * 73 = 70.7 h; a single accept time is every percentile."""
    town, result = board
    reports = grid_row(result, town.grid_b)["reports"]
    assert reports["resolve_hours"] == {"count": 2, "median": 41.5, "p90": 70.7}
    assert reports["accept_hours"] == {"count": 1, "median": 0.5, "p90": 0.5}
    assert (reports["within_deadline_share"], reports["reopen_rate"]) == (0.5, 0.0)
    assert reports["satisfaction"] == {"mean_stars": 4.0, "ratings": 1, "share_4_plus": 1.0, "confirmed_by_default": 1}


def test_reports_without_grid_get_their_own_row(board):
    _town, result = board
    unassigned = next(row for row in result["grids"] if row["grid"] is None)
    assert (unassigned["figures"]["reports"]["new"], unassigned["figures"]["reports"]["overdue"]) == (1, 1)


def test_satisfaction_by_category(board):
    _town, result = board
    by_key = {row["category"]: row for row in result["categories"]}
    assert by_key["rubbish"]["label"] == "垃圾环境"
    assert by_key["rubbish"]["reports"]["satisfaction"] == {
        "mean_stars": 4.0,
        "ratings": 2,
        "share_4_plus": 0.5,
        "confirmed_by_default": 0,
    }
    assert by_key["street_lights"]["reports"]["satisfaction"]["confirmed_by_default"] == 1
    assert by_key["noise"]["reports"]["open"] == 1
    assert by_key["parking"]["reports"]["new"] == 0


def test_participation(board):
    """6 verified residents in 5 households (a1 and a2 share one); the week's two ballots come from that one
    household: 1 / 5 = 0.2 of households voted. b1's ballot was cast the week before."""
    town, result = board
    assert result["figures"]["participation"] == {
        "verified_residents": 6,
        "verified_households": 5,
        "voting_households": 1,
        "household_vote_share": 0.2,
        "ballots": 2,
        "projects_submitted": 1,
        "projects_approved": 1,
        "projects_completed": 1,
        "project_ratings": 2,
        "project_mean_stars": 4.5,
    }
    grid_a = grid_row(result, town.grid_a)["participation"]
    assert (
        grid_a["verified_residents"],
        grid_a["verified_households"],
        grid_a["voting_households"],
        grid_a["household_vote_share"],
        grid_a["ballots"],
    ) == (4, 3, 1, 0.3333, 2)
    grid_b = grid_row(result, town.grid_b)["participation"]
    assert (grid_b["household_vote_share"], grid_b["ballots"], grid_b["projects_completed"]) == (0.0, 0, 1)


def test_aid(board):
    """Matched after 2 h and after 1 h: median 1.5 h; 90 minutes in the time bank."""
    town, result = board
    assert result["figures"]["aid"] == {
        "posts": 3,
        "matched": 2,
        "matched_share": 0.6667,
        "match_hours_median": 1.5,
        "hours_exchanged": 1.5,
    }
    assert grid_row(result, town.grid_a)["aid"] == {
        "posts": 2,
        "matched": 1,
        "matched_share": 0.5,
        "match_hours_median": 2.0,
        "hours_exchanged": 0.0,
    }


def test_volunteering(board):
    """Two activities; 4 sign-ups not cancelled; of the 2 confirmed on the finished shift, 1 came: 0.5."""
    town, result = board
    assert result["figures"]["volunteering"] == {
        "activities": 2,
        "signups": 4,
        "attended": 1,
        "attendance_rate": 0.5,
        "hours": 2.0,
    }
    assert grid_row(result, town.grid_a)["volunteering"]["activities"] == 1
    assert grid_row(result, town.grid_b)["volunteering"] == {
        "activities": 0,
        "signups": 0,
        "attended": 0,
        "attendance_rate": None,
        "hours": 0.0,
    }


def test_moderation(board):
    _town, result = board
    assert result["figures"]["moderation"] == {
        "flags": 3,
        "actions": {"hide": 2, "restore": 0, "warn": 1, "suspend": 0, "lift_suspension": 0},
        "appeals": {"filed": 1, "pending": 1, "upheld": 0, "reversed": 1},
    }


def test_trends_are_twelve_weeks_ending_this_week(app, known_week):
    from backend.insights import services

    with app.app_context():
        result = services.trends(known_week.committee, known_week.cid, now=NOW)
    series = result["series"]
    assert len(result["weeks"]) == 12 and result["weeks"][-1] == {"start": "2026-11-16", "end": "2026-11-22"}
    assert series["reports_new"][-3:] == [1, 1, 7]
    assert series["reports_resolved"][-3:] == [0, 1, 5]
    assert series["resolve_hours_median"][-1] == 20.0 and series["resolve_hours_median"][0] is None
    assert series["ballots"][-2:] == [1, 2]
    assert series["volunteer_hours"][-1] == 2.0


def test_grid_trend(app, known_week):
    from backend.insights import services

    with app.app_context():
        result = services.trends(known_week.committee, known_week.cid, grid_id=known_week.grid_b, now=NOW)
    assert result["series"]["reports_new"][-3:] == [1, 1, 1]
    assert result["series"]["ballots"][-1] is None


def test_map_has_polygons_figures_and_pins_without_reporters(app, known_week):
    from backend.insights import services

    with app.app_context():
        result = services.grid_map(known_week.committee, known_week.cid, figure="overdue", period="week", now=NOW)
    grid_a = next(g for g in result["grids"] if g["id"] == known_week.grid_a)
    assert grid_a["polygon"]["type"] == "Polygon" and grid_a["value"] == 1
    assert {pin["status"] for pin in result["pins"]} >= {"submitted", "in_progress", "confirmed"}
    assert len(result["pins"]) == 6  # open or made this week, with a point (the noise report has none)
    assert set(result["pins"][0]) == {"id", "lat", "lng", "category", "status", "grid_id", "is_overdue"}


def test_percentiles_match_percentile_cont_definition(app):
    """The SQL percentile (both databases) equals linear interpolation between closest ranks."""
    from sqlalchemy import literal, union_all

    from backend.core.sql import percentiles

    values = [7, 1, 3, 10, 2, 8]
    with app.app_context():
        inner = union_all(*[select(literal(1).label("community_id"), literal(v).label("v")) for v in values]).subquery()
        row = db.session.execute(percentiles(inner, "v", {"p25": 0.25, "p50": 0.5, "p90": 0.9})).one()

    def cont(p):
        ordered = sorted(values)
        position = p * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (position - low) * (ordered[high] - ordered[low])

    assert (row.n, row.p25, row.p50, row.p90) == (6, cont(0.25), cont(0.5), cont(0.9))
    assert (row.p25, row.p50, row.p90) == (2.25, 5.0, 9.0)
