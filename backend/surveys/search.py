"""Surveys in search: their title, description and questions; open and closed surveys are public, drafts are
found by the committee only."""

from sqlalchemy import select

from backend.communities import access
from backend.core import search
from backend.core.db import utcnow
from backend.surveys.models import Survey


def visible_ids(actor, community_id: int):
    stmt = select(Survey.id).where(Survey.community_id == community_id)
    if not access.is_committee(actor, community_id):
        stmt = stmt.where(~Survey.status_is("draft", utcnow()))
    return stmt


search.register(
    "survey",
    model=Survey,
    screen="/surveys/{id}",
    icon="check",
    labels={"zh-CN": ("问卷", "问卷"), "en": ("Survey", "Surveys")},
    title=lambda survey: survey.title,
    body=lambda survey: "\n".join([survey.description or "", *(q.prompt for q in survey.questions)]),
    words=("title", "description", "status"),
    visible_ids=visible_ids,
)
