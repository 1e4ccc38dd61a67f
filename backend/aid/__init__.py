"""Mutual aid (互助): offers and requests between neighbours, blocking, and the optional time bank."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "aid",
    layer="content",
    models="backend.aid.models",
    blueprints=("backend.aid.routes:blp",),
    targets="backend.aid.targets",
    personal_data="backend.aid.personal_data",
    search="backend.aid.search",
    jobs=(
        Job(
            "expire-aid",
            "backend.aid.services:expire_posts",
            HOUR,
            description="mark open aid posts whose date has passed as expired",
        ),
    ),
    seed="backend.aid.demo:seed_aid",
)
