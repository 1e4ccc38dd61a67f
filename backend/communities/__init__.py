"""Communities: regions, grids, memberships, verification, roles and invites."""

from backend.core.manifest import MINUTE, Domain, Job

DOMAIN = Domain(
    "communities",
    layer="community",
    models="backend.communities.models",
    blueprints=(
        "backend.communities.routes:blp",
        "backend.communities.assisted_routes:blp",
        "backend.communities.household_routes:blp",
    ),
    targets="backend.communities.targets",
    personal_data="backend.communities.personal_data",
    seed="backend.communities.demo:seed_foundation",
    jobs=(
        Job(
            "lift-suspensions",
            "backend.communities.services:lift_expired_suspensions",
            5 * MINUTE,
            description="write down suspensions whose time is up (reads already show them lifted)",
        ),
    ),
)
