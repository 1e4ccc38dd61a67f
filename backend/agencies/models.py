"""Agencies, the communities each serves, and their staff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

KINDS = ("property", "city_management", "police", "utility", "other")


class Agency(db.Model):
    """An organisation outside the committee that owns some problems (物业, 城管, 派出所社区民警, 水电): registered
    at a street or a district, it serves communities under that region and takes reports transferred to it."""

    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in KINDS)})", name="kind_known"),
        # One name per region: the league table and the transfer picker list agencies by name.
        UniqueConstraint("region_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship("Region", lazy="joined")  # noqa: F821


class AgencyCommunity(db.Model):
    """An agency serves a community: reports there may be transferred to it."""

    __tablename__ = "agency_communities"
    __table_args__ = (
        UniqueConstraint("agency_id", "community_id"),
        Index("ix_agency_communities_community_id_agency_id", "community_id", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))


class AgencyMember(db.Model):
    """A staff account of an agency: sees the agency's inbox, accepts, returns and resolves its transfers."""

    __tablename__ = "agency_members"
    __table_args__ = (UniqueConstraint("agency_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship("User", foreign_keys=[user_id], lazy="joined")  # noqa: F821
