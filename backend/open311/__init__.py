"""Open311 and the 12345 hotline: GeoReport v2 endpoints (JSON and XML) for outside systems with API keys
issued by the platform admin, and hotline tickets taken in from CSV as reports with channel "hotline"."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "open311",
    layer="overview",
    models="backend.open311.models",
    blueprints=("backend.open311.routes:blp",),
    personal_data="backend.open311.personal_data",
    jobs=(
        Job(
            "purge-hotline-previews",
            "backend.open311.services:purge_previews",
            HOUR,
            description="delete hotline import previews never confirmed within a day (callers' words)",
        ),
    ),
)
