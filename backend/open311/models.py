"""Open311 and the 12345 hotline: API keys of outside systems, hotline tickets already taken in, and the
hotline imports waiting for confirmation.

An API key is kept as a SHA-256 hash (the key is 32 random bytes: a plain hash cannot be reversed or guessed),
shown once when issued; `prefix` is its first characters, enough for the admin to tell keys apart. Each key
reports through an account of its own that nobody can sign in to, so a request posted by a city system has a
reporter like any other report and the key's name shows who sent it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

IMPORT_STATUSES = ("previewed", "applied")


class ApiKey(db.Model):
    """A key a platform admin issued to an outside system (a city platform, an Open311 client)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The account its requests are reported by: no password, no phone, no e-mail.
    account_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requests_posted: Mapped[int] = mapped_column(Integer, default=0)


class HotlineAccount(db.Model):
    """The one account hotline tickets are reported by (12345 市民热线), created on first use: a single row,
    so two first imports at once agree on it (the primary key is the constant `purpose`)."""

    __tablename__ = "hotline_accounts"

    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class HotlineTicket(db.Model):
    """A 12345 ticket taken in as a report. The ticket number is unique: importing a file twice, or two
    imports of the same file at once, turn each ticket into one report only."""

    __tablename__ = "hotline_tickets"
    __table_args__ = (UniqueConstraint("ticket_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_number: Mapped[str] = mapped_column(String(40))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    # Reports live in their own domain: no foreign key across it.
    report_id: Mapped[int] = mapped_column(Integer)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HotlineImport(db.Model):
    """A checked hotline file awaiting confirmation (its rows hold callers' words): applied once, or
    purged after a day."""

    __tablename__ = "hotline_imports"
    __table_args__ = (CheckConstraint("status IN ('previewed', 'applied')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    file_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="previewed")
    rows: Mapped[list | None] = mapped_column(JSON)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
