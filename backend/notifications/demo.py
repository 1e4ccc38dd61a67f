"""Demo notifications: an inbox with read and unread items for the demo resident, follows, preferences.

Runs after the other domains' seeds (which already notify through notify()); this adds a lived-in
history, so the inbox and the badge show something on first sign-in. No push is sent: demo accounts
have no devices.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from backend.core.db import utcnow
from backend.extensions import db
from backend.notifications.models import Notification, NotificationPreference, NotificationSetting
from backend.notifications.services import follow, notify


def seed_notifications(ctx) -> None:
    community, users = ctx.community, ctx.users
    resident, committee, grid = users["resident"], users["committee"], users["grid"]
    cid = community.id
    history = [
        (
            resident,
            "report_status_changed",
            {"report_id": 1, "report_title": "3号楼路灯不亮", "status": "resolved"},
            30,
        ),
        (resident, "poll_opened", {"poll_id": 1, "poll_title": "小花园改造方案"}, 26),
        (
            resident,
            "notice_published",
            {"notice_id": 1, "notice_title": "周六上午消防演练", "excerpt": "请各位居民配合疏散演练。"},
            20,
        ),
        (resident, "aid_response", {"aid_id": 1, "aid_title": "帮忙取快递", "responder_name": "周师傅"}, 6),
        (
            resident,
            "shift_reminder",
            {
                "shift_id": 1,
                "activity_id": 1,
                "activity_title": "社区义诊",
                "starts_at": (utcnow() + timedelta(hours=2)).isoformat(),
            },
            1,
        ),
        (committee, "report_overdue", {"report_id": 2, "report_title": "垃圾堆放未清理"}, 3),
        (grid, "report_status_changed", {"report_id": 2, "report_title": "垃圾堆放未清理", "status": "assigned"}, 4),
    ]
    for person, kind, context, hours_ago in history:
        row_ids = notify([person.id], kind, context, community_id=cid)
        when = utcnow() - timedelta(hours=hours_ago)
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(row_ids))
            .values(created_at=when, read_at=when + timedelta(minutes=30) if hours_ago > 24 else None)
        )
    for target_type, target_id in (("project", 1), ("poll", 1), ("report", 1)):
        follow(resident.id, target_type, target_id)
    # 张阿姨 wants notices pushed and a weekly digest; quiet hours are set on her profile.
    db.session.add(NotificationPreference(user_id=resident.id, kind="notice_published", inbox=True, push=True))
    db.session.add(NotificationSetting(user_id=resident.id, digest="weekly", digest_sent_at=utcnow()))
    resident.quiet_hours_start, resident.quiet_hours_end = "22:00", "07:00"
    db.session.flush()
