"""Polls, their options, the roll (THAT someone voted) and the ballots (WHAT was voted).

Secret ballots: `poll_roll` and `ballots` share nothing but the poll id. A ballot has a random primary
key (so neither row order nor ids follow the order of voting), no timestamp, and only the SHA-256 of
the voter's receipt. Public polls additionally record the caster on the ballot (`public_voter_id`).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.core.states import Machine
from backend.extensions import db

CHANNELS = ("app", "paper")  # how a ballot reached the roll
METHODS = ("yes_no", "single", "approval", "ranked", "budget")
BUDGET_RULES = ("greedy", "equal_shares")
ELIGIBILITIES = ("verified", "household", "grid")
# Stored state; "upcoming" and "open" are derived from the window while the state is "active".
STATES = ("active", "closed")
POLL_STATES = Machine("poll", {"close": ("active", "closed")}, field="state", noun=("这项投票", "The poll"))


def random_ballot_id() -> int:
    """A random positive 63-bit id: ballot ids and storage order say nothing about when a ballot came."""
    return secrets.randbits(63) or 1


class Poll(db.Model):
    __tablename__ = "polls"
    __table_args__ = (
        CheckConstraint("method IN ('yes_no', 'single', 'approval', 'ranked', 'budget')", name="method_known"),
        CheckConstraint("budget_rule IS NULL OR budget_rule IN ('greedy', 'equal_shares')", name="budget_rule_known"),
        CheckConstraint("eligibility IN ('verified', 'household', 'grid')", name="eligibility_known"),
        CheckConstraint("state IN ('active', 'closed')", name="state_known"),
        CheckConstraint("opens_at < closes_at", name="window_ordered"),
        CheckConstraint("quorum >= 0 AND quorum <= 1", name="quorum_share"),
        CheckConstraint("pass_threshold > 0 AND pass_threshold < 1", name="threshold_share"),
        CheckConstraint("voter_count >= 0", name="voter_count_positive"),
        CheckConstraint("paper_to_count >= 0", name="paper_to_count_positive"),
        Index("ix_polls_community_id_id", "community_id", "id"),
        Index("ix_polls_state_closes_at", "state", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String(10))
    budget_rule: Mapped[str | None] = mapped_column(String(12))
    budget_cents: Mapped[int | None] = mapped_column(BigInteger)
    max_choices: Mapped[int | None] = mapped_column(Integer)
    eligibility: Mapped[str] = mapped_column(String(10), default="verified")
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    # The project a yes/no poll decides (owned by the projects domain, so no cross-domain FK).
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    quorum: Mapped[float] = mapped_column(Float, default=0.0)
    pass_threshold: Mapped[float] = mapped_column(Float, default=0.5)
    is_secret: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_revote: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default="active")
    # Voters (or households) on the roll, bumped by the same conditional UPDATE that admits a ballot.
    voter_count: Mapped[int] = mapped_column(Integer, default=0)
    # Paper ballots put in the ballot box at a polling table and not counted yet (issue 18): one more per voter
    # put on the roll that way, one less per ballot the committee counts, by conditional UPDATEs, so the count
    # can never hold more ballots than the roll has voters for the box.
    paper_to_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    eligible_count: Mapped[int | None] = mapped_column(Integer)  # frozen at close
    results: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # frozen at close, never changed after
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "closes within 24 h" sent
    close_reason: Mapped[str | None] = mapped_column(String(500))

    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll", order_by="PollOption.position", cascade="all, delete-orphan", lazy="selectin"
    )
    created_by: Mapped[User] = relationship("User", lazy="joined")  # noqa: F821

    def status_at(self, now: datetime) -> str:
        """upcoming / open / closed: what a voter sees (closed as soon as the window ends)."""
        if self.state == "closed" or now >= self.closes_at:
            return "closed"
        return "upcoming" if now < self.opens_at else "open"

    def option_ids(self) -> list[int]:
        return [option.id for option in self.options]


class PollOption(db.Model):
    __tablename__ = "poll_options"
    __table_args__ = (
        UniqueConstraint("poll_id", "position"),
        CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="cost_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    cost_cents: Mapped[int | None] = mapped_column(BigInteger)

    poll: Mapped[Poll] = relationship(back_populates="options")


class RollEntry(db.Model):
    """THAT a voter (or household) voted: the UNIQUE (poll_id, voter_key) is the one-ballot guarantee."""

    __tablename__ = "poll_roll"
    __table_args__ = (
        UniqueConstraint("poll_id", "voter_key"),
        Index("ix_poll_roll_user_id_poll_id", "user_id", "poll_id"),
        CheckConstraint("channel IN ('app', 'paper')", name="channel_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    # "u<user id>" or "h<household id>" according to the poll's eligibility.
    voter_key: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "app", or "paper" at a polling table (issue 18): one roll across channels, so one ballot either way.
    channel: Mapped[str] = mapped_column(String(10), default="app", server_default="app")
    # The committee member who recorded a paper ballot (NULL for the app). Never on the ballot: the roll only.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Ballot(db.Model):
    """WHAT was voted. Nothing here points at the roll; see the module docstring."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("poll_id", "receipt_hash"),)

    # On SQLite an INTEGER primary key *is* the rowid, so there is no hidden sequential rowid either.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False, default=random_ballot_id
    )
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    receipt_hash: Mapped[str] = mapped_column(String(64))
    choices: Mapped[dict] = mapped_column(JSON)
    # Public polls only: who cast it. Always NULL on secret polls.
    public_voter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
