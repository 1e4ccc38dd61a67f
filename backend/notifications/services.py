"""notify(): the one place every domain tells people about events; inbox, follows, preferences, devices.

notify() writes the inbox rows in the caller's transaction and, once it commits, hands the pushes to
the job queue (backend.notifications.delivery): the web request never waits for a push service.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts.services import has_verified_phone, register_account_eraser, with_profile_parts
from backend.core import targets
from backend.core.actors import require_user
from backend.core.db import after_commit, utcnow
from backend.core.errors import NotFound, ValidationFailed, register_messages
from backend.core.i18n import DEFAULT_LOCALE
from backend.core.pagination import SortKey, paginate
from backend.core.sql import chunks
from backend.extensions import db
from backend.notifications import catalogue
from backend.notifications.endpoints import UnsafeEndpoint, check_endpoint
from backend.notifications.models import (
    DIGEST_PERIODS,
    Follow,
    HeldPush,
    Notification,
    NotificationPreference,
    NotificationSetting,
    PushSubscription,
    UrgentSms,
)
from backend.notifications.settings import allowed_hosts

MAX_DEVICES_PER_USER = 20

register_messages(
    "notification",
    {
        "unsafe_push_endpoint": {
            "zh-CN": ("推送地址不安全", "推送地址必须是公网上的 https 推送服务（原因：{reason}）。"),
            "en": (
                "Unsafe push endpoint",
                "The push endpoint must be an https push service on a public host ({reason}).",
            ),
        },
    },
)


# ---------- notify ----------


def is_urgent(kind: str, context: dict | None, urgent: bool = False) -> bool:
    """Urgent notices go out at once, even in quiet hours and past the defaults."""
    return bool(urgent or (kind == "notice_published" and (context or {}).get("urgent") is True))


def _preference_map(user_ids: list[int], kind: str) -> dict[int, tuple[bool, bool]]:
    found: dict[int, tuple[bool, bool]] = {}
    for chunk in chunks(user_ids):
        for user_id, inbox, push in db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.inbox, NotificationPreference.push).where(
                NotificationPreference.kind == kind, NotificationPreference.user_id.in_(chunk)
            )
        ):
            found[user_id] = (inbox, push)
    return found


def notify(
    recipient_ids: Iterable[int],
    kind: str,
    context: dict | None = None,
    *,
    community_id: int | None = None,
    exclude: Iterable[int] = (),
    urgent: bool = False,
    topic: str | None = None,
    url: str | None = None,
    at=None,
) -> list[int]:
    """Tell each recipient (once each) about an event: inbox rows now, pushes after the commit.

    Returns the ids of the inbox rows written.

    Each person's preferences for `kind` decide inbox and push (defaults from the catalogue); urgent
    notices are pushed to everyone addressed. `url` overrides the kind's deep link (a local path),
    `topic` the push topic that collapses updates about one item; `at` the time of the event (default now:
    the outbox's job passes the time of the write it delivers for).

    A write that needs not tell people before it answers uses `notify_after_commit` (backend.notifications.outbox).
    """
    skip = set(exclude)
    user_ids = [uid for uid in dict.fromkeys(recipient_ids) if uid is not None and uid not in skip]
    if not user_ids:
        return []
    context = dict(context or {})
    urgent = is_urgent(kind, context, urgent)
    if urgent:
        context["urgent"] = True
    spec = catalogue.spec_for(kind)
    link = catalogue.deep_link(kind, context, url)
    choices = _preference_map(user_ids, kind)
    default = (spec.default_inbox, spec.default_push)
    inbox_ids = [uid for uid in user_ids if choices.get(uid, default)[0]]
    push_ids = [uid for uid in user_ids if urgent or choices.get(uid, default)[1]]

    now = at or utcnow()
    # One multi-row INSERT ... RETURNING (batched by SQLAlchemy): a community-wide notice to 10,000
    # people must not build 10,000 ORM objects inside the publishing request.
    row_ids = (
        list(
            db.session.scalars(
                insert(Notification).returning(Notification.id),
                [
                    {
                        "user_id": uid,
                        "kind": kind,
                        "context": context,
                        "community_id": community_id,
                        "url": link,
                        "is_urgent": urgent,
                        "created_at": now,
                    }
                    for uid in inbox_ids
                ],
            )
        )
        if inbox_ids
        else []
    )
    if push_ids:
        # event_at: jobs may run out of order (several RQ workers), so held pushes sort by the event's time.
        message = {
            "kind": kind,
            "context": context,
            "url": link,
            "urgent": urgent,
            "topic": catalogue.topic_for(kind, context, topic),
            "community_id": community_id,
            "event_at": now.isoformat(),
        }
        after_commit(lambda: _enqueue_push(message, push_ids))
    return row_ids


def _enqueue_push(message: dict, user_ids: list[int]) -> None:
    from backend import jobs
    from backend.notifications import delivery

    jobs.enqueue(delivery.plan_push, message, user_ids, retries=2)


# ---------- follows ----------


def follow(user_id: int, target_type: str, target_id: int) -> None:
    """Make `user_id` follow the item (idempotent; safe against a concurrent twin)."""
    targets.require(target_type, "followable")
    exists = select(Follow.id).where(
        Follow.user_id == user_id, Follow.target_type == target_type, Follow.target_id == target_id
    )
    if db.session.scalar(exists):
        return
    try:
        with db.session.begin_nested():
            db.session.add(Follow(user_id=user_id, target_type=target_type, target_id=target_id))
    except IntegrityError:
        pass  # a concurrent request made the same follow: the outcome is the same


def unfollow(user_id: int, target_type: str, target_id: int) -> None:
    db.session.execute(
        delete(Follow).where(
            Follow.user_id == user_id, Follow.target_type == target_type, Follow.target_id == target_id
        )
    )


def follower_ids(target_type: str, target_id: int) -> list[int]:
    """Everyone following the item, for notify()."""
    return list(
        db.session.scalars(
            select(Follow.user_id)
            .where(Follow.target_type == target_type, Follow.target_id == target_id)
            .order_by(Follow.user_id)
        )
    )


def is_following(user_id: int, target_type: str, target_id: int) -> bool:
    return (
        db.session.scalar(
            select(Follow.id).where(
                Follow.user_id == user_id, Follow.target_type == target_type, Follow.target_id == target_id
            )
        )
        is not None
    )


# guard(actor, community_id) raises to refuse a new follow in that community. Communities registers the
# rule that a suspended member writes nothing there (a follow is a write); notifications sits below it.
_follow_guards: list = []


def register_follow_guard(guard) -> None:
    _follow_guards.append(guard)


def set_follow(actor, target_type: str, target_id: int, *, following: bool) -> dict:
    """The actor follows or unfollows an item (POST / DELETE /follows). Unfollowing is always possible.

    :raises NotFound: following an item the actor may not see
    :raises Forbidden: following while suspended in the item's community
    """
    require_user(actor)
    if following:
        target = targets.require(target_type, "followable")
        # Only an item the actor may read can be followed: a follow would otherwise leak its news by push.
        item = target.get_visible(actor, target_id)
        for guard in _follow_guards:
            guard(actor, target.community_id(item))
        follow(actor.id, target_type, target_id)
    else:
        unfollow(actor.id, target_type, target_id)
    db.session.flush()
    return {"target_type": target_type, "target_id": target_id, "following": following}


def follow_status(actor, target_type: str, target_id: int) -> dict:
    require_user(actor)
    return {
        "target_type": target_type,
        "target_id": target_id,
        "following": is_following(actor.id, target_type, target_id),
    }


# ---------- inbox ----------


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def _render_rows(rows: list[Notification], locale: str, timezone: str | None) -> None:
    for row in rows:
        row.rendered = catalogue.render(row.kind, row.context, locale, timezone=timezone)


def list_inbox(actor, *, limit: int, cursor: str | None, unread: bool = False, locale: str = DEFAULT_LOCALE) -> dict:
    """The actor's notifications, newest first, with title and body in the reader's language."""
    require_user(actor)
    stmt = select(Notification).where(Notification.user_id == actor.id)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = paginate(stmt, [SortKey(Notification.id, descending=True)], limit=limit, cursor=cursor)
    _render_rows(page.items, locale, actor.timezone)
    return {"items": page.items, "next_cursor": page.next_cursor, "unread_count": unread_count(actor.id)}


def mark_read(actor, *, ids: list[int] | None = None, all_: bool = False) -> dict:
    """Mark some (ids) or all of the actor's notifications read; others' ids are ignored."""
    require_user(actor)
    if not all_ and not ids:
        raise ValidationFailed({"ids": ["give ids or all: true"]})
    stmt = update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if not all_:
        stmt = stmt.where(Notification.id.in_(ids))
    updated = db.session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.flush()
    return {"updated": updated, "unread_count": unread_count(actor.id)}


# ---------- preferences ----------


def _settings(user_id: int) -> NotificationSetting | None:
    return db.session.scalar(select(NotificationSetting).where(NotificationSetting.user_id == user_id))


def _settings_row(user_id: int) -> NotificationSetting:
    """The person's settings row, made with the defaults when they never chose anything."""
    settings = _settings(user_id)
    if settings is None:
        settings = NotificationSetting(user_id=user_id, digest="off", urgent_sms=True)
        db.session.add(settings)
    return settings


def _sms_phone(actor) -> str:
    """Whether an urgent SMS can reach the person: "verified", "unverified" (a code sent to it verifies it) or
    "none" (no phone on the account)."""
    if not actor.phone:
        return "none"
    return "verified" if has_verified_phone(actor) else "unverified"


def _roles_of(actor) -> set[str]:
    """The roles the person holds in any community (verified memberships; everyone is a member)."""
    memberships = with_profile_parts(actor).memberships if hasattr(actor, "id") else []
    return {"member"} | {m.role for m in memberships or [] if m.status == "verified"}


def preferences(actor, *, locale: str = DEFAULT_LOCALE) -> dict:
    """Every kind with its inbox/push choice (explicit or default), the digest and the quiet hours."""
    require_user(actor)
    chosen = {
        p.kind: p
        for p in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == actor.id))
    }
    index = catalogue.LOCALES.index(locale)
    roles = _roles_of(actor)
    kinds = []
    for kind, spec in catalogue.KINDS.items():
        pref = chosen.get(kind)
        kinds.append(
            {
                "kind": kind,
                "label": catalogue.KIND_LABELS[kind][index],
                "personal": spec.personal,
                "applies": catalogue.applies_to(kind, roles),
                "audience": spec.audience,
                "inbox": pref.inbox if pref else spec.default_inbox,
                "push": pref.push if pref else spec.default_push,
                "default_inbox": spec.default_inbox,
                "default_push": spec.default_push,
            }
        )
    settings = _settings(actor.id)
    return {
        "kinds": kinds,
        "digest": settings.digest if settings else "off",
        "quiet_hours": actor.quiet_hours,
        "timezone": actor.timezone,
        "urgent_always_pushed": True,
        # SMS for urgent notices: on unless turned off; it reaches only a verified phone with no push device.
        "urgent_sms": settings.urgent_sms if settings else True,
        "sms_phone": _sms_phone(actor),
    }


