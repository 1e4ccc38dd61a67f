"""Idempotency-Key on POST: the same key from the same user within 24 h returns the first response.

The record is written in the same transaction as the work it describes, and (user_id, key) is
unique, so two copies of one request racing each other cannot both commit: the loser rolls back and
answers with the winner's stored response. The PWA's offline outbox relies on this.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, g, request
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.core.errors import DomainError, ValidationFailed
from backend.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)


def _requested_key() -> str | None:
    if request.method != "POST" or not request.path.startswith("/api/"):
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    # Control characters (NUL crashes PostgreSQL's text columns) have no place in a key either.
    if not key.strip() or len(key) > MAX_KEY_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in key):
        raise ValidationFailed({HEADER: [f"1 to {MAX_KEY_LENGTH} characters"]})
    return key


def _find(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
    )


def _replay(record: IdempotencyRecord) -> Response:
    if record.path != request.path:
        raise DomainError("idempotency_key_reused", status=422)
    response = current_app.response_class(record.body, status=record.status_code, content_type=record.content_type)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def replay_stored_response() -> Response | None:
    """before_request: answer a repeated key with the stored response; remember a new key."""
    key = _requested_key()
    if key is None or not current_user.is_authenticated:
        return None
    record = _find(current_user.id, key)
    ttl = timedelta(seconds=current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    if record and record.created_at < utcnow() - ttl:
        db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        record = None
    if record:
        return _replay(record)
    g.idempotency = (current_user.id, key)
    return None


def skip_remembering() -> None:
    """For a route whose response must not be stored (a secret ballot's receipt would link voter and
    ballot): a repeat of the request then meets the route's own uniqueness rule instead."""
    g.pop("idempotency", None)


def remember_response(response: Response) -> None:
    """Before the commit: store a successful response under the request's key."""
    pending = g.pop("idempotency", None)
    if pending is None or response.status_code >= 400 or response.direct_passthrough:
        return
    user_id, key = pending
    db.session.add(
        IdempotencyRecord(
            user_id=user_id,
            key=key,
            method=request.method,
            path=request.path,
            status_code=response.status_code,
            content_type=response.content_type or "application/json",
            body=response.get_data(as_text=True),
        )
    )
    g.idempotency_written = (user_id, key)


def replay_after_lost_race() -> Response | None:
    """After an IntegrityError at commit: if a twin request stored its response first, answer with it."""
    pending = g.pop("idempotency_written", None)
    if pending is None:
        return None
    record = _find(*pending)
    return _replay(record) if record else None


def purge_expired(now=None) -> int:
    cutoff = (now or utcnow()) - timedelta(seconds=current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    return db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)).rowcount
