"""Uploads: photos validated and re-encoded with Pillow, stored behind a small storage interface."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "uploads",
    layer="shared",
    models="backend.uploads.models",
    blueprints=("backend.uploads.routes:blp",),
    personal_data="backend.uploads.personal_data",
    jobs=(
        Job(
            "purge-unattached-uploads",
            "backend.uploads.purge:purge_never_attached",
            HOUR,
            description="delete photos never attached to anything within UPLOAD_UNATTACHED_HOURS (48), files too",
        ),
    ),
)