def update_preferences(actor, data: dict, *, locale: str = DEFAULT_LOCALE) -> dict:
    """Change some kinds' inbox/push choices and the digest; kinds not given keep theirs."""
    require_user(actor)
    changes = data.get("kinds") or []
    unknown = [c["kind"] for c in changes if c["kind"] not in catalogue.KINDS]
    if unknown:
        raise ValidationFailed({"kinds": [f"unknown kind: {', '.join(unknown)}"]})
    existing = {
        p.kind: p
        for p in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == actor.id))
    }
    for change in changes:
        spec = catalogue.KINDS[change["kind"]]
        pref = existing.get(change["kind"])
        if pref is None:
            pref = NotificationPreference(
                user_id=actor.id, kind=change["kind"], inbox=spec.default_inbox, push=spec.default_push
            )
            db.session.add(pref)
            existing[change["kind"]] = pref
        if "inbox" in change:
            pref.inbox = change["inbox"]
        if "push" in change:
            pref.push = change["push"]
    if "digest" in data:
        if data["digest"] not in DIGEST_PERIODS:
            raise ValidationFailed({"digest": [f"one of {', '.join(DIGEST_PERIODS)}"]})
        settings = _settings_row(actor.id)
        if settings.digest != data["digest"]:
            settings.digest, settings.digest_sent_at = data["digest"], utcnow()
    if "urgent_sms" in data:
        _settings_row(actor.id).urgent_sms = data["urgent_sms"]
    db.session.flush()
    return preferences(actor, locale=locale)


