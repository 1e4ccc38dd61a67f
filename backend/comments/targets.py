"""Comments as targets: flagged and hidden (the thread's count follows whoever hides one)."""

from backend.comments import services
from backend.comments.models import Comment
from backend.core import targets

targets.register(
    "comment",
    model=Comment,
    can_see=services.can_see,
    title=lambda comment: comment.body[:60],
    excerpt=targets.excerpt_of("body"),
    flaggable=True,
    hideable=True,
)
