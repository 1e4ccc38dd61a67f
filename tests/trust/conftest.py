"""The voting fixtures (a town with a committee member and verified residents, poll factories, time travel), for
the attacks on ballots in test_ballots.py."""

from tests.voting.conftest import end_poll, new_poll, town, vote  # noqa: F401  (fixtures, found by pytest here)