# ---------- push subscriptions ----------


def _decode_key(value: str, field: str, length: int) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValidationFailed({"keys": {field: ["not base64url"]}}) from None
    if len(raw) != length:
        raise ValidationFailed({"keys": {field: [f"must be {length} bytes"]}})
    return raw


def _check_keys(keys: dict) -> None:
    point = _decode_key(keys["p256dh"], "p256dh", 65)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise ValidationFailed({"keys": {"p256dh": ["not a P-256 public key"]}}) from None
    _decode_key(keys["auth"], "auth", 16)


def check_push_endpoint(endpoint: str) -> None:
    """:raises ValidationFailed: ``unsafe_push_endpoint`` (422) unless the endpoint is safe to post to."""
    try:
        check_endpoint(
            endpoint, allow_loopback=bool(current_app.config.get("PUSH_ALLOW_LOOPBACK")), allowed_hosts=allowed_hosts()
        )
    except UnsafeEndpoint as error:
        raise ValidationFailed({"endpoint": [error.reason]}, code="unsafe_push_endpoint", reason=error.reason) from None


def subscribe(
    actor, *, endpoint: str, keys: dict, user_agent: str | None = None, **_browser_fields
) -> PushSubscription:
    """Save this device's subscription; the same endpoint again updates it (keys, owner, re-enabled).

    :raises ValidationFailed: ``unsafe_push_endpoint`` or bad keys (422)
    """
    require_user(actor)
    check_push_endpoint(endpoint)
    _check_keys(keys)
    now = utcnow()
    values = {
        "user_id": actor.id,
        "p256dh": keys["p256dh"],
        "auth": keys["auth"],
        "user_agent": (user_agent or "")[:200] or None,
        "updated_at": now,
        "failure_count": 0,
        "disabled_at": None,
    }
    found = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if found is None:
        try:
            with db.session.begin_nested():
                found = PushSubscription(endpoint=endpoint, created_at=now, **values)
                db.session.add(found)
        except IntegrityError:  # the same device subscribed twice at once: update the winner's row
            found = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    for name, value in values.items():
        setattr(found, name, value)
    db.session.flush()
    _forget_oldest_devices(actor.id)
    return found


def _forget_oldest_devices(user_id: int) -> None:
    keep = (
        select(PushSubscription.id)
        .where(PushSubscription.user_id == user_id)
        .order_by(PushSubscription.updated_at.desc(), PushSubscription.id.desc())
        .limit(MAX_DEVICES_PER_USER)
    )
    db.session.execute(
        delete(PushSubscription).where(PushSubscription.user_id == user_id, PushSubscription.id.not_in(keep))
    )


def unsubscribe(actor, *, endpoint: str, **_browser_fields) -> None:
    """Forget this device (only the actor's own subscription).

    :raises NotFound: the actor has no subscription with that endpoint
    """
    require_user(actor)
    deleted = db.session.execute(
        delete(PushSubscription).where(PushSubscription.user_id == actor.id, PushSubscription.endpoint == endpoint)
    ).rowcount
    if not deleted:
        raise NotFound()


def _erase_notification_data(user) -> None:
    """Account deletion: devices, follows, choices and inbox go (they are personal and useless now)."""
    mine = (PushSubscription, Follow, NotificationPreference, NotificationSetting, HeldPush, Notification, UrgentSms)
    for model in mine:
        db.session.execute(delete(model).where(model.user_id == user.id))


register_account_eraser(_erase_notification_data)
