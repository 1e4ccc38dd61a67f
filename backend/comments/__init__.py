"""Comments on every commentable kind of the targets registry: one generic mechanism."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "comments",
    layer="shared",
    models="backend.comments.models",
    blueprints=("backend.comments.routes:blp",),
    targets="backend.comments.targets",
    personal_data="backend.comments.personal_data",
)
