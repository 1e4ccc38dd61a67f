"""Hearing comments as targets: flagged and hidden like any content (a filtered word holds one for review)."""

from backend.core import targets
from backend.extensions import db
from backend.meetings import services
from backend.meetings.models import HearingComment, Meeting


def _community_of(comment: HearingComment) -> int:
    return db.session.get(Meeting, comment.meeting_id).community_id


# A meeting is something a task in the ledger links to (its decisions open tasks): nothing else acts on it.
targets.register("meeting", model=Meeting, can_see=services.can_see)

targets.register(
    "hearing_comment",
    model=HearingComment,
    can_see=services.hearing_comment_visible,
    community_id=_community_of,
    author_id=lambda comment: comment.author_id,
    title=lambda comment: comment.body[:60],
    excerpt=lambda comment: comment.body[:200],
    flaggable=True,
    hideable=True,
)
