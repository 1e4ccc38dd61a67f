"""Demo notifications: an inbox with read and unread items for the demo resident, follows, preferences.

The other domains' seeds notify through notify() as real use does; the lived-in history of older
messages about real items is written by the last seed, backend/home/demo.py. No push is sent: demo
accounts have no devices.
"""

from __future__ import annotations

from backend.core.db import utcnow
from backend.extensions import db
from backend.notifications.models import NotificationPreference, NotificationSetting
from backend.notifications.services import follow


def seed_notifications(ctx) -> None:
    resident = ctx.users["resident"]
    for target_type, target_id in (("project", 1), ("poll", 1), ("report", 1)):
        follow(resident.id, target_type, target_id)
    # 张阿姨 wants notices pushed and a weekly digest; quiet hours are set on her profile.
    db.session.add(NotificationPreference(user_id=resident.id, kind="notice_published", inbox=True, push=True))
    db.session.add(NotificationSetting(user_id=resident.id, digest="weekly", digest_sent_at=utcnow()))
    resident.quiet_hours_start, resident.quiet_hours_end = "22:00", "07:00"
    db.session.flush()
