"""Core: errors, permissions helpers, pagination, the database unit of work, the targets registry."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "core",
    layer="core",
    models="backend.core.idempotency",
    jobs=(
        Job(
            "purge-idempotency",
            "backend.core.idempotency:purge_expired",
            HOUR,
            description="delete idempotency records older than 24 hours",
        ),
    ),
)
