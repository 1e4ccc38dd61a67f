"""Communities: regions, grids, memberships, verification, roles and invites."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "communities", layer="community", models="backend.communities.models",
    blueprints=("backend.communities.routes:blp",), targets="backend.communities.targets",
    personal_data="backend.communities.personal_data", seed="backend.communities.demo:seed_foundation",
)
