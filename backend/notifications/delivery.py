"""Push delivery jobs: plan a fan-out, send batches, release pushes held over quiet hours, send digests.

    notify() ──after commit──▶ plan_push ──▶ send_pushes × ⌈devices / PUSH_BATCH_SIZE⌉
                                   │                 └─ 429/5xx ──▶ send_pushes again, later (backoff)
                                   └─ quiet hours ──▶ held_pushes ──at quiet end──▶ release_held_pushes

Every job is idempotent enough to be retried: a crash before the commit leaves the held rows and the
subscriptions as they were; a device may then get a push twice, never lose one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select, update

from backend import jobs
from backend.accounts import services as accounts
from backend.core.db import after_commit, utcnow
from backend.core.sql import chunks
from backend.extensions import db
from backend.notifications import catalogue
from backend.notifications.models import HeldPush, Notification, NotificationSetting, PushSubscription
from backend.notifications.push import FAILED, GONE, RETRY, SENT, PushItem, deliver, session_for
from backend.notifications.quiet import quiet_until
from backend.notifications.settings import push_config, setting
from backend.notifications.vapid import signer

DIGEST_PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
DIGEST_SLACK = timedelta(hours=1)  # a cron that runs a little early still sends


@dataclass(frozen=True)
class Profile:
    """What delivery needs to know of a person (language, timezone, quiet hours)."""

    user_id: int
    locale: str
    timezone: str | None
    quiet_start: str | None
    quiet_end: str | None


def _profiles(user_ids: list[int]) -> dict[int, Profile]:
    found: dict[int, Profile] = {}
    for chunk in chunks(list(user_ids)):
        for user_id, fields in accounts.delivery_profiles(chunk).items():
            found[user_id] = Profile(user_id, *fields)
    return found


def _digest_user_ids(user_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(user_ids):
        found.update(
            db.session.scalars(
                select(NotificationSetting.user_id).where(
                    NotificationSetting.user_id.in_(chunk), NotificationSetting.digest != "off"
                )
            )
        )
    return found


def _enabled_subscription_ids(user_ids: list[int]) -> list[int]:
    found: list[int] = []
    for chunk in chunks(user_ids):
        found.extend(
            db.session.scalars(
                select(PushSubscription.id).where(
                    PushSubscription.user_id.in_(chunk), PushSubscription.disabled_at.is_(None)
                )
            )
        )
    return sorted(found)


def _hold_or_send(message: dict, profiles: dict[int, Profile], now: datetime) -> list[int]:
    """Hold the pushes of people in their quiet hours (unless urgent); return who gets one now."""
    send_now, held, release_times = [], [], set()
    for profile in profiles.values():
        until = (
            None
            if message.get("urgent")
            else quiet_until(profile.quiet_start, profile.quiet_end, profile.timezone, now)
        )
        if until is None:
            send_now.append(profile.user_id)
            continue
        held.append(
            {
                "user_id": profile.user_id,
                "topic": message["topic"],
                "kind": message["kind"],
                "context": message["context"],
                "url": message["url"],
                "community_id": message.get("community_id"),
                "created_at": _event_time(message, now),
                "release_at": until,
            }
        )
        release_times.add(until.replace(second=0, microsecond=0) + timedelta(minutes=1))
    if held:
        db.session.execute(insert(HeldPush), held)
        for when in sorted(release_times):
            after_commit(lambda when=when: jobs.enqueue_at(when, release_held_pushes))
    return send_now


def _schedule_sends(messages: list[dict], targets: list[tuple[int, int]], attempt: int = 1, delay: float = 0) -> int:
    """After the commit: one send_pushes job per PUSH_BATCH_SIZE devices."""
    size = int(setting("PUSH_BATCH_SIZE"))
    batches = [targets[i : i + size] for i in range(0, len(targets), size)]
    if not batches:
        return 0
    if delay:
        after_commit(lambda: [jobs.enqueue_in(delay, send_pushes, messages, batch, attempt) for batch in batches])
    else:
        after_commit(lambda: jobs.enqueue_many(send_pushes, [(messages, batch, attempt) for batch in batches]))
    return len(batches)


def _event_time(message: dict, fallback: datetime) -> datetime:
    """When the event happened (set by notify()), not when a worker got round to planning its push."""
    return datetime.fromisoformat(message["event_at"]) if message.get("event_at") else fallback


def plan_push(message: dict, user_ids: list[int]) -> dict:
    """Job: split one event's pushes into quiet-hours holds and batches of devices to send now."""
    profiles = _profiles(user_ids)
    spec = catalogue.spec_for(message["kind"])
    if not spec.personal and not message.get("urgent"):
        digest_users = _digest_user_ids(list(profiles))  # community news reaches them in the digest
        profiles = {uid: p for uid, p in profiles.items() if uid not in digest_users}
    send_now = _hold_or_send(message, profiles, utcnow())
    subscription_ids = _enabled_subscription_ids(send_now)
    batches = _schedule_sends([message], [(sid, 0) for sid in subscription_ids])
    return {"users": len(profiles), "now": len(send_now), "devices": len(subscription_ids), "batches": batches}


