"""The register's households and residents, and the previews of spreadsheet imports awaiting confirmation.

Personal data kept by the committee (names, birth dates, phone numbers, addresses): read only through
backend.register.services, which lets the committee alone in and writes every read to the audit log.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

GENDERS = ("", "female", "male")
IMPORT_STATUSES = ("previewed", "applied")


class RegisterHousehold(db.Model):
    """One dwelling (building / unit / room) as the committee's register knows it."""

    __tablename__ = "register_households"
    __table_args__ = (UniqueConstraint("community_id", "building", "unit", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    building: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20), default="")
    room: Mapped[str] = mapped_column(String(20))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def address(self) -> str:
        return "-".join(part for part in (self.building, self.unit, self.room) if part)


class RegisterResident(db.Model):
    """One person in the register. `ref` is the committee's own number for the person (居民编号), when the
    spreadsheet has one: it identifies the person across imports, so a changed room moves them; without it a
    person is known by household and name."""

    __tablename__ = "register_residents"
    __table_args__ = (
        UniqueConstraint("community_id", "ref"),
        UniqueConstraint("household_id", "name"),
        # One account is one person: linked to at most one record of a community.
        UniqueConstraint("community_id", "user_id"),
        CheckConstraint("gender IN ('', 'female', 'male')", name="gender_known"),
        Index("ix_register_residents_community_id_id", "community_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("register_households.id"), index=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(10), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(20), default="")
    relation: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(String(200), default="")
    # The person's Linli account once the committee links one (None for residents without the app).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[RegisterHousehold] = relationship(lazy="joined")


class RegisterImport(db.Model):
    """A previewed spreadsheet: its checked rows wait here until the committee confirms it by its id (or the
    preview expires). Confirming applies exactly these rows, once (a conditional UPDATE on `status`); the rows are
    then dropped, so the register is the only copy of the people in it."""

    __tablename__ = "register_imports"
    __table_args__ = (CheckConstraint("status IN ('previewed', 'applied')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="previewed")
    rows: Mapped[list | None] = mapped_column(JSON)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
