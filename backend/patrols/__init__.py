"""Grid patrols (日常巡管): a grid worker starts and ends a patrol of their grid, with optional position points;
findings recorded on the way become reports in one tap with the patrol as their source; coverage per grid per
week for the committee and the officials above, with the grids nobody patrolled flagged."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "patrols",
    layer="content",
    models="backend.patrols.models",
    blueprints=("backend.patrols.routes:blp",),
    personal_data="backend.patrols.personal_data",
    jobs=(
        Job(
            "end-stale-patrols",
            "backend.patrols.services:end_stale_patrols",
            HOUR,
            description="end patrols left running for more than 12 hours (the worker forgot to end them)",
        ),
    ),
    seed="backend.patrols.demo:seed_patrols",
)
