"""Urgent news by SMS, for the people no push reaches (issue 18).

An urgent notice is pushed to every device; a resident with no device taking pushes (no smartphone, or the app
never installed) would hear of a water cut only by chance. `reach_by_sms` sends them one SMS instead, through
messaging's provider interface. Who gets one, and why:

- a verified phone (a code sent to it was redeemed, or staff took it down in person): an SMS costs money and
  must not go to a number nobody checked;
- no live push subscription (one that is not disabled): the push reaches them already;
- their choice: "SMS for urgent notices" (notification_settings.urgent_sms), on unless they turned it off;
- at most one per person and topic, held by the database: the unique (topic, user_id) of `urgent_sms`, claimed
  by INSERT ... ON CONFLICT DO NOTHING RETURNING, so a retried or doubled job, or a notice announced twice,
  sends nothing twice.

The request only enqueues the job, after its commit; the job writes the messages, and messaging's own job
hands each to the provider after the job's commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from backend import jobs
from backend.accounts import services as accounts
from backend.core.db import after_commit, utcnow
from backend.core.sql import chunks
from backend.extensions import db
from backend.messaging import services as messaging
from backend.notifications.models import NotificationSetting, PushSubscription, UrgentSms


def reach_by_sms(recipient_ids: Iterable[int], *, topic: str, purpose: str, params: dict, exclude=()) -> None:
    """After the commit, send `purpose` (a messaging catalogue key) by SMS to those of the recipients who want it
    and whom no push reaches, once each per `topic`."""
    skip = set(exclude)
    user_ids = [uid for uid in dict.fromkeys(recipient_ids) if uid is not None and uid not in skip]
    if user_ids:
        after_commit(lambda: jobs.enqueue(send_urgent_sms, topic, purpose, params, user_ids, retries=2))


def send_urgent_sms(topic: str, purpose: str, params: dict, user_ids: list[int]) -> int:
    """Job: queue one SMS for each recipient who should get one and has not got one for this topic; how many."""
    sent = 0
    for chunk in chunks(user_ids):
        phones = accounts.verified_phones(chunk)
        skipped = _pushed_to(phones) | _opted_out(phones)
        wanted = [uid for uid in phones if uid not in skipped]
        for user_id in _claim(topic, wanted):
            phone, locale = phones[user_id]
            messaging.send(channel="sms", to=phone, purpose=purpose, params=params, locale=locale, user_id=user_id)
            sent += 1
    return sent


def _pushed_to(user_ids) -> set[int]:
    """Who has a device that takes pushes (a disabled subscription takes none)."""
    return set(
        db.session.scalars(
            select(PushSubscription.user_id).where(
                PushSubscription.user_id.in_(list(user_ids)), PushSubscription.disabled_at.is_(None)
            )
        )
    )


def _opted_out(user_ids) -> set[int]:
    return set(
        db.session.scalars(
            select(NotificationSetting.user_id).where(
                NotificationSetting.user_id.in_(list(user_ids)), NotificationSetting.urgent_sms.is_(False)
            )
        )
    )


def _claim(topic: str, user_ids: list[int]) -> list[int]:
    """The ids among `user_ids` this job claims for `topic`: rows inserted now, never rows that existed (or that a
    concurrent job is inserting: PostgreSQL makes this INSERT wait for it, then skips them)."""
    if not user_ids:
        return []
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    now = utcnow()
    stmt = (
        dialect.insert(UrgentSms)
        .values([{"topic": topic, "user_id": uid, "created_at": now} for uid in user_ids])
        .on_conflict_do_nothing(index_elements=["topic", "user_id"])
        .returning(UrgentSms.user_id)
    )
    return sorted(db.session.scalars(stmt))


def urgent_sms_wanted(user_id: int) -> bool:
    """The person's "SMS for urgent notices" choice (on when they never chose)."""
    choice = db.session.scalar(select(NotificationSetting.urgent_sms).where(NotificationSetting.user_id == user_id))
    return True if choice is None else bool(choice)
