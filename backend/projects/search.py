"""Projects in search: their title, summary and body; found by anyone once public, never a draft, a withdrawn
or a hidden one (not even by its author: search shows what the community sees)."""

from sqlalchemy import select

from backend.core import search
from backend.projects.models import PUBLIC_STATUSES, Project


def visible_ids(_actor, community_id: int):
    return select(Project.id).where(
        Project.community_id == community_id, Project.status.in_(PUBLIC_STATUSES), Project.is_hidden.is_(False)
    )


search.register(
    "project",
    model=Project,
    screen="/projects/{id}",
    icon="vote",
    labels={"zh-CN": ("微项目", "项目"), "en": ("Project", "Projects")},
    title=lambda project: project.title,
    body=lambda project: f"{project.summary}\n{project.body}",
    words=("title", "summary", "body"),
    visible_ids=visible_ids,
)
