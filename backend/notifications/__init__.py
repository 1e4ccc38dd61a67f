"""Notifications: the inbox, Web Push to every device, preferences, quiet hours, digests and follows."""

from backend.core.manifest import HOUR, MINUTE, Domain, Job

DOMAIN = Domain(
    "notifications",
    layer="messaging",
    models="backend.notifications.models",
    blueprints=("backend.notifications.routes:blp",),
    personal_data="backend.notifications.personal_data",
    jobs=(
        Job(
            "deliver-notifications",
            "backend.notifications.outbox:deliver_pending",
            MINUTE,
            description="tell people of the writes whose fan-out job never ran (a crash after the commit)",
        ),
        Job(
            "send-held-pushes",
            "backend.notifications.delivery:release_held_pushes",
            5 * MINUTE,
            description="send the pushes held over quiet hours that are due",
        ),
        Job(
            "send-digests",
            "backend.notifications.delivery:send_digests",
            HOUR,
            ("daily",),
            description="the daily digest of community news (nobody gets an empty one)",
        ),
        Job(
            "send-weekly-digests",
            "backend.notifications.delivery:send_digests",
            HOUR,
            ("weekly",),
            description="the weekly digest of community news",
        ),
    ),
    seed="backend.notifications.demo:seed_notifications",
)
