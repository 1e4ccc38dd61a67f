from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

CHANNELS = ("sms", "email")
STATUSES = ("queued", "sending", "sent", "failed")


class Message(db.Model):
    """One SMS or e-mail, written in the request that asks for it and sent by a job after its commit.

    With a real provider the words (`body`, `params`: they hold one-time codes) are erased once sent; the
    development outbox keeps them, since showing them is its purpose. Old rows are purged (purge-messages).
    """

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("channel IN ('sms', 'email')", name="channel_known"),
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(5))
    to_address: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(5), default="zh-CN")
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict | None] = mapped_column(JSON)
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(200))
    provider_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
