"""Database plumbing: SQLite settings, one commit per request, callbacks run after the commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from backend.extensions import db

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and write transactions that take the write lock up front.

    A deferred SQLite transaction that reads and then writes fails at once with SQLITE_BUSY when
    another writer committed in between; BEGIN IMMEDIATE makes concurrent writers queue instead
    (busy_timeout), which is what "two ballots at once" needs. Reads stay deferred and concurrent.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten records are zeroed, not left in free space (a replaced ballot, issue 15).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A read request issues no BEGIN at all: each SELECT reads its own committed snapshot (WAL), which
        # saves a statement and makes the end of the request a COMMIT of nothing. A page built from several
        # statements may then count a comment that landed between two of them, never half of a write.
        if not is_read_only():
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def checkpoint_sqlite_wal() -> bool:
    """SQLite: copy the write-ahead log into the database file and truncate it to zero bytes (outside any
    transaction, on a connection of its own). True when it completed; False when readers kept it from finishing
    (it is then tried again next time) or on another database."""
    if db.engine.dialect.name != "sqlite":
        return False
    raw = db.engine.raw_connection()
    try:
        busy, _log, _done = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0
    except Exception:  # best effort: a checkpoint that cannot run now changes nothing that is stored
        log.warning("WAL checkpoint failed", exc_info=True)
        return False
    finally:
        raw.close()


def is_read_only() -> bool:
    """A GET (HEAD, OPTIONS) request's own work: it reads and never writes. A job it hands work to runs in an
    application context of its own (marked by backend.jobs), even when run inline right after the request."""
    return has_request_context() and request.method in SAFE_METHODS and not (has_app_context() and g.get("in_job"))


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction commits (dropped on rollback)."""
    db.session.info.setdefault("after_commit", []).append(callback)


def keep_when_refused(keep: bool = True) -> None:
    """Commit this request's writes even if it answers 4xx. Only for a write that must outlive the refusal it
    leads to, such as the count of wrong one-time codes (accounts/codes.py): rolled back with the 401, a guesser
    would get unlimited tries. The caller makes sure nothing else was written."""
    if has_request_context():
        g.keep_when_refused = keep


def on_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if the current unit of work is rolled back (dropped on commit): undo what lives outside
    the database, such as files written for rows that will now never exist."""
    db.session.info.setdefault("on_rollback", []).append(callback)


def rollback() -> None:
    db.session.rollback()
    db.session.info.pop("after_commit", None)
    for callback in db.session.info.pop("on_rollback", []):
        try:
            callback()
        except Exception:  # cleaning up must not hide the error that caused the rollback
            log.exception("on-rollback callback failed")


WROTE = "linli_wrote"  # session.info flag: this unit of work flushed objects or ran INSERT/UPDATE/DELETE


@event.listens_for(db.session, "after_flush")
def _note_flush(session, _context) -> None:
    session.info[WROTE] = True


@event.listens_for(db.session, "do_orm_execute")
def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_soft_rollback")
def _forget_writes(session, *_args) -> None:
    session.info.pop(WROTE, None)


def end_read() -> None:
    """The end of a read request's unit of work: reads never write, so there is nothing to commit and no
    COMMIT is sent (the connection goes back to the pool at teardown); what waited for the end of the
    request (a job enqueued by the read) runs now. A read that did write commits as before."""
    if db.session.info.get(WROTE):
        commit()
        return
    db.session.info.pop("on_rollback", None)
    for callback in db.session.info.pop("after_commit", []):
        try:
            callback()
        except Exception:  # a failed enqueue must not turn a good read into an error
            log.exception("after-read callback failed")


def commit() -> None:
    """Commit the unit of work, then run what waited for it (job enqueues, pushes)."""
    db.session.commit()
    db.session.info.pop("on_rollback", None)
    callbacks = db.session.info.pop("after_commit", [])
    for callback in callbacks:
        try:
            callback()
        except Exception:  # a failed enqueue must not turn a committed write into an error
            log.exception("after-commit callback failed")
