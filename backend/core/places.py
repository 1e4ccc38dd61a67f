"""Places with a capacity and a waitlist, held by the database: a count of taken places on the parent row (a
meeting, a shift) and entries (RSVPs, sign-ups) that either hold a place or wait, first come first served.

The guarantees, for every domain that uses it:

- the capacity: ``UPDATE parent SET count = count + 1 WHERE id = :id AND count < capacity`` (no capacity: no
  limit); its rowcount decides whether a place was taken, so two requests can never take the last place twice;
- order: callers lock the parent row first (``lock``: FOR UPDATE on PostgreSQL; SQLite write transactions are
  serial), so joins, cancellations and promotions of one parent never interleave;
- the waitlist: by when each entry joined the queue, then by id; a promotion is a conditional UPDATE from a
  state the machine's ``promote`` allows, so an entry is promoted once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from backend.core.db import utcnow
from backend.core.states import Machine
from backend.extensions import db

WAITING = "waitlisted"


@dataclass(frozen=True)
class Places:
    """The places of one kind of parent: e.g. ``Places(Meeting, Meeting.going_count, Meeting.capacity, Rsvp,
    Rsvp.meeting_id, RSVP_STATES, "going_at")``."""

    parent: type
    count: object  # the parent's column of places taken
    capacity: object  # the parent's column of places in all (NULL: no limit)
    entry: type
    parent_of_entry: object  # the entry's column naming its parent
    states: Machine  # the entries' machine: its "promote" leads from the waitlist to a place
    promoted_at: str  # the entry's column stamped when it gets a place

    def lock(self, parent_id: int):
        """The parent row, locked until the transaction ends (None when there is none)."""
        return db.session.scalar(select(self.parent).where(self.parent.id == parent_id).with_for_update())

    def take(self, parent_id: int) -> bool:
        """The capacity rule itself: one conditional UPDATE; True when a place was free and is now taken."""
        free = self.capacity.is_(None) | (self.count < self.capacity)
        result = db.session.execute(
            update(self.parent)
            .where(self.parent.id == parent_id, free)
            .values({self.count.key: self.count + 1})
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    def give_back(self, parent_id: int) -> None:
        """A place is free again (never below zero)."""
        db.session.execute(
            update(self.parent)
            .where(self.parent.id == parent_id, self.count > 0)
            .values({self.count.key: self.count - 1})
            .execution_options(synchronize_session=False)
        )

    def first_waiting(self, parent_id: int):
        """The entry first in line, or None."""
        return db.session.scalar(
            select(self.entry)
            .where(self.parent_of_entry == parent_id, self.entry.status == WAITING)
            .order_by(self.entry.queued_at, self.entry.id)
            .limit(1)
        )

    def promote(self, entry) -> bool:
        """The waiting entry gets the place its caller took or passed on; True when it moved (once only)."""
        moved = db.session.execute(
            update(self.entry)
            .where(self.entry.id == entry.id, self.entry.status.in_(self.states.sources("promote")))
            .values({"status": self.states.target("promote"), self.promoted_at: utcnow()})
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved:
            db.session.refresh(entry)
        return bool(moved)

    def positions(self, parent_ids, entry_ids) -> dict[int, int]:
        """{entry id: its 1-based place in its parent's waitlist} for the given entries, in one query."""
        if not entry_ids:
            return {}
        rank = func.row_number().over(partition_by=self.parent_of_entry, order_by=(self.entry.queued_at, self.entry.id))
        ranked = (
            select(self.entry.id.label("id"), rank.label("position"))
            .where(self.parent_of_entry.in_(set(parent_ids)), self.entry.status == WAITING)
            .subquery()
        )
        return dict(db.session.execute(select(ranked.c.id, ranked.c.position).where(ranked.c.id.in_(entry_ids))).all())
