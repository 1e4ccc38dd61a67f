"""Messaging: write a message in the caller's transaction, send it in a job after the commit, show the outbox.

`send(...)` never talks to a provider: the request that asks for a message only writes its row, and the
`deliver` job (enqueued after the commit, so a rolled-back request sends nothing) hands it to the provider
the deployment chose. A failure the provider calls temporary is tried again later (MESSAGE_MAX_ATTEMPTS);
with a real provider the words are erased once the message is out (they hold one-time codes).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from backend import jobs
from backend.audit import services as audit
from backend.core.actors import actor_id, require_user
from backend.core.db import after_commit, utcnow
from backend.core.errors import Forbidden, NotFound
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.messaging import catalogue
from backend.messaging.models import CHANNELS, Message
from backend.messaging.providers import Outgoing, PermanentFailure, provider_for, provider_name

log = logging.getLogger("linli.messaging")

MAX_ATTEMPTS = 5


def send(*, channel: str, to: str, purpose: str, params: dict, locale: str = "zh-CN", user_id: int | None = None):
    """Queue one message to `to` (an E.164 phone for "sms", an address for "email"); sent after the commit."""
    subject, body = catalogue.render(purpose, locale, params)
    message = Message(
        user_id=user_id,
        channel=channel,
        to_address=to,
        purpose=purpose,
        locale=locale,
        subject=subject,
        body=body,
        params={"values": catalogue.sms_params(purpose, params)},
        provider=provider_name(channel, current_app.config),
        status="queued",
        attempts=0,
    )
    db.session.add(message)
    db.session.flush()
    message_id = message.id
    after_commit(lambda: jobs.enqueue(deliver, message_id))
    return message


def _claim(message_id: int) -> Message | None:
    """The queued message, now marked as being sent; None when another job has it or it is done.

    A conditional UPDATE: two jobs for one message (a retry racing the first run) send it once.
    """
    claimed = db.session.execute(
        update(Message).where(Message.id == message_id, Message.status == "queued").values(status="sending")
    ).rowcount
    return db.session.get(Message, message_id) if claimed == 1 else None


def deliver(message_id: int) -> str | None:
    """Job: hand one message to its provider; the message's status after it ("sent", "queued", "failed")."""
    message = _claim(message_id)
    if message is None:
        return None
    provider = provider_for(message.channel, current_app.config)
    outgoing = Outgoing(
        id=message.id,
        channel=message.channel,
        to=message.to_address,
        purpose=message.purpose,
        subject=message.subject,
        body=message.body or "",
        params=list((message.params or {}).get("values", [])),
    )
    message.attempts += 1
    try:
        message.provider_ref = provider.send(outgoing)[:100]
    except PermanentFailure as error:
        _failed(message, str(error))
    except Exception as error:  # the network, a timeout: worth another try
        log.warning("message %s: %s failed (attempt %s): %s", message.id, provider.name, message.attempts, error)
        if message.attempts >= MAX_ATTEMPTS:
            _failed(message, type(error).__name__)
        else:
            message.status, message.error = "queued", type(error).__name__[:200]
            delay = jobs.backoff(message.attempts)
            after_commit(lambda: jobs.enqueue_in(delay, deliver, message_id))
    else:
        message.status, message.sent_at, message.error = "sent", utcnow(), None
        if provider.name != "outbox":
            message.body, message.params = None, None
    db.session.flush()
    return message.status


def _failed(message: Message, reason: str) -> None:
    message.status, message.error = "failed", reason[:200]
    message.body, message.params = (message.body, message.params) if message.provider == "outbox" else (None, None)
    log.warning("message %s failed for good: %s", message.id, reason)


def purge_old_messages(now=None) -> int:
    """Job: delete sent and failed messages older than MESSAGES_KEEP_DAYS (a phone number is personal data)."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config.get("MESSAGES_KEEP_DAYS", 7))
    result = db.session.execute(
        delete(Message).where(Message.created_at < cutoff, Message.status.in_(("sent", "failed")))
    )
    return result.rowcount


def erase_messages_of(user) -> None:
    """At account deletion: the messages sent to this person go (their addresses are personal data)."""
    db.session.execute(delete(Message).where(Message.user_id == user.id))


def outbox(actor, *, channel: str | None = None, limit: int, cursor: str | None) -> Page:
    """The messages handed to the development outbox, newest first (platform admin); a 404 when every channel has
    a real provider (what real providers send is not for anyone to read). The read is audited by a job after it:
    a read writes nothing itself, and the outbox shows one-time codes and phone numbers."""
    require_user(actor)
    if not actor.is_platform_admin:
        raise Forbidden(reason="platform_admin_required")
    if all(provider_name(kind, current_app.config) != "outbox" for kind in CHANNELS):
        raise NotFound()
    stmt = select(Message).where(Message.provider == "outbox")
    if channel:
        stmt = stmt.where(Message.channel == channel)
    page = paginate(stmt, [SortKey(Message.id, descending=True)], limit=limit, cursor=cursor)
    reader, shown = actor_id(actor), [m.id for m in page.items]
    after_commit(lambda: jobs.enqueue(record_outbox_read, reader, shown))
    return page


def record_outbox_read(reader_id: int, message_ids: list[int]) -> None:
    """Job: the audit entry of one read of the outbox (who, which messages)."""
    audit.record(
        _Reader(reader_id),
        "messaging.outbox_read",
        "message",
        message_ids[0] if message_ids else None,
        community_id=None,
        after={"message_ids": message_ids[:100]},
    )


class _Reader:
    """The reader by id, for audit.record (a job has no user object, and messaging does not load accounts)."""

    def __init__(self, user_id: int):
        self.id = user_id
