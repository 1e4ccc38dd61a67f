"""Polls as targets: anyone may follow one (polls are public)."""

from backend.core import targets
from backend.voting.models import Poll

targets.register("poll", model=Poll, can_see=lambda _actor, _poll: True, followable=True)