def _unread_counts(user_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for chunk in chunks(user_ids):
        counts.update(
            db.session.execute(
                select(Notification.user_id, func.count())
                .where(Notification.user_id.in_(chunk), Notification.read_at.is_(None))
                .group_by(Notification.user_id)
            ).all()
        )
    return counts


def _items(messages: list[dict], targets: list[tuple[int, int]]) -> list[PushItem]:
    """The push for each (device, message) target, written in the device owner's language."""
    devices = {}
    for chunk in chunks(sorted({sid for sid, _ in targets})):
        subscriptions = list(
            db.session.scalars(
                select(PushSubscription).where(PushSubscription.id.in_(chunk), PushSubscription.disabled_at.is_(None))
            )
        )
        owners = accounts.delivery_profiles(list({s.user_id for s in subscriptions}))
        for subscription in subscriptions:
            if subscription.user_id in owners:  # deleted accounts receive nothing
                locale, timezone, _start, _end = owners[subscription.user_id]
                devices[subscription.id] = (subscription, locale, timezone)
    badges = _unread_counts(list({device[0].user_id for device in devices.values()}))
    texts: dict[tuple, dict] = {}
    items = []
    for subscription_id, index in targets:
        if subscription_id not in devices:  # removed or disabled since the batch was planned
            continue
        subscription, locale, timezone = devices[subscription_id]
        message = messages[index]
        key = (index, locale, timezone)
        if key not in texts:
            texts[key] = catalogue.render(
                message["kind"], message["context"], locale, timezone=timezone, collapsed=message.get("collapsed", 1)
            )
        spec = catalogue.spec_for(message["kind"])
        payload = {
            "title": texts[key]["title"],
            "body": texts[key]["body"],
            "url": message["url"],
            "tag": message["topic"],
            "badge_count": badges.get(subscription.user_id, 0),
        }
        items.append(
            PushItem(
                subscription.id,
                subscription.subscription_info,
                payload,
                ttl=12 * 3600 if message.get("urgent") else spec.ttl,
                urgency="high" if message.get("urgent") else spec.urgency,
                topic=message["topic"],
                message_index=index,
            )
        )
    return items


def _record_outcomes(outcomes) -> list:
    """Update the subscriptions from one batch's answers; returns the outcomes to retry."""
    now = utcnow()
    by_result = defaultdict(list)
    for outcome in outcomes:
        by_result[outcome.result].append(outcome.subscription_id)
    if by_result[GONE]:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(by_result[GONE])))
    if by_result[SENT]:
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_(by_result[SENT]))
            .values(failure_count=0, last_success_at=now)
        )
    if by_result[FAILED]:
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_(by_result[FAILED]))
            .values(failure_count=PushSubscription.failure_count + 1)
        )
        db.session.execute(
            update(PushSubscription)
            .where(
                PushSubscription.id.in_(by_result[FAILED]),
                PushSubscription.disabled_at.is_(None),
                PushSubscription.failure_count >= int(setting("PUSH_FAILURES_TO_DISABLE")),
            )
            .values(disabled_at=now)
        )
    return [o for o in outcomes if o.result == RETRY]


