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
from dataclasses import dataclass
from pathlib import Path

from backend import jobs

log = logging.getLogger(__name__)

MINUTE, HOUR = 60, 3600


@dataclass(frozen=True)
class PeriodicJob:
    target: str  # "module:function", resolved when due so the scheduler imports nothing at start
    every_seconds: int
    args: tuple = ()


PERIODIC_JOBS = (
    PeriodicJob("backend.voting.services:close_due_polls", MINUTE),
    PeriodicJob("backend.voting.services:remind_closing_polls", 10 * MINUTE),
    PeriodicJob("backend.notices.services:publish_due_notices", MINUTE),
    PeriodicJob("backend.reports.services:sla_sweep", 5 * MINUTE),
    PeriodicJob("backend.notifications.delivery:release_held_pushes", 5 * MINUTE),
    PeriodicJob("backend.notifications.delivery:send_digests", HOUR, ("daily",)),
    PeriodicJob("backend.aid.services:expire_posts", HOUR),
    PeriodicJob("backend.insights.services:send_warnings", HOUR),
    PeriodicJob("backend.core.idempotency:purge_expired", HOUR),
)


def _function(target: str):
    return jobs._resolve(target)  # same lookup the RQ worker uses


def run_due(last_run: dict[str, float], now: float) -> list[str]:
    """Enqueue every job whose interval has passed; returns the targets enqueued."""
    started = []
    for job in PERIODIC_JOBS:
        if now - last_run.get(job.target, 0) >= job.every_seconds:
            last_run[job.target] = now
            try:
                jobs.enqueue(_function(job.target), *job.args)
                started.append(job.target)
            except Exception:  # one broken job must not stop the others
                log.exception("could not enqueue %s", job.target)
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
