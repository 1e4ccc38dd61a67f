"""Projects and their timeline steps as targets: commented, flagged, hidden, followed, illustrated."""

from backend.core import targets
from backend.projects import services
from backend.projects.models import Project, ProjectEvent

project = targets.register(
    "project",
    model=Project,
    can_see=services.can_see,
    path="projects",
    excerpt=targets.excerpt_of("title", "summary"),
    flaggable=True,
    hideable=True,
    followable=True,
    commentable=True,
    photos=True,
)
# A progress step's photos are seen by whoever sees its project (a draft's stay with its author).
targets.register_timeline_step("project_event", ProjectEvent, parent=project, parent_id="project_id")
