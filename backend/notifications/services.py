"""notify(): the one place every domain tells people about events."""

from __future__ import annotations

from collections.abc import Iterable

from backend.extensions import db
from backend.notifications.models import Notification


def notify(recipient_ids: Iterable[int], kind: str, context: dict | None = None, *,
           community_id: int | None = None, exclude: Iterable[int] = ()) -> list[Notification]:
    """Write an inbox row for each recipient (once each), in the caller's transaction."""
    skip = set(exclude)
    rows = [Notification(user_id=uid, kind=kind, context=context or {}, community_id=community_id)
            for uid in dict.fromkeys(recipient_ids) if uid is not None and uid not in skip]
    db.session.add_all(rows)
    db.session.flush()
    return rows
