from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

REGION_KINDS = ("district", "street")
ROLES = ("resident", "grid_worker", "committee", "org_admin")
STATUSES = ("pending", "invited", "verified", "suspended")
# What each state may do (docs/security-and-privacy.md, "Trust model"): pending reads, comments and follows;
# invited (a verified neighbour's invite: known, not confirmed) also supports projects and signs up for
# activities; verified (the committee confirmed the person and the household) does everything else, votes
# included. Only the committee confirms a household, so an invite never gives anyone a vote.
KNOWN_STATUSES = ("invited", "verified")

# Joining makes a member pending, or invited with a verified neighbour's invite; only the committee verifies.
# The committee may reject someone it has not verified (the membership is deleted: "rejected" is never
# stored). A suspension ends where the member was before it: verified if the committee ever verified them,
# else invited if a neighbour's invite brought them, else pending.
MEMBERSHIP_STATES = Machine(
    "membership",
    {
        "join": (None, ("pending", "invited")),
        "verify": (("pending", "invited"), "verified"),
        "reject": (("pending", "invited"), "rejected"),
        "suspend": (("pending", "invited", "verified", "suspended"), "suspended"),
        "lift": ("suspended", ("verified", "invited", "pending")),
    },
    field="recorded_status",
    noun=("该成员", "The membership"),
)


class Region(db.Model):
    """District (区) or street (街道); communities hang under a street."""

    __tablename__ = "regions"
    __table_args__ = (CheckConstraint("kind IN ('district', 'street')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[id], lazy="joined")


class RegionOfficial(db.Model):
    """A street (街道办) or district official: sees the roll-up of the communities under the region and
    receives what escalates past their committees. Appointed and removed by a platform admin."""

    __tablename__ = "region_officials"
    __table_args__ = (UniqueConstraint("region_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship("User", foreign_keys=[user_id], lazy="joined")  # noqa: F821
    region: Mapped[Region] = relationship(lazy="joined")

    @property
    def role(self) -> str:
        """street_official or district_official: what the region is decides it."""
        return f"{self.region.kind}_official"


class Community(db.Model):
    """A residential community (社区) run by its residents' committee."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    name_en: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    street_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    # Per-community settings of every domain (thresholds, deadlines, word filter); defaults live in code.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    street: Mapped[Region | None] = relationship(lazy="joined")
    grids: Mapped[list[Grid]] = relationship(back_populates="community", order_by="Grid.number")

    def setting(self, name: str, default):
        return (self.settings or {}).get(name, default)


class Grid(db.Model):
    """A grid (网格) inside a community, with one named responsible person."""

    __tablename__ = "grids"
    __table_args__ = (UniqueConstraint("community_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # GeoJSON Polygon geometry ({"type": "Polygon", "coordinates": [[[lng, lat], ...]]}) or null.
    polygon: Mapped[dict | None] = mapped_column(JSON)

    community: Mapped[Community] = relationship(back_populates="grids")
    responsible: Mapped[User | None] = relationship("User", lazy="joined")  # noqa: F821


class Household(db.Model):
    """Building / unit / room: the unit of "one vote per household". Personal data: committee only."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("community_id", "building", "unit", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    building: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20))
    room: Mapped[str] = mapped_column(String(20))


class Membership(db.Model):
    """A person's place in one community: role, verification status, household and grid."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "community_id"),
        CheckConstraint("role IN ('resident', 'grid_worker', 'committee', 'org_admin')", name="role_known"),
        CheckConstraint("status IN ('pending', 'invited', 'verified', 'suspended')", name="status_known"),
        Index("ix_memberships_community_status_id", "community_id", "status", "id"),
        # The members page of every status, in id order, without walking the whole district's memberships.
        Index("ix_memberships_community_id_id", "community_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    role: Mapped[str] = mapped_column(String(20), default="resident")
    # The status as last written; `status` reads an expired suspension as already lifted (the
    # lift-suspensions job writes that down), so that reading a membership never has to write.
    recorded_status: Mapped[str] = mapped_column("status", String(20), default="pending")
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Whose invite brought them (the invite chain the committee sees); kept after verification.
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The look-alike (skeleton) of the last name of theirs the committee was warned imitates one of its members'
    # (name_warnings): a conditional UPDATE on it sends each warning once per person and name.
    name_warning_skeleton: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User] = relationship("User", foreign_keys=[user_id], lazy="joined")  # noqa: F821
    community: Mapped[Community] = relationship(lazy="joined")
    household: Mapped[Household | None] = relationship(lazy="joined")
    grid: Mapped[Grid | None] = relationship(lazy="joined")

    @hybrid_property
    def status(self) -> str:
        if (
            self.recorded_status == "suspended"
            and self.suspended_until is not None
            and self.suspended_until <= utcnow()
        ):
            return self.status_after_suspension
        return self.recorded_status

    @status.inplace.setter
    def _status_setter(self, value: str) -> None:
        self.recorded_status = value

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        return cls.recorded_status

    @property
    def status_after_suspension(self) -> str:
        """Where a suspension ends: verified if the committee ever verified them, else invited if a
        neighbour's invite brought them, else pending."""
        if self.verified_at:
            return "verified"
        return "invited" if self.invited_by_id else "pending"

    @property
    def is_verified(self) -> bool:
        return self.status == "verified"

    @property
    def is_known(self) -> bool:
        """Vouched for by a neighbour's invite or verified: may support projects and join activities."""
        return self.status in KNOWN_STATUSES

    @property
    def is_committee(self) -> bool:
        return self.is_verified and self.role == "committee"

    def suspend(self, until: datetime) -> None:
        MEMBERSHIP_STATES.move(self, "suspend")
        self.suspended_until = until

    def end_suspension(self) -> None:
        """Back to where they were (status_after_suspension)."""
        MEMBERSHIP_STATES.move(self, "lift", to=self.status_after_suspension)
        self.suspended_until = None


class Invite(db.Model):
    """以熟带熟: a verified resident's single-use code; the neighbour who joins with it is invited (known to
    someone), not verified: the committee still confirms their household before they may vote."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


HOUSEHOLD_DECISIONS = ("agree", "refuse")


class HouseholdAgreement(db.Model):
    """A verified resident's answer to someone who says they live in the same flat (issue 15): a claim on a
    household where verified residents live needs one of them, or the committee, to agree. One answer per claim
    and flat: UNIQUE (membership_id, household_id), so of two residents answering at once, the first counts."""

    __tablename__ = "household_agreements"
    __table_args__ = (
        UniqueConstraint("membership_id", "household_id"),
        CheckConstraint("decision IN ('agree', 'refuse')", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The claim: the claimant's membership (a rejected membership is deleted, its answers with it).
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"))
    # The flat the answer is about: a claimant who later gives another flat has no answer for that one.
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(500))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssistedResident(db.Model):
    """A resident registered by staff in person (代办: no phone or e-mail needed), with the consent they gave on
    paper, and the one-time code of their invitation letter to take the account over later (kept as an HMAC)."""

    __tablename__ = "assisted_residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_on: Mapped[date] = mapped_column(Date)  # the date on the signed paper form
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    letter_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    letter_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship("User", foreign_keys=[user_id], lazy="joined")  # noqa: F821
    registered_by: Mapped[User | None] = relationship("User", foreign_keys=[registered_by_id])  # noqa: F821
