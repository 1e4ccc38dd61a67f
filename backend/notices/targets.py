"""Notices as targets: commented by those they are addressed to, flagged, hidden, followed."""

from backend.core import targets
from backend.notices import services
from backend.notices.models import Notice

targets.register(
    "notice",
    model=Notice,
    can_see=services.can_see,
    path="notices",
    excerpt=targets.excerpt_of("title", "body"),
    official=lambda _notice: True,  # the committee speaks: flags go to its queue, never hide it on their own
    flaggable=True,
    hideable=True,
    followable=True,
    commentable=True,
)