def send_pushes(messages: list[dict], targets: list, attempt: int = 1) -> dict:
    """Job: send `messages[i]` to each (subscription id, i) in `targets`, and record the answers."""
    targets = [(int(sid), int(index)) for sid, index in targets]
    items = _items(messages, targets)
    # End the read transaction before the network: on SQLite a job's transaction holds the write lock,
    # and no transaction should stay open while push services answer.
    db.session.commit()
    app = current_app._get_current_object()
    outcomes = deliver(
        items, session=session_for(push_config()), signer=signer(app), concurrency=int(setting("PUSH_CONCURRENCY"))
    )
    retry = _record_outcomes(outcomes)
    if retry and attempt < int(setting("PUSH_MAX_ATTEMPTS")):
        delay = max([jobs.backoff(attempt)] + [o.retry_after or 0 for o in retry])
        _schedule_sends(messages, [(o.subscription_id, o.message_index) for o in retry], attempt + 1, delay=delay)
    counts = defaultdict(int)
    for outcome in outcomes:
        counts[outcome.result] += 1
    return dict(counts)


def release_held_pushes(limit: int = 5000) -> int:
    """Job and CLI: send what quiet hours held back, one push per person and topic; returns pushes."""
    released = 0
    while True:
        rows = list(
            db.session.scalars(
                select(HeldPush)
                .where(HeldPush.release_at <= utcnow())
                .order_by(HeldPush.created_at, HeldPush.id)
                .limit(limit)
            )
        )
        if not rows:
            return released
        groups: dict[tuple[int, str], list[HeldPush]] = defaultdict(list)
        for row in rows:
            groups[(row.user_id, row.topic)].append(row)
        messages, message_of_user = [], defaultdict(list)
        for (user_id, topic), held in groups.items():
            latest = held[-1]  # a night of updates about one item: the newest text, and how many there were
            message_of_user[user_id].append(len(messages))
            messages.append(
                {
                    "kind": latest.kind,
                    "context": latest.context,
                    "url": latest.url,
                    "topic": topic,
                    "urgent": False,
                    "community_id": latest.community_id,
                    "collapsed": len(held),
                }
            )
        db.session.execute(delete(HeldPush).where(HeldPush.id.in_([row.id for row in rows])))
        targets = []
        for chunk in chunks(list(message_of_user)):
            for subscription_id, user_id in db.session.execute(
                select(PushSubscription.id, PushSubscription.user_id).where(
                    PushSubscription.user_id.in_(chunk), PushSubscription.disabled_at.is_(None)
                )
            ):
                targets.extend((subscription_id, index) for index in message_of_user[user_id])
        _schedule_sends(messages, sorted(targets))
        released += len(groups)
        db.session.flush()
        if len(rows) < limit:
            return released


def send_digests(period: str = "daily") -> int:
    """Job and CLI: one push per person who chose this digest, with community news counted by kind.

    People with nothing new get nothing (an empty digest is never sent).
    """
    if period not in DIGEST_PERIODS:
        raise ValueError(f"period must be one of {', '.join(DIGEST_PERIODS)}")
    now = utcnow()
    window = DIGEST_PERIODS[period]
    due = select(NotificationSetting.user_id).where(
        NotificationSetting.digest == period,
        (NotificationSetting.digest_sent_at.is_(None))
        | (NotificationSetting.digest_sent_at <= now - window + DIGEST_SLACK),
    )
    user_ids = list(db.session.scalars(due))
    sent = 0
    for chunk in chunks(user_ids, 500):
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        for user_id, kind, count in db.session.execute(
            select(Notification.user_id, Notification.kind, func.count())
            .where(
                Notification.user_id.in_(chunk),
                Notification.kind.in_(catalogue.broad_kinds()),
                Notification.created_at > now - window,
            )
            .group_by(Notification.user_id, Notification.kind)
        ):
            counts[user_id][kind] = count
        if not counts:
            continue
        for user_id, by_kind in counts.items():
            message = {
                "kind": "digest",
                "context": {"counts": by_kind, "period": period},
                "url": "/notifications",
                "topic": f"dig-{period}",
                "urgent": False,
                "community_id": None,
            }
            send_now = _hold_or_send(message, _profiles([user_id]), now)
            _schedule_sends([message], [(sid, 0) for sid in _enabled_subscription_ids(send_now)])
        db.session.execute(
            update(NotificationSetting).where(NotificationSetting.user_id.in_(list(counts))).values(digest_sent_at=now)
        )
        sent += len(counts)
    return sent
