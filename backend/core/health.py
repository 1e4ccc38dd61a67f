"""/healthz: 200 when every store answers and has room; 503 naming the store that fails otherwise.

Stores: the database (SELECT 1; on SQLite also the free space of its directory), the uploads directory
(free space), Redis when configured. A store whose last write in this process was refused for lack of space
(in the last FAILURE_MEMORY_SECONDS) is reported failing too: PostgreSQL's disk is not ours to measure, its
refusals are.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from threading import Lock

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from backend.extensions import db

FAILURE_MEMORY_SECONDS = 300
DEFAULT_MIN_FREE_BYTES = 32 * 1024 * 1024

_failures: dict[str, tuple[float, str]] = {}
_lock = Lock()


def record_failure(store: str, reason: str) -> None:
    """A write to `store` failed for `reason` ("disk full"): /healthz says so for the next few minutes."""
    with _lock:
        _failures[store] = (time.monotonic(), reason)


def record_success(store: str) -> None:
    """A write to `store` went through: whatever failed before is over."""
    if store in _failures:
        with _lock:
            _failures.pop(store, None)


def _recent_failure(store: str) -> str | None:
    with _lock:
        moment, reason = _failures.get(store, (None, None))
    if moment is None or time.monotonic() - moment > FAILURE_MEMORY_SECONDS:
        return None
    return f"error: {reason} ({int(time.monotonic() - moment)} s ago)"


def _free_space_problem(directory: str | os.PathLike | None) -> str | None:
    if not directory:
        return None
    path = Path(directory)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        stats = os.statvfs(path)
    except OSError as error:
        return f"error: {type(error).__name__}"
    free = stats.f_bavail * stats.f_frsize
    minimum = current_app.config.get("HEALTH_MIN_FREE_BYTES", DEFAULT_MIN_FREE_BYTES)
    return f"error: disk full ({free} bytes free)" if free < minimum else None


def _sqlite_directory() -> str | None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return os.path.dirname(os.path.abspath(url.database))


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # the point is to report, not to raise
        return f"error: {type(error).__name__}"
    return _free_space_problem(_sqlite_directory()) or _recent_failure("database") or "ok"


def _uploads() -> str:
    directory = current_app.config.get("UPLOAD_DIR") or os.path.join(current_app.instance_path, "uploads")
    return _free_space_problem(directory) or _recent_failure("uploads") or "ok"


def check():
    checks = {"database": _database(), "uploads": _uploads()}
    if current_app.config.get("REDIS_URL"):
        try:
            from redis import Redis

            Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as error:
            checks["redis"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return {"status": "ok" if healthy else "unavailable", "checks": checks}, 200 if healthy else 503
