"""Background jobs: RQ workers on Redis when REDIS_URL is set, a small in-process pool otherwise.

`enqueue(func, *args)` takes a module-level function (so that an RQ worker can import it by name);
the job runs inside an application context and commits its own unit of work. Tests set JOBS_INLINE
so that jobs run at once, in order. Call enqueue after the commit (core.db.after_commit) so that a
job never sees data its request has not committed yet.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

log = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_worker_app = None


def _name_of(func) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def _resolve(name: str):
    module, _, attr = name.partition(":")
    target = importlib.import_module(module)
    for part in attr.split("."):
        target = getattr(target, part)
    return target


def run_job(name: str, *args, **kwargs):
    """Run one job in an application context and commit its work (used by RQ and the pool)."""
    global _worker_app
    from backend.core.db import commit, rollback

    app = _current_app_or_none() or _worker_app
    if app is None:  # inside an RQ worker process: build the app once
        from backend import create_app

        app = _worker_app = create_app()
    with app.app_context():
        try:
            result = _resolve(name)(*args, **kwargs)
            commit()
            return result
        except Exception:
            rollback()
            log.exception("job %s failed", name)
            raise


def _current_app_or_none():
    try:
        return current_app._get_current_object()
    except RuntimeError:
        return None


def _get_pool(size: int) -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="linli-job")
            atexit.register(_pool.shutdown, wait=True)
        return _pool


def _redis_queue(app, name: str = "default"):
    from redis import Redis
    from rq import Queue

    connection = app.extensions.get("linli_redis")
    if connection is None:
        connection = app.extensions["linli_redis"] = Redis.from_url(app.config["REDIS_URL"])
    return Queue(name, connection=connection)


def enqueue(func, *args, queue: str = "default", **kwargs):
    """Run `func(*args, **kwargs)` in the background (or at once in tests)."""
    app = current_app._get_current_object()
    name = _name_of(func)
    if app.config.get("JOBS_INLINE"):
        return _run_inline(app, name, args, kwargs)
    if app.config.get("REDIS_URL"):
        return _redis_queue(app, queue).enqueue(run_job, name, *args, **kwargs)

    def in_pool():
        with app.app_context():
            return run_job(name, *args, **kwargs)

    return _get_pool(app.config.get("JOBS_POOL_SIZE", 4)).submit(in_pool)


def _run_inline(app, name, args, kwargs):
    """Inline jobs run in a fresh session so they behave as a worker would (own transaction)."""
    from backend.extensions import db

    with app.app_context():
        # A nested app context shares the scoped session; give the job its own, as a worker has.
        db.session.remove()
        try:
            return run_job(name, *args, **kwargs)
        finally:
            db.session.remove()
