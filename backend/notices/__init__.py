"""Notices (公告): committee announcements to the community or chosen grids, with read receipts."""

from backend.core.manifest import MINUTE, Domain, Job

DOMAIN = Domain(
    "notices",
    layer="content",
    models="backend.notices.models",
    blueprints=("backend.notices.routes:blp",),
    targets="backend.notices.targets",
    personal_data="backend.notices.personal_data",
    search="backend.notices.search",
    jobs=(
        Job(
            "publish-notices",
            "backend.notices.services:publish_due_notices",
            MINUTE,
            description="announce scheduled notices whose time has come",
        ),
    ),
    seed="backend.notices.demo:seed_notices",
)
