"""Voting: polls of every method, one ballot per voter or household, frozen results, the recount file."""

from backend.core.manifest import MINUTE, Domain, Job

DOMAIN = Domain(
    "voting",
    layer="content",
    models="backend.voting.models",
    blueprints=("backend.voting.routes:blp",),
    targets="backend.voting.targets",
    personal_data="backend.voting.personal_data",
    search="backend.voting.search",
    jobs=(
        Job(
            "close-polls",
            "backend.voting.services:close_due_polls",
            MINUTE,
            description="freeze the results of polls whose window has ended",
        ),
        Job(
            "remind-polls",
            "backend.voting.services:remind_closing_polls",
            10 * MINUTE,
            description="remind who has not voted, 24 hours before a poll closes",
        ),
    ),
    seed="backend.voting.demo:seed_voting",
)
