"""A real redis-server (Debian's binary) on 127.0.0.1, a free port and a temp dir, and RQ worker processes.

Used by the job-queue tests and the push benchmark. `make test` installs redis-server when missing
(Makefile: system-test-deps); tests skip with a clear message only if the binary is absent.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
MISSING_MESSAGE = "redis-server is not installed (make test installs Debian's redis-server)"


def redis_available() -> bool:
    return Path(REDIS_SERVER).exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextlib.contextmanager
def redis_server():
    """Yield the URL of a fresh redis-server; it and its files are gone afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="linli-redis-"))
    port = free_port()
    log = open(tmp / "redis.log", "wb")  # noqa: SIM115 (the server writes to it while it runs)
    proc = subprocess.Popen(
        [
            REDIS_SERVER,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(tmp),
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        from redis import Redis

        client = Redis.from_url(url, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start: {(tmp / 'redis.log').read_text()}") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def rq_workers(
    redis_url: str, env: dict, count: int = 1, *, log_dir: Path | None = None, worker_class: str | None = None
):
    """Start `count` `rq worker --with-scheduler` processes (the documented command); stop them after."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="linli-rq-"))
    procs = []
    command = [str(BIN / "rq"), "worker", "--with-scheduler", "--url", redis_url, "--quiet"]
    if worker_class:
        command += ["--worker-class", worker_class]
    try:
        for index in range(count):
            worker_log = open(log_dir / f"rq-{index}.log", "wb")  # noqa: SIM115 (the worker writes to it while it runs)
            procs.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                    stdout=worker_log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        yield procs
    finally:
        for proc in procs:
            _stop(proc)
