"""notify() after the commit: a write records ONE outbox row in its transaction; a job does the fan-out.

    write ──(its transaction)──▶ notification_outbox row ──after commit──▶ deliver_outbox(id)
                                                                            │  DELETE … RETURNING (the claim)
                                                                            │  followers looked up, preferences,
                                                                            │  inbox rows (one INSERT), all in
                                                                            ▼  ONE transaction; pushes after it
    crash between the commit and the job ──▶ the row stays ──▶ deliver-notifications (every minute) delivers it

Why: on SQLite a write holds the database's only writer lock from its first statement to its commit; the
preferences lookup and the multi-row inbox INSERT (one row per person told, followers included) made every
comment and report hold it longer, and on PostgreSQL a comment on a much-followed item did that work in the
request. Nothing acknowledged is lost: the outbox row commits with the write or not at all. Nobody is told
twice: the job that deletes the row is the only one that writes its inbox rows (a twin run, a retry after a
commit, the sweep: their DELETE finds nothing and they stop); a job that fails rolls back the DELETE with the
inbox rows, and runs again (retries, then the sweep). Inbox rows carry the write's time, not the job's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, insert, select

from backend import jobs
from backend.core import targets
from backend.core.db import after_commit, utcnow
from backend.extensions import db
from backend.notifications import services
from backend.notifications.models import NotificationOutbox

# The sweep leaves younger rows to the job their write enqueued (harmless either way: the DELETE decides).
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_BATCH = 500
RETRIES = 2


def notify_after_commit(
    recipient_ids: Iterable[int],
    kind: str,
    context: dict | None = None,
    *,
    community_id: int | None = None,
    exclude: Iterable[int] = (),
    urgent: bool = False,
    topic: str | None = None,
    url: str | None = None,
    followers_of: tuple[str, int] | None = None,
) -> None:
    """notify(), with the fan-out done by a job once the caller's transaction commits (one INSERT now).

    Same arguments as notify(), plus `followers_of=(target_type, target_id)`: the item's followers
    (targets registry) are told too, looked up by the job. Nothing happens if the transaction rolls back.
    """
    recipients = [uid for uid in dict.fromkeys(recipient_ids) if uid is not None]
    if not recipients and followers_of is None:
        return
    followers_type, followers_id = followers_of or (None, None)
    outbox_id = db.session.scalar(
        insert(NotificationOutbox)
        .values(
            kind=kind,
            context=dict(context or {}),
            community_id=community_id,
            recipient_ids=recipients,
            exclude_ids=sorted(set(exclude)),
            followers_of_type=followers_type,
            followers_of_id=followers_id,
            is_urgent=bool(urgent),
            topic=topic,
            url=url,
            created_at=utcnow(),
        )
        .returning(NotificationOutbox.id)
    )
    after_commit(lambda: jobs.enqueue(deliver_outbox, outbox_id, retries=RETRIES))


_CLAIMED = (
    NotificationOutbox.kind,
    NotificationOutbox.context,
    NotificationOutbox.community_id,
    NotificationOutbox.recipient_ids,
    NotificationOutbox.exclude_ids,
    NotificationOutbox.followers_of_type,
    NotificationOutbox.followers_of_id,
    NotificationOutbox.is_urgent,
    NotificationOutbox.topic,
    NotificationOutbox.url,
    NotificationOutbox.created_at,
)


def deliver_outbox(outbox_id: int) -> int:
    """Job: tell the people of one outbox row; returns how many inbox rows it wrote (0: delivered already)."""
    claimed = db.session.execute(
        delete(NotificationOutbox).where(NotificationOutbox.id == outbox_id).returning(*_CLAIMED)
    ).first()
    if claimed is None:
        return 0
    recipients = list(claimed.recipient_ids)
    if claimed.followers_of_type:
        recipients += _followers(claimed.followers_of_type, claimed.followers_of_id)
    return len(
        services.notify(
            recipients,
            claimed.kind,
            claimed.context,
            community_id=claimed.community_id,
            exclude=claimed.exclude_ids,
            urgent=claimed.is_urgent,
            topic=claimed.topic,
            url=claimed.url,
            at=claimed.created_at,
        )
    )


def _followers(target_type: str, target_id: int) -> list[int]:
    target = targets.get(target_type)
    item = target.load(target_id) if target is not None else None
    return list(target.follower_ids(item)) if item is not None else []


def deliver_pending() -> int:
    """Periodic job: the outbox rows whose job never ran (a crash after the commit, a lost queue), one job each."""
    ids = list(
        db.session.scalars(
            select(NotificationOutbox.id)
            .where(NotificationOutbox.created_at < utcnow() - SWEEP_AFTER)
            .order_by(NotificationOutbox.id)
            .limit(SWEEP_BATCH)
        )
    )
    if ids:
        after_commit(lambda: jobs.enqueue_many(deliver_outbox, [(i,) for i in ids], retries=RETRIES))
    return len(ids)
