"""Inbox rows, push subscriptions, per-kind preferences, follows, and pushes held over quiet hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

DIGEST_PERIODS = ("off", "daily", "weekly")


class Notification(db.Model):
    """One inbox row: the kind and its context; title and body are rendered in the reader's language."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_id", "user_id", "id"),
        # The unread badge counts this on every inbox view and in every push payload.
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    kind: Mapped[str] = mapped_column(String(50))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    # Same-origin deep link into the PWA (a path), fixed when the event happened.
    url: Mapped[str | None] = mapped_column(String(300))
    is_urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PushSubscription(db.Model):
    """One browser's Web Push subscription (a person has one per device); the endpoint is unique."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (CheckConstraint("failure_count >= 0", name="failure_count_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Consecutive refusals other than 404/410/429/5xx (e.g. 403 after a VAPID key change); 3 disable it.
    failure_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def subscription_info(self) -> dict:
        """The browser's PushSubscription JSON, as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class NotificationPreference(db.Model):
    """A person's choice for one kind; kinds without a row use the catalogue's defaults."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    inbox: Mapped[bool] = mapped_column(Boolean)
    push: Mapped[bool] = mapped_column(Boolean)


class NotificationSetting(db.Model):
    """Per-person settings that are not per kind: the digest of community news."""

    __tablename__ = "notification_settings"
    __table_args__ = (
        CheckConstraint("digest IN ('off', 'daily', 'weekly')", name="digest_known"),
        Index("ix_notification_settings_digest_user_id", "digest", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    digest: Mapped[str] = mapped_column(String(10), default="off")
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "SMS for urgent notices" (to a verified phone, when no device of theirs takes pushes): on unless turned off.
    urgent_sms: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class UrgentSms(db.Model):
    """One urgent SMS to one person about one thing (`topic`, e.g. "notice-42"): the unique key is what makes
    it at most one, whichever job or retry gets there (claimed by INSERT ... ON CONFLICT DO NOTHING)."""

    __tablename__ = "urgent_sms"
    __table_args__ = (UniqueConstraint("topic", "user_id"), Index("ix_urgent_sms_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Follow(db.Model):
    """A person follows an item of a `followable` kind of the targets registry, and hears of its changes."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        Index("ix_follows_target_type_target_id", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HeldPush(db.Model):
    """A push kept back during someone's quiet hours; at release, rows of one topic collapse into one push."""

    __tablename__ = "held_pushes"
    __table_args__ = (Index("ix_held_pushes_release_at_user_id", "release_at", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(50))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str | None] = mapped_column(String(300))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    release_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NotificationOutbox(db.Model):
    """A notify() waiting for its fan-out: written in the transaction of the write that caused it (one row,
    whatever the number of people to tell), delivered by a job after the commit, which deletes the row in the
    transaction that writes the inbox rows. A row still here after a crash is delivered by the sweep
    (`deliver-notifications`); the DELETE is the claim, so a job run twice tells nobody twice."""

    __tablename__ = "notification_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    # Plain ids, not foreign keys: the row lives for the seconds until its job runs (accounts are never deleted).
    recipient_ids: Mapped[list] = mapped_column(JSON, default=list)
    exclude_ids: Mapped[list] = mapped_column(JSON, default=list)
    # Also tell the followers of this item (targets registry), looked up by the job, not by the request.
    followers_of_type: Mapped[str | None] = mapped_column(String(20))
    followers_of_id: Mapped[int | None] = mapped_column(Integer)
    is_urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    topic: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
