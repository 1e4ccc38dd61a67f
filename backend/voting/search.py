"""Polls in search: their title, description and options; polls are public, found by anyone."""

from sqlalchemy import select

from backend.core import search
from backend.voting.models import Poll


def visible_ids(_actor, community_id: int):
    return select(Poll.id).where(Poll.community_id == community_id)


search.register(
    "poll",
    model=Poll,
    screen="/polls/{id}",
    icon="vote",
    labels={"zh-CN": ("投票", "投票"), "en": ("Poll", "Polls")},
    title=lambda poll: poll.title,
    body=lambda poll: "\n".join([poll.description or "", *(option.label for option in poll.options)]),
    words=("title", "description"),
    visible_ids=visible_ids,
)
