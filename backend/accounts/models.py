from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

LOCALES = ("zh-CN", "en")


class User(UserMixin, db.Model):
    """A person with an account. Personal data (email, phone) is erased on deletion; the row stays
    so that their projects, comments and votes keep an author ("former resident")."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("locale IN ('zh-CN', 'en')", name="locale_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    # When the phone was shown to be this person's: a code sent to it by SMS was redeemed, or staff took it down
    # in person with the resident's paper consent. Urgent notices go by SMS only to a verified phone.
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(5), default="zh-CN")
    care_mode: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_hours_start: Mapped[str | None] = mapped_column(String(5))
    quiet_hours_end: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Shanghai")
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The privacy notice version this person accepted (accounts.privacy.NOTICE_VERSION), and when.
    privacy_notice_version: Mapped[str | None] = mapped_column(String(20))
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login: deleted accounts cannot hold a session
        return not self.is_deleted

    @property
    def quiet_hours(self) -> dict | None:
        if self.quiet_hours_start and self.quiet_hours_end:
            return {"start": self.quiet_hours_start, "end": self.quiet_hours_end}
        return None

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserSession(db.Model):
    """A signed-in device. The cookie carries a random token whose hash is kept here, so that signing
    out, a password change or deletion revokes a copied cookie too (a signed cookie alone cannot)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginCode(db.Model):
    """A one-time code sent by SMS or e-mail to sign in, to reset the password or to confirm a phone number one adds
    in the settings (accounts/codes.py).

    Kept as hashes only: `login_hash` names the phone or address (HMAC, so the table lists no numbers) and
    `code_hash` the code (HMAC with the server's key: six digits are too few for a plain hash). A code asked
    for an address with no account gets a row too (`user_id` NULL) that nothing can redeem, so both cases
    write and answer alike. `tries` counts wrong codes by a conditional UPDATE, kept even when the request
    is refused."""

    __tablename__ = "login_codes"
    __table_args__ = (
        CheckConstraint("purpose IN ('sign_in', 'reset_password', 'verify_phone')", name="purpose_known"),
        CheckConstraint("tries >= 0", name="tries_not_negative"),
        Index("ix_login_codes_login_hash_purpose", "login_hash", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    login_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
