"""The job queue: inline in tests, a bounded in-process pool by default, RQ workers on a real Redis."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from backend import jobs
from tests.job_functions import append_line, fail_until_attempt  # importable by name in an RQ worker
from tests.redis_server import MISSING_MESSAGE, redis_available, redis_server, rq_workers


def wait_for_lines(path: Path, count: int, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and len(lines := path.read_text().splitlines()) >= count:
            return lines
        time.sleep(0.05)
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def pool_mode(app, monkeypatch):
    """The production default: no Redis, not inline: the in-process pool."""
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setattr(jobs, "BACKOFF_SECONDS", (0.1, 0.2))
    return app


def test_inline_jobs_run_at_once_in_order(app, tmp_path):
    out = tmp_path / "out.txt"
    with app.app_context():
        jobs.enqueue(append_line, str(out), "a")
        jobs.enqueue_many(append_line, [(str(out), "b"), (str(out), "c")])
        jobs.enqueue_in(3600, append_line, str(out), "later")  # inline: delays are skipped
    assert out.read_text().splitlines() == ["a", "b", "c", "later"]


def test_inline_retries_until_success(app, tmp_path):
    counter = tmp_path / "count"
    with app.app_context():
        assert jobs.enqueue(fail_until_attempt, str(counter), 3, retries=2) == 3


def test_pool_runs_jobs_in_the_background_with_bounded_threads(pool_mode, tmp_path):
    out = tmp_path / "out.txt"
    with pool_mode.app_context():
        futures = [jobs.enqueue(append_line, str(out), str(n)) for n in range(20)]
    assert sorted(f.result(timeout=10) for f in futures) == sorted(str(n) for n in range(20))
    assert jobs._pool._max_workers == pool_mode.config.get("JOBS_POOL_SIZE", 4)


def test_pool_retries_a_failing_job_with_backoff(pool_mode, tmp_path):
    counter = tmp_path / "count"
    with pool_mode.app_context():
        jobs.enqueue(fail_until_attempt, str(counter), 3, retries=3)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (not counter.exists() or counter.read_text() != "3"):
        time.sleep(0.05)
    assert counter.read_text() == "3"


def test_pool_delayed_job_waits(pool_mode, tmp_path):
    out = tmp_path / "out.txt"
    start = time.monotonic()
    with pool_mode.app_context():
        jobs.enqueue_in(0.5, append_line, str(out), "late")
    assert wait_for_lines(out, 1, timeout=10) == ["late"]
    assert time.monotonic() - start >= 0.45


@pytest.fixture(scope="module")
def redis_url():
    if not redis_available():
        pytest.skip(MISSING_MESSAGE)
    with redis_server() as url:
        yield url


@pytest.fixture
def rq_mode(app, redis_url, monkeypatch, tmp_path):
    """Enqueue to Redis from this process; jobs run in a separate `rq worker --with-scheduler` process."""
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setattr(jobs, "BACKOFF_SECONDS", (1, 1, 1))
    app.extensions.pop("linli_redis", None)
    env = {
        "REDIS_URL": redis_url,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LINLI_INSTANCE_DIR": app.config["INSTANCE_DIR"],
        "SECRET_KEY": "test",
        "PUSH_ALLOW_LOOPBACK": "1",
        "RATELIMIT_ENABLED": "0",
    }
    with rq_workers(redis_url, env, log_dir=tmp_path) as workers:
        yield workers
    app.extensions.pop("linli_redis", None)


@pytest.mark.slow
def test_a_job_enqueued_on_redis_is_run_by_a_separate_rq_worker(app, rq_mode, tmp_path):
    out = tmp_path / "out.txt"
    with app.app_context():
        job = jobs.enqueue(append_line, str(out), f"from {os.getpid()}")
        jobs.enqueue_many(append_line, [(str(out), "batch-1"), (str(out), "batch-2")])
    assert sorted(wait_for_lines(out, 3)) == sorted([f"from {os.getpid()}", "batch-1", "batch-2"])
    assert job.origin == "default"
    assert rq_mode[0].poll() is None  # a separate, still running worker process did it


@pytest.mark.slow
def test_rq_scheduler_runs_delayed_jobs_and_retries(app, rq_mode, tmp_path):
    out, counter = tmp_path / "out.txt", tmp_path / "count"
    start = time.monotonic()
    with app.app_context():
        jobs.enqueue_in(2, append_line, str(out), "delayed")
        jobs.enqueue(fail_until_attempt, str(counter), 2, retries=2)
    assert wait_for_lines(out, 1) == ["delayed"]
    assert time.monotonic() - start >= 1.9
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not counter.exists() or counter.read_text() != "2"):
        time.sleep(0.1)
    assert counter.read_text() == "2"
