"""Rows that must not say who wrote them by where they are stored: secret ballots, anonymous survey answers
(issue 15; threat model in docs/security-and-privacy.md).

While a vote or survey is open each row lands where the database puts new rows (PostgreSQL's heap order and
transaction stamp, SQLite's next free cell), in the order the roll records. When it closes, the winner of the
closing UPDATE calls `rewrite_in_random_order` in the same transaction, and `compact_storage_after_commit`
queues the job that drops the old copies from the files.
"""

from __future__ import annotations

import secrets
import time

from backend.core.db import after_commit
from backend.extensions import db

WAL_CHECKPOINT_TRIES = 20


def rewrite_in_random_order(selections) -> None:
    """Delete and insert again, in an order drawn at random, the rows each (table, where-clause) selects.

    `selections` lists parents before children (survey responses before their answers): children are deleted
    first and parents inserted first, so foreign keys hold throughout. Keys and values are unchanged (they are
    random where it matters), so references to the rows hold; one transaction stamps them all alike.
    """
    shuffle = secrets.SystemRandom().shuffle
    kept = []
    for table, where in selections:
        rows = [dict(row) for row in db.session.execute(table.select().where(where)).mappings()]
        shuffle(rows)
        kept.append((table, rows))
    for table, where in reversed(selections):
        db.session.execute(table.delete().where(where))
    for table, rows in kept:
        if rows:
            db.session.execute(table.insert(), rows)


def compact_storage_after_commit(*table_names: str) -> None:
    """Queue `compact_storage` for these tables once the closing transaction has committed."""

    def enqueue_compaction():
        from backend.jobs import enqueue

        enqueue(compact_storage, *table_names, retries=5)

    after_commit(enqueue_compaction)


def compact_storage(*table_names: str) -> None:
    """Job: rewrite the stored files so that no copy of the rows in their arrival order is left.

    SQLite: VACUUM rebuilds the database in key order, then the write-ahead log, which still holds every page as
    it was at each write, is checkpointed and truncated to zero bytes. PostgreSQL: VACUUM FULL writes the tables
    and their indexes anew (the dead tuples of the arrival order go with the old files). Both run outside any
    transaction, on a connection of their own.

    :raises RuntimeError: readers kept the WAL in use (the job is retried later)
    """
    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        if db.engine.dialect.name == "sqlite":
            _vacuum_sqlite(connection)
            return
        connection.rollback()
        connection.autocommit = True
        try:
            for table in table_names:
                connection.execute(f"VACUUM FULL {table}")
        finally:
            connection.autocommit = False
    finally:
        raw.close()


def _vacuum_sqlite(connection) -> None:
    connection.execute("VACUUM")
    for _ in range(WAL_CHECKPOINT_TRIES):
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if not busy:
            return
        time.sleep(0.25)
    raise RuntimeError("the write-ahead log is still in use: not truncated yet")
