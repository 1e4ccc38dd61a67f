"""Rate limits across workers (issue 15): attacks on the per-process counters and on a directly reachable
app behind a proxy, each as a question."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
TRIES_PER_WORKER = 4  # 12 attempts against a limit of 5


def _worker(instance_dir: str, start, results) -> None:
    """One 'gunicorn worker': its own app from create_app on the embedded default, its own limiter."""
    from limits import parse

    from backend import create_app
    from backend.extensions import limiter
    from config import TestConfig

    class WorkerConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{os.path.join(instance_dir, 'linli.db')}"
        INSTANCE_DIR = instance_dir
        UPLOAD_DIR = os.path.join(instance_dir, "uploads")
        RATELIMIT_ENABLED = True

    app = create_app(WorkerConfig)
    limit = parse("5 per minute")
    start.wait(120)
    with app.app_context():
        passed = sum(limiter.limiter.hit(limit, "register", "203.0.113.7") for _ in range(TRIES_PER_WORKER))
    results.put(passed)


def test_several_workers_share_one_five_per_minute_limit():
    """With three worker processes on the default install, do more than 5 of 12 sign-ups pass a 5/min limit?"""
    instance_dir = tempfile.mkdtemp(prefix="linli-limits-")
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(WORKERS), spawn.Queue()
    env_before = os.environ.pop("RATELIMIT_STORAGE_URI", None)
    processes = [spawn.Process(target=_worker, args=(instance_dir, start, results)) for _ in range(WORKERS)]
    try:
        for process in processes:
            process.start()
        passed = [results.get(timeout=180) for _ in processes]
    finally:
        for process in processes:
            process.join(30)
        if env_before is not None:
            os.environ["RATELIMIT_STORAGE_URI"] = env_before
    assert sum(passed) == 5, passed


def _gunicorn_settings(**environ) -> subprocess.CompletedProcess:
    """Load gunicorn.conf.py as gunicorn would, in a clean process, and print what it chose."""
    env = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "RATELIMIT_STORAGE_URI", "HOST")}
    env.pop("TRUSTED_PROXIES", None)
    env.pop("GUNICORN_BIND", None)
    env.update(environ)
    code = "import runpy; s = runpy.run_path('gunicorn.conf.py'); print(s['bind'], s['workers'])"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_several_workers_with_a_per_process_store_refuse_to_start():
    """Can an operator run 3 workers with memory:// counters (each worker its own limits)?"""
    refused = _gunicorn_settings(WEB_CONCURRENCY="3", RATELIMIT_STORAGE_URI="memory://")
    assert refused.returncode != 0 and "memory://" in refused.stderr
    single = _gunicorn_settings(RATELIMIT_STORAGE_URI="memory://")
    assert single.returncode == 0 and single.stdout.split()[1] == "1"
    shared = _gunicorn_settings(WEB_CONCURRENCY="3")
    assert shared.returncode == 0 and shared.stdout.split()[1] == "3"


def test_behind_a_proxy_the_app_is_not_reachable_directly():
    """Behind a proxy, does gunicorn listen where anyone could forge X-Forwarded-For around the proxy?"""
    default = _gunicorn_settings(TRUSTED_PROXIES="1")
    assert default.returncode == 0 and default.stdout.split()[0] == "127.0.0.1:8000"
    public = _gunicorn_settings(TRUSTED_PROXIES="1", HOST="0.0.0.0")
    assert public.returncode != 0 and "X-Forwarded-For" in public.stderr
    vouched = _gunicorn_settings(TRUSTED_PROXIES="1", HOST="0.0.0.0", ALLOW_DIRECT_BIND_BEHIND_PROXY="1")
    assert vouched.returncode == 0 and vouched.stdout.split()[0] == "0.0.0.0:8000"
    without_proxy = _gunicorn_settings()
    assert without_proxy.stdout.split()[0] == "0.0.0.0:8000"


def test_the_command_line_bind_is_checked_too():
    """Does `gunicorn --bind 0.0.0.0:…` (as make run passes) slip past the check behind a proxy?"""
    code = (
        "import runpy, types; s = runpy.run_path('gunicorn.conf.py');"
        "s['on_starting'](types.SimpleNamespace(cfg=types.SimpleNamespace(bind=['0.0.0.0:8000'])))"
    )
    env = {**os.environ, "TRUSTED_PROXIES": "1"}
    env.pop("HOST", None)
    env.pop("GUNICORN_BIND", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "X-Forwarded-For" in result.stderr
