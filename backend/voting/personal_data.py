"""That I voted in which polls, and what I chose where the poll was public.

A secret ballot was never linked to its voter, so it cannot be part of anyone's copy: that is the point.
"""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.voting.models import Ballot, Poll, RollEntry

TABLES = ("poll_roll", "ballots", "polls")


def export(user) -> dict:
    return {
        # voter_key may name the household: the roll entry already says it is mine.
        "voted_in": rows_of(select(RollEntry).where(RollEntry.user_id == user.id), leave_out=("voter_key",)),
        "public_ballots": rows_of(select(Ballot).where(Ballot.public_voter_id == user.id)),
        "polls_created": rows_of(select(Poll).where(Poll.created_by_id == user.id)),
        # Paper ballots I recorded at a polling table: when and in which poll, not whose (their roll entry is theirs).
        "paper_ballots_recorded": rows_of(
            select(RollEntry).where(RollEntry.recorded_by_id == user.id), leave_out=("user_id", "voter_key")
        ),
    }
