"""Committee moderation: flags, auto-hide, the queue, actions, appeals, word filter, transparency."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "moderation",
    layer="shared",
    models="backend.moderation.models",
    blueprints=("backend.moderation.routes:blp",),
    personal_data="backend.moderation.personal_data",
)
