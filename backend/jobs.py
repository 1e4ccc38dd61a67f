"""Background jobs: RQ workers on Redis when REDIS_URL is set, a small in-process pool otherwise.

`enqueue(func, *args)` takes a module-level function (so that an RQ worker can import it by name);
the job runs inside an application context and commits its own unit of work. Tests set JOBS_INLINE
so that jobs run at once, in order. Call enqueue after the commit (core.db.after_commit) so that a
job never sees data its request has not committed yet; a job that starts more jobs does the same
(its own commit runs the callbacks).

- `enqueue_in(seconds, func, ...)` / `enqueue_at(when, func, ...)`: delayed jobs. On RQ they need a
  worker started with its scheduler (`rq worker --with-scheduler`); in-process they wait on a timer
  (lost on restart: the periodic jobs are the safety net); inline they run at once.
- `enqueue_many(func, arg_tuples)`: one job per tuple, pushed to Redis in one round trip (fan-out).
- `retries=N` (keyword reserved by enqueue): run again after a failure, with exponential backoff.
- The in-process pool is bounded (JOBS_POOL_SIZE threads), so a burst queues instead of spawning.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from flask import current_app, g

from backend.core.manifest import resolve

log = logging.getLogger(__name__)

APP_FACTORY = "backend:create_app"

# Between retries: 10 s, 1 min, 5 min, 15 min, 1 h (JOBS_BACKOFF_SECONDS="1,2" shortens it for tests).
BACKOFF_SECONDS = tuple(float(s) for s in os.environ.get("JOBS_BACKOFF_SECONDS", "10,60,300,900,3600").split(","))
RESULT_TTL_SECONDS = 300

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_worker_app = None


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (1-based)."""
    return BACKOFF_SECONDS[min(max(attempt, 1), len(BACKOFF_SECONDS)) - 1]


def _name_of(func) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def run_job(name: str, *args, **kwargs):
    """Run one job in an application context and commit its work (used by RQ and the pool)."""
    global _worker_app
    from backend.core.db import commit, rollback

    app = _current_app_or_none() or _worker_app
    if app is None:  # inside an RQ worker process: build the app once (named, so jobs import no domain)
        app = _worker_app = resolve(APP_FACTORY)()
    with app.app_context():
        g.in_job = True  # its transactions write (see core.db.is_read_only)
        try:
            result = resolve(name)(*args, **kwargs)
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


def redis_connection(app):
    """One Redis client per app (connection-pooled), shared by the queue and the caches."""
    from redis import Redis

    connection = app.extensions.get("linli_redis")
    if connection is None:
        connection = app.extensions["linli_redis"] = Redis.from_url(app.config["REDIS_URL"])
    return connection


def _redis_queue(app, name: str = "default"):
    from rq import Queue

    return Queue(name, connection=redis_connection(app))


def _rq_options(retries: int) -> dict:
    from rq import Retry

    options = {"result_ttl": RESULT_TTL_SECONDS}
    if retries:
        options["retry"] = Retry(max=retries, interval=[backoff(i + 1) for i in range(retries)])
    return options


def _mode(app) -> str:
    if app.config.get("JOBS_INLINE"):
        return "inline"
    return "redis" if app.config.get("REDIS_URL") else "pool"


def enqueue(func, *args, queue: str = "default", retries: int = 0, **kwargs):
    """Run `func(*args, **kwargs)` in the background (or at once in tests)."""
    app = current_app._get_current_object()
    name = _name_of(func)
    mode = _mode(app)
    if mode == "inline":
        return _run_inline(app, name, args, kwargs, retries)
    if mode == "redis":
        return _redis_queue(app, queue).enqueue(run_job, name, *args, **kwargs, **_rq_options(retries))
    return _submit_to_pool(app, name, args, kwargs, retries)


def enqueue_many(func, arg_tuples, *, queue: str = "default", retries: int = 0) -> int:
    """One job per tuple of positional arguments; on Redis all are pushed in one pipeline."""
    app = current_app._get_current_object()
    arg_tuples = [tuple(a) for a in arg_tuples]
    if _mode(app) == "redis" and arg_tuples:
        from rq import Queue

        name = _name_of(func)
        q = _redis_queue(app, queue)
        options = _rq_options(retries)
        q.enqueue_many([Queue.prepare_data(run_job, (name, *args), **options) for args in arg_tuples])
    else:
        for args in arg_tuples:
            enqueue(func, *args, queue=queue, retries=retries)
    return len(arg_tuples)


def enqueue_at(when: datetime, func, *args, queue: str = "default", **kwargs):
    """Run `func` at `when` (an aware datetime); at once if that time has passed."""
    app = current_app._get_current_object()
    mode = _mode(app)
    delay = (when - datetime.now(UTC)).total_seconds()
    if mode == "inline" or delay <= 0:
        return enqueue(func, *args, queue=queue, **kwargs)
    name = _name_of(func)
    if mode == "redis":
        return _redis_queue(app, queue).enqueue_at(when, run_job, name, *args, **kwargs, **_rq_options(0))
    timer = threading.Timer(delay, lambda: _submit_to_pool(app, name, args, kwargs, 0))
    timer.daemon = True
    timer.start()
    return timer


def enqueue_in(seconds: float, func, *args, queue: str = "default", **kwargs):
    """Run `func` after `seconds`."""
    return enqueue_at(datetime.now(UTC) + timedelta(seconds=seconds), func, *args, queue=queue, **kwargs)


def _submit_to_pool(app, name, args, kwargs, retries: int, attempt: int = 1):
    def in_pool():
        with app.app_context():
            try:
                return run_job(name, *args, **kwargs)
            except Exception:
                if attempt > retries:
                    raise
                timer = threading.Timer(
                    backoff(attempt), lambda: _submit_to_pool(app, name, args, kwargs, retries, attempt + 1)
                )
                timer.daemon = True
                timer.start()
                return None

    return _get_pool(app.config.get("JOBS_POOL_SIZE", 4)).submit(in_pool)


def _run_inline(app, name, args, kwargs, retries: int = 0):
    """Inline jobs run in a fresh session so they behave as a worker would (own transaction)."""
    from backend.extensions import db

    with app.app_context():
        for attempt in range(retries + 1):
            # A nested app context shares the scoped session; give the job its own, as a worker has.
            db.session.remove()
            try:
                return run_job(name, *args, **kwargs)
            except Exception:
                if attempt >= retries:
                    raise
            finally:
                db.session.remove()
