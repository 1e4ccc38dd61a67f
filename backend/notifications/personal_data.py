"""My inbox, my notification choices, what I follow, the devices that get my pushes (without their keys)."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.notifications.models import (
    Follow,
    HeldPush,
    Notification,
    NotificationPreference,
    NotificationSetting,
    PushSubscription,
    UrgentSms,
)

TABLES = (
    "notifications",
    "notification_preferences",
    "notification_settings",
    "follows",
    "push_subscriptions",
    "held_pushes",
    "urgent_sms",
)


def export(user) -> dict:
    mine = user.id
    return {
        "inbox": rows_of(select(Notification).where(Notification.user_id == mine)),
        "preferences": rows_of(select(NotificationPreference).where(NotificationPreference.user_id == mine)),
        "settings": rows_of(select(NotificationSetting).where(NotificationSetting.user_id == mine)),
        "follows": rows_of(select(Follow).where(Follow.user_id == mine)),
        # The keys let anyone push to the device; a copy of them in a download is a risk, not a right.
        "devices": rows_of(
            select(PushSubscription).where(PushSubscription.user_id == mine), leave_out=("p256dh", "auth")
        ),
        "held_pushes": rows_of(select(HeldPush).where(HeldPush.user_id == mine)),
        "urgent_sms": rows_of(select(UrgentSms).where(UrgentSms.user_id == mine)),
    }
