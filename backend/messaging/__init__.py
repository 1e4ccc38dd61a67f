"""Messaging: SMS and e-mail through a provider interface (a development outbox by default), sent by jobs."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "messaging",
    # Below accounts' neighbours on purpose: accounts sends sign-in codes through it, so it imports no account.
    layer="identity",
    models="backend.messaging.models",
    blueprints=("backend.messaging.routes:blp",),
    personal_data="backend.messaging.personal_data",
    jobs=(
        Job(
            "purge-messages",
            "backend.messaging.services:purge_old_messages",
            HOUR,
            description="delete sent and failed messages older than MESSAGES_KEEP_DAYS",
        ),
    ),
)
