"""Projects I proposed, supported and rated, and the steps I took on any project's timeline."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.projects.models import Project, ProjectEvent, ProjectRating, ProjectSupport

TABLES = ("projects", "project_supports", "project_ratings", "project_events")


def export(user) -> dict:
    return {
        "projects": rows_of(select(Project).where(Project.author_id == user.id)),
        "supports": rows_of(select(ProjectSupport).where(ProjectSupport.user_id == user.id)),
        "ratings": rows_of(select(ProjectRating).where(ProjectRating.user_id == user.id)),
        "timeline_steps": rows_of(select(ProjectEvent).where(ProjectEvent.actor_id == user.id)),
    }
