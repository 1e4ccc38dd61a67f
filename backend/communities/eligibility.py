"""Who may take part in a community's decision (a poll, a survey) and under which key the roll counts them.

One rule for every domain that keeps a roll: the subject (a Poll, a Survey) says its ``eligibility`` ("member",
"grid" or "household") and, for a grid, its ``grid_id``. The roll's unique key (subject, participant_key) is what
makes it one answer per person or per household, held by the database.
"""

from __future__ import annotations

from backend.communities import services as communities


def participation_problem(member, subject) -> str | None:
    """Why this membership may not take part in `subject` (None: it may)."""
    if member is None:
        return "not_a_member"
    if member.status == "suspended":
        return "suspended"
    if member.status != "verified":
        return "not_verified"
    if subject.eligibility == "grid" and member.grid_id != subject.grid_id:
        return "other_grid"
    if subject.eligibility == "household" and member.household_id is None:
        return "no_household"
    return None


def participant_key(member, subject) -> str:
    """The roll's key: the household for one-per-household subjects, the person otherwise."""
    return f"h{member.household_id}" if subject.eligibility == "household" else f"u{member.user_id}"


def eligible_count(subject) -> int:
    """Verified residents (of the grid) or households with a verified resident, counted in the database."""
    if subject.eligibility == "household":
        return communities.verified_household_count(subject.community_id)
    grid_id = subject.grid_id if subject.eligibility == "grid" else None
    return communities.verified_member_count(subject.community_id, grid_id)
