"""From the domains' raw aggregates (counts, sums, percentiles in seconds) to the figures the API shows
(pure: no database). Shares are 0..1 rounded to 4 places, hours to 2, stars to 2; a share or mean
whose denominator is 0 is null."""

from __future__ import annotations

from backend.moderation.figures import ACTION_TYPES

SUPPRESS_BELOW = 5


def share(part, whole, places: int = 4):
    return round(part / whole, places) if whole else None


def hours(seconds, places: int = 2):
    return None if seconds is None else round(seconds / 3600, places)


def mean(total, count, places: int = 2):
    return round(total / count, places) if count else None


def _get(raw: dict, name: str, default=0):
    value = raw.get(name)
    return default if value is None else value


def report_figures(raw: dict, *, snapshot: bool = True) -> dict:
    resolved = _get(raw, "resolved")
    ratings = _get(raw, "ratings")
    figures = {
        "new": _get(raw, "new"),
        "resolved": resolved,
        "accept_hours": {
            "count": _get(raw, "accept_seconds_n"),
            "median": hours(raw.get("accept_seconds_p50")),
            "p90": hours(raw.get("accept_seconds_p90")),
        },
        "resolve_hours": {
            "count": _get(raw, "resolve_seconds_n"),
            "median": hours(raw.get("resolve_seconds_p50")),
            "p90": hours(raw.get("resolve_seconds_p90")),
        },
        "resolved_within_deadline": _get(raw, "resolved_within_deadline"),
        "within_deadline_share": share(_get(raw, "resolved_within_deadline"), resolved),
        "reopened": _get(raw, "reopened"),
        "reopen_rate": share(_get(raw, "reopened"), resolved),
        "satisfaction": {
            "mean_stars": mean(_get(raw, "stars_sum"), ratings),
            "ratings": ratings,
            "share_4_plus": share(_get(raw, "stars_4_plus"), ratings),
            "confirmed_by_default": _get(raw, "confirmed_by_default"),
        },
    }
    if snapshot:
        figures = {"open": _get(raw, "open"), "overdue": _get(raw, "overdue"), **figures}
    return figures


def participation_figures(raw: dict, *, ballots_key: str = "ballots") -> dict:
    households = _get(raw, "verified_households")
    voting = _get(raw, "voting_households")
    ratings = _get(raw, "project_ratings")
    return {
        "verified_residents": _get(raw, "verified_residents"),
        "verified_households": households,
        "voting_households": voting,
        "household_vote_share": share(voting, households),
        "ballots": _get(raw, ballots_key),
        "projects_submitted": _get(raw, "submitted"),
        "projects_approved": _get(raw, "approved"),
        "projects_completed": _get(raw, "completed"),
        "project_ratings": ratings,
        "project_mean_stars": mean(_get(raw, "project_stars_sum"), ratings),
    }


def aid_figures(raw: dict) -> dict:
    posts = _get(raw, "aid_posts")
    return {
        "posts": posts,
        "matched": _get(raw, "aid_matched"),
        "matched_share": share(_get(raw, "aid_matched"), posts),
        "match_hours_median": hours(raw.get("match_seconds_p50")),
        "hours_exchanged": round(_get(raw, "minutes_exchanged") / 60, 2),
    }


def volunteering_figures(raw: dict) -> dict:
    return {
        "activities": _get(raw, "activities"),
        "signups": _get(raw, "signups"),
        "attended": _get(raw, "attended"),
        "attendance_rate": share(_get(raw, "attended"), _get(raw, "expected")),
        "hours": round(_get(raw, "volunteer_minutes") / 60, 2),
    }


def moderation_figures(raw: dict) -> dict:
    return {
        "flags": _get(raw, "flags"),
        "actions": {name: _get(raw, f"actions_{name}") for name in ACTION_TYPES},
        "appeals": {
            "filed": _get(raw, "appeals_filed"),
            "pending": _get(raw, "appeals_pending"),
            "upheld": _get(raw, "appeals_upheld"),
            "reversed": _get(raw, "appeals_reversed"),
        },
    }


def community_figures(raw: dict) -> dict:
    return {
        "reports": report_figures(raw),
        "participation": participation_figures(raw),
        "aid": aid_figures(raw),
        "volunteering": volunteering_figures(raw),
        "moderation": moderation_figures(raw),
    }


def grid_figures(raw: dict) -> dict:
    """A grid's figures: ballots are those of the grid's residents; moderation has no grid."""
    return {
        "reports": report_figures(raw),
        "participation": participation_figures(raw, ballots_key="member_ballots"),
        "aid": aid_figures(raw),
        "volunteering": volunteering_figures(raw),
        "moderation": None,
    }


def suppressed(count, threshold: int = SUPPRESS_BELOW):
    """A count in open data: null below the threshold (a small count can point at a person)."""
    return count if count is not None and count >= threshold else None
