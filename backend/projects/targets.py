"""Projects and their timeline steps as targets: commented, flagged, hidden, followed, illustrated."""

from backend.core import targets
from backend.projects import services
from backend.projects.models import Project, ProjectEvent


def _can_see_event(actor, event: ProjectEvent) -> bool:
    """A progress step's photos are seen by whoever sees its project (a draft's stay with its author)."""
    return services.can_see(actor, services.get_project(event.project_id))


targets.register("project", model=Project, can_see=services.can_see, path="projects",
                 excerpt=targets.excerpt_of("title", "summary"),
                 flaggable=True, hideable=True, followable=True, commentable=True, photos=True)
targets.register("project_event", model=ProjectEvent, can_see=_can_see_event, photos=True,
                 community_id=lambda event: services.get_project(event.project_id).community_id,
                 author_id=lambda event: event.actor_id)
