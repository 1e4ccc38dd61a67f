"""Surveys (问卷): multi-question surveys, anonymous or named, one response per person or household."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "surveys",
    layer="content",
    models="backend.surveys.models",
    blueprints=("backend.surveys.routes:blp",),
    targets="backend.surveys.targets",
    personal_data="backend.surveys.personal_data",
    search="backend.surveys.search",
    jobs=(
        Job(
            "close-surveys",
            "backend.surveys.services:close_due_surveys",
            HOUR,
            description="close open surveys whose closes_at has passed",
        ),
    ),
    seed="backend.surveys.demo:seed_surveys",
)
