"""A few seconds' memory, in each worker, of the sessions it has checked: a signed-in request then skips the
session lookup in the database (a join of users and user_sessions, a fifth of a read's CPU).

Revocation is never left to the timeout. Everything that can end or change a session bumps one shared
counter, the revocation epoch, once its transaction has committed: signing out, a password change, an
account's deletion (user_sessions updated), and any change to a users row (the cached copy would be stale),
whether through objects flushed or an UPDATE/DELETE statement run through the session.
Every worker reads the epoch at the start of each signed-in request and drops what it remembered under an
older one, so a revoked session stops on the very next request, whichever worker serves it. The epoch
lives where every worker sees it: in Redis when REDIS_URL is set; on the embedded default in a file of the
instance folder whose size grows by one byte per bump (one stat() per request reads it).

The epoch is read *before* the database lookup whose result is remembered: a revocation committed after
that read bumps the epoch past the remembered one, so a result that was already stale is never kept.
Memberships are not cached: roles and suspensions are read from the database on every request.
SESSION_CACHE_SECONDS (default 5) sets how long an entry lives; 0 turns the cache off.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from backend.accounts.models import User, UserSession
from backend.extensions import db

log = logging.getLogger(__name__)

REDIS_KEY = "linli:session-epoch"
EPOCH_FILE = "session-epoch"
MAX_ENTRIES = 20_000  # a worker forgets everything past this (a few MB at most)
STALE = "session_cache_stale"  # session.info flag: this transaction revoked or changed something cached


@functools.cache
def user_columns() -> tuple[str, ...]:
    """The user's column attributes, asked of the mapper on first use: asking at import would configure every
    mapper known so far, before the models their relationships name (a Project's Grid) may be imported."""
    return tuple(column.key for column in User.__mapper__.column_attrs)


@dataclass(frozen=True)
class Entry:
    epoch: object
    expires: float  # time.monotonic()
    user_id: int
    session_created_at: datetime
    user: User  # detached copy, never attached itself: each request merges its own instance


class SessionCache:
    """One per app (one per worker process): token hash -> Entry."""

    def __init__(self, app):
        self.seconds = float(app.config.get("SESSION_CACHE_SECONDS", 5) or 0)
        self.redis_url = app.config.get("REDIS_URL")
        self.epoch_path = Path(app.instance_path) / EPOCH_FILE
        self.entries: dict[str, Entry] = {}

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    # --- the shared epoch ---

    def epoch(self):
        """The current revocation epoch, or None when it cannot be read (then nothing is cached)."""
        try:
            if self.redis_url:
                from backend.jobs import redis_connection

                return redis_connection(current_app).get(REDIS_KEY) or b"0"
            stat = os.stat(self.epoch_path)
            return (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            return "none"
        except Exception:  # an unreachable Redis: no caching, every request asks the database
            log.warning("session epoch unreadable; the session cache is off for this request", exc_info=True)
            return None

    def bump(self) -> None:
        self.entries.clear()
        try:
            if self.redis_url:
                from backend.jobs import redis_connection

                redis_connection(current_app).incr(REDIS_KEY)
                return
            self.epoch_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.epoch_path, "ab") as file:
                file.write(b".")
            if self.epoch_path.stat().st_size > 1_000_000:  # any change of (inode, size, mtime) is a bump
                self.epoch_path.write_bytes(b"")
        except Exception:
            # Fail closed: workers that cannot be told must stop trusting their memory. Without the shared
            # store there is no way to tell them, so the error is logged loudly; each entry still expires.
            log.exception(
                "could not bump the session epoch: other workers may accept a revoked session for up to "
                "SESSION_CACHE_SECONDS"
            )

    # --- entries ---

    def get(self, token_hash: str, epoch) -> Entry | None:
        entry = self.entries.get(token_hash)
        if entry is None or epoch is None:
            return None
        if entry.epoch != epoch or entry.expires < time.monotonic():
            self.entries.pop(token_hash, None)
            return None
        return entry

    def put(self, token_hash: str, epoch, user: User, session_created_at: datetime) -> None:
        if epoch is None:
            return
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()
        self.entries[token_hash] = Entry(
            epoch, time.monotonic() + self.seconds, user.id, session_created_at, detached_copy(user)
        )


def detached_copy(user: User) -> User:
    """A copy of `user`'s columns as a detached instance (clean, with its identity), fit for merge(load=False)."""
    copy = User()
    for key in user_columns():
        set_committed_value(copy, key, getattr(user, key))
    make_transient_to_detached(copy)
    return copy


def attach(entry: Entry) -> User:
    """The remembered user as this request's own instance in its session, without a query."""
    return db.session.merge(entry.user, load=False)


def cache() -> SessionCache | None:
    """This app's (this worker's) cache, made on first use; None when SESSION_CACHE_SECONDS is 0."""
    found = current_app.extensions.get("linli_session_cache")
    if found is None:
        found = current_app.extensions.setdefault("linli_session_cache", SessionCache(current_app))
    return found if found.enabled else None


def mark_stale() -> None:
    """This transaction revokes sessions or changes users: bump the epoch once it commits."""
    db.session.info[STALE] = True


@event.listens_for(db.session, "after_flush")
def _note_changes(session, _context) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, User | UserSession):
            session.info[STALE] = True
            return


@event.listens_for(db.session, "do_orm_execute")
def _note_bulk_changes(state) -> None:
    """UPDATE/DELETE statements on users or user_sessions run through the session (no objects flushed)."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ in (User, UserSession):
        state.session.info[STALE] = True


@event.listens_for(db.session, "after_commit")
def _bump_after_commit(session) -> None:
    # The flag is not cleared on rollback: a savepoint's rollback must not lose the outer transaction's
    # revocation, and a bump too many only costs each worker one lookup per session.
    if session.info.pop(STALE, False) and has_app_context():
        found = current_app.extensions.get("linli_session_cache")
        if found is not None:
            found.bump()
