"""gunicorn.conf.py's worker settings: what a deployment's environment variables turn into (the file is loaded
in a clean process, as gunicorn loads it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _settings(**environ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "GUNICORN_THREADS")}
    env.pop("GUNICORN_WORKER_CLASS", None)
    for name in ("RATELIMIT_STORAGE_URI", "TRUSTED_PROXIES", "HOST", "GUNICORN_BIND"):
        env.pop(name, None)
    code = "import runpy; s = runpy.run_path('gunicorn.conf.py'); print(s['worker_class'], s['threads'], s['workers'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, **environ}, capture_output=True, text=True, timeout=60
    )


def test_the_default_is_the_measured_choice_sync_only_behind_a_proxy():
    # sync workers spent the least CPU per request (docs/benchmarks.md), but a slow client holds one for as long
    # as it takes: only behind a proxy that buffers requests and answers
    facing_clients = _settings()
    assert facing_clients.stdout.split()[:2] == ["gthread", "4"], facing_clients.stderr
    behind_proxy = _settings(TRUSTED_PROXIES="1")
    assert behind_proxy.stdout.split()[:2] == ["sync", "1"], behind_proxy.stderr
    chosen = _settings(TRUSTED_PROXIES="1", GUNICORN_WORKER_CLASS="gthread")
    assert chosen.stdout.split()[:2] == ["gthread", "4"], chosen.stderr


def test_workers_class_and_threads_come_from_the_environment():
    done = _settings(GUNICORN_WORKER_CLASS="gthread", GUNICORN_THREADS="8", WEB_CONCURRENCY="3")
    assert done.stdout.split() == ["gthread", "8", "3"], done.stderr


def test_a_sync_worker_gets_one_thread_whatever_threads_says():
    # gunicorn itself turns a sync worker with threads > 1 into gthread: the setting would lie
    done = _settings(GUNICORN_WORKER_CLASS="sync", GUNICORN_THREADS="4")
    assert done.stdout.split()[:2] == ["sync", "1"], done.stderr


def test_an_unknown_class_or_no_threads_is_refused_with_a_reason():
    for environ, words in (
        ({"GUNICORN_WORKER_CLASS": "gevent"}, "GUNICORN_WORKER_CLASS='gevent'"),
        ({"GUNICORN_THREADS": "0"}, "GUNICORN_THREADS=0"),
    ):
        done = _settings(**environ)
        assert done.returncode != 0
        assert words in done.stderr
