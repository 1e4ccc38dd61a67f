"""The e2e server's start: a slow start is waited for, a failed one is reported with the server's own words."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.conftest import SERVER_START_SECONDS, _free_port, _wait_until_up


def test_the_default_wait_allows_a_loaded_machine():
    # 30 s failed every browser test at setup when the 2-core machine ran other work (load 10-18)
    assert SERVER_START_SECONDS >= 120


def test_a_server_that_never_answers_fails_with_the_load_and_its_log(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text("[INFO] Booting worker with pid: 4242\n")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(RuntimeError) as failure:
            _wait_until_up(f"http://127.0.0.1:{_free_port()}/api/v1/auth/session", proc, log, timeout=1)
    finally:
        proc.kill()
        proc.wait()
    message = str(failure.value)
    assert "did not answer" in message and "load average" in message
    assert "LINLI_E2E_START_SECONDS" in message and "Booting worker with pid: 4242" in message


def test_a_server_that_exits_fails_at_once_with_its_log(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text("Error: no such table: users\n")
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait()
    with pytest.raises(RuntimeError) as failure:
        _wait_until_up(f"http://127.0.0.1:{_free_port()}/", proc, log, timeout=60)
    assert "exited with 3" in str(failure.value) and "no such table: users" in str(failure.value)
