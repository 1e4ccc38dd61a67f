"""Aid posts as targets: commented (their thread follows the post's visibility), flagged, hidden, followed."""

from backend.aid import services
from backend.aid.models import AidPost
from backend.core import targets

targets.register(
    "aid",
    model=AidPost,
    can_see=services.can_see,
    path="aid",
    excerpt=targets.excerpt_of("title", "body"),
    flaggable=True,
    hideable=True,
    followable=True,
    commentable=True,
)
