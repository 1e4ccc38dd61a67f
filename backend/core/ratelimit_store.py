"""The rate-limit counters of the embedded default: one small SQLite file every worker process shares.

Flask-Limiter's `memory://` store is per process: with several gunicorn workers each had its own counters,
and 9 of 12 sign-ups passed a 5-per-minute limit. Without Redis the counters live in
`instance/ratelimits.sqlite` (`linli-file://<path>`), apart from the application's database so that a
counter never waits on a request's write lock. Each hit is one short `BEGIN IMMEDIATE` transaction, so
workers count one after another. With `REDIS_URL` set, Redis holds the counters instead.

Registered with the `limits` library by importing this module (its metaclass registers the scheme).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEME = "linli-file"
_PURGE_EVERY = 500  # hits per process between sweeps of expired counters


def shared_file_uri(instance_dir: str) -> str:
    return f"{SCHEME}://{os.path.join(instance_dir, 'ratelimits.sqlite')}"


class SharedFileStorage(Storage):
    """Fixed-window counters in a SQLite file (`limits` storage: incr, get, get_expiry, clear, reset)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = (uri or "").split("://", 1)[1]
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        self._local = threading.local()
        self._hits = 0
        self._write(
            "CREATE TABLE IF NOT EXISTS counters "
            "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL)"
        )

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and per process (a forked worker opens its own)."""
        pid = os.getpid()
        if getattr(self._local, "pid", None) != pid:
            connection = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection, self._local.pid = connection, pid
        return self._local.connection

    def _write(self, sql: str, *params):
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            rows = connection.execute(sql, params).fetchall()
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return rows

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        self._hits += 1
        if self._hits % _PURGE_EVERY == 0:
            self._write("DELETE FROM counters WHERE expires_at <= ?", now)
        # An expired window starts again at `amount`; a live one adds to its count. One statement, under
        # the file's write lock: two workers never read the same count.
        rows = self._write(
            "INSERT INTO counters (key, count, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN counters.expires_at <= ? THEN excluded.count ELSE counters.count + excluded.count END, "
            "expires_at = CASE WHEN counters.expires_at <= ? THEN excluded.expires_at ELSE counters.expires_at END "
            "RETURNING count",
            key,
            amount,
            now + expiry,
            now,
            now,
        )
        return int(rows[0][0])

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute("SELECT expires_at FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row and row[0] > time.time() else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        count = connection.execute("DELETE FROM counters").rowcount
        connection.execute("COMMIT")
        return count

    def clear(self, key: str) -> None:
        self._write("DELETE FROM counters WHERE key = ?", key)
