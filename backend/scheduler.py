"""Periodic jobs: closing polls, the SLA sweep, scheduled notices, held pushes, digests, warnings.

One scheduler runs per deployment. On the embedded default it lives in whichever web process first
takes a file lock in instance/ (a thread started by the first request, so CLI commands never start
it); with Redis, run `flask --app wsgi scheduler` as its own process and the jobs go to the RQ
workers. Every job is idempotent and claims its rows with conditional UPDATEs, so a job that runs
twice (a restart, two schedulers by mistake) does no harm.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path

from backend import jobs
from backend.core.manifest import resolve
from backend.domains import DOMAINS

log = logging.getLogger(__name__)


def periodic_jobs() -> list:
    """The jobs of every domain's manifest that run on a schedule (`flask jobs list` shows them all)."""
    return [job for domain in DOMAINS for job in domain.jobs if job.every_seconds]


def run_due(last_run: dict[str, float], now: float) -> list[str]:
    """Enqueue every job whose interval has passed; returns the names of the jobs enqueued.

    A job's code is imported only now, when it is due: the scheduler starts without loading the domains.
    """
    started = []
    for job in periodic_jobs():
        if now - last_run.get(job.name, 0) >= job.every_seconds:
            last_run[job.name] = now
            try:
                jobs.enqueue(resolve(job.target), *job.args)
                started.append(job.name)
            except Exception:  # one broken job must not stop the others
                log.exception("could not enqueue %s", job.name)
    return started


def run_forever(app, stop: threading.Event, tick_seconds: float = 15) -> None:
    last_run: dict[str, float] = {}
    with app.app_context():
        while not stop.is_set():
            run_due(last_run, time.time())
            stop.wait(tick_seconds)


_started = False
_lock_handle = None


def start_in_process(app) -> bool:
    """Start the scheduler thread here if no other process on this machine holds the lock."""
    global _started, _lock_handle
    if _started:
        return False
    _started = True
    lock_path = Path(app.config["INSTANCE_DIR"]) / "scheduler.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "w")  # noqa: SIM115  (held open for the life of the process)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    _lock_handle = handle
    threading.Thread(target=run_forever, args=(app, threading.Event()), name="linli-scheduler", daemon=True).start()
    log.info("scheduler started in process")
    return True
