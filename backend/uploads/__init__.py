"""Uploads: photos validated and re-encoded with Pillow, stored behind a small storage interface."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "uploads",
    layer="shared",
    models="backend.uploads.models",
    blueprints=("backend.uploads.routes:blp",),
    personal_data="backend.uploads.personal_data",
)
