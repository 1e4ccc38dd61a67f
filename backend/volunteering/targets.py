"""Activities and organisations as targets: activities are commented and followed; both are flagged and hidden."""

from backend.core import targets
from backend.volunteering import services
from backend.volunteering.models import Activity, Organisation

targets.register(
    "activity",
    model=Activity,
    can_see=services.can_see_activity,
    path="activities",
    author_id=lambda activity: activity.created_by_id,
    excerpt=targets.excerpt_of("title", "description"),
    flaggable=True,
    hideable=True,
    followable=True,
    commentable=True,
)
targets.register(
    "organisation",
    model=Organisation,
    can_see=services.can_see_organisation,
    author_id=lambda organisation: organisation.created_by_id,
    title=lambda organisation: organisation.name,
    excerpt=targets.excerpt_of("name", "description"),
    flaggable=True,
    hideable=True,
)
