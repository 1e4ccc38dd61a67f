"""No personal data in logs: passwords, session cookies, CSRF tokens and full phone numbers never appear.

Two servers are driven over real HTTP through sign-up with a phone number, sign-in, failed sign-in,
a duplicate sign-up, a per-account rate-limit breach and a password change, while everything they
log is captured: Werkzeug's server in this process (every logger at DEBUG, on the suite's database,
so PostgreSQL's error messages are covered in that run), and gunicorn with gunicorn.conf.py (its
access log, error log and the app's log lines, as production writes them).
"""

from __future__ import annotations

import http.cookiejar
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

PHONE_TYPED = "139 8765 4321"
PHONE_FORMS = ("13987654321", "+8613987654321", "139 8765 4321", "139-8765-4321", "8613987654321")
FIRST_PASSWORD = "Ph0ne-first-Passw0rd!"
WRONG_PASSWORD = "Wr0ng-guess-Passw0rd?"
NEW_PASSWORD = "N3w-secret-Passw0rd#"
LIMIT_PER_ACCOUNT = 100  # backend/accounts/routes.py: "100 per hour" per account


@dataclass
class Secrets:
    """What must never be logged, gathered while the flows run."""

    values: set[str] = field(default_factory=lambda: {*PHONE_FORMS, FIRST_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD})

    def add_cookies(self, jar: http.cookiejar.CookieJar) -> None:
        self.values.update(cookie.value for cookie in jar if cookie.value and len(cookie.value) >= 16)

    def found_in(self, text: str) -> list[str]:
        return sorted(secret for secret in self.values if secret in text)


class Browser:
    """A cookie-keeping HTTP client that sends the CSRF token like the PWA."""

    def __init__(self, base: str, secrets: Secrets):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.secrets = secrets
        self.csrf = None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        self.secrets.add_cookies(self.jar)
        payload = json.loads(raw) if raw and raw.strip().startswith(b"{") else {}
        if isinstance(payload.get("csrf_token"), str):
            self.csrf = payload["csrf_token"]
            self.secrets.values.add(self.csrf)
        return status, payload


def run_account_flows(base: str, secrets: Secrets) -> None:
    """Everything a person does with their phone number and password, with the answers checked."""
    person = Browser(base, secrets)
    assert person.call("GET", "/api/v1/auth/session")[0] == 200
    status, me = person.call(
        "POST", "/api/v1/auth/register", {"phone": PHONE_TYPED, "password": FIRST_PASSWORD, "display_name": "手机用户"}
    )
    assert status == 201, me
    assert person.call("GET", "/api/v1/auth/session")[0] == 200  # a fresh token after sign-in
    assert person.call("POST", "/api/v1/auth/logout")[0] == 204

    assert person.call("POST", "/api/v1/auth/login", {"login": PHONE_TYPED, "password": WRONG_PASSWORD})[0] == 401
    assert person.call("POST", "/api/v1/auth/login", {"login": PHONE_FORMS[1], "password": FIRST_PASSWORD})[0] == 200
    person.call("GET", "/api/v1/auth/session")
    status, problem = person.call(
        "POST", "/api/v1/auth/password", {"current_password": FIRST_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert status == 204, problem
    person.call("GET", "/api/v1/auth/session")
    assert person.call("GET", "/api/v1/me")[0] == 200

    stranger = Browser(base, secrets)
    stranger.call("GET", "/api/v1/auth/session")
    status, problem = stranger.call(
        "POST", "/api/v1/auth/register", {"phone": PHONE_FORMS[0], "password": FIRST_PASSWORD, "display_name": "重复"}
    )
    assert status == 409, problem
    # Grinding one account past its limit: the limiter logs the breach with its key.
    statuses = [
        stranger.call("POST", "/api/v1/auth/login", {"login": PHONE_FORMS[0], "password": WRONG_PASSWORD})[0]
        for _ in range(LIMIT_PER_ACCOUNT + 1)
    ]
    assert statuses[-1] == 429, statuses[-5:]


def assert_clean(log_text: str, secrets: Secrets) -> None:
    leaked = secrets.found_in(log_text)
    assert not leaked, f"personal data or secrets in the log: {leaked}\n{log_text[-3000:]}"


def test_werkzeug_server_and_app_logs_hold_no_secrets(app, caplog, monkeypatch):
    from werkzeug.serving import make_server

    # The per-address sign-in limit is lifted so that the per-account one (keyed by the login) breaks.
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN", "1000 per minute")
    # Production logs at INFO (backend/__init__.py); the app's and its libraries' loggers at DEBUG here.
    # SQL echo (sqlalchemy.engine at INFO and below) is a debugging switch that prints rows: it stays off.
    # (caplog.set_level also sets its handler's level: the last call is the most permissive.)
    caplog.set_level(logging.WARNING, logger="sqlalchemy")
    caplog.set_level(logging.INFO)
    for name in ("werkzeug", "flask-limiter", "backend", "flask_login", "argon2", "urllib3"):
        caplog.set_level(logging.DEBUG, logger=name)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secrets = Secrets()
    try:
        run_account_flows(f"http://127.0.0.1:{server.server_port}", secrets)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    text = caplog.text
    assert '"POST /api/v1/auth/login HTTP/1.1" 401' in text, "werkzeug's request log was not captured"
    assert "ratelimit 100 per 1 hour" in text, "the limiter's breach line was not captured"
    assert_clean(text, secrets)


@pytest.mark.slow
@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="gunicorn's own logging does not depend on the database: checked in the SQLite run",
)
def test_gunicorn_logs_hold_no_secrets():
    tmp = Path(tempfile.mkdtemp(prefix="linli-logs-"))
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": f"sqlite:///{tmp / 'logs.db'}",
        "SECRET_KEY": "log-test-secret-key",
        "LINLI_INSTANCE_DIR": str(tmp / "instance"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "1024",
        "JOBS_INLINE": "1",
        "RATELIMIT_LOGIN": "1000 per minute",
        "WEB_CONCURRENCY": "1",
    }
    env.pop("TEST_DATABASE_URL", None)
    migrated = subprocess.run(
        [str(BIN / "flask"), "db", "upgrade", "heads"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    port = _free_port()
    log_path = tmp / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        secrets = Secrets()
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
            run_account_flows(f"http://127.0.0.1:{port}", secrets)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\ngunicorn log:\n{log_path.read_text(errors='replace')[-4000:]}") from None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    assert re.search(r'"POST /api/v1/auth/login" 401 \d+ \d+ms', text), f"no access log lines:\n{text[-2000:]}"
    assert "ratelimit 100 per 1 hour" in text, f"the app's log lines are missing:\n{text[-2000:]}"
    assert_clean(text, secrets)


def test_integrity_error_log_names_the_constraint_but_not_the_values(app, caplog):
    """PostgreSQL's message says `DETAIL: Key (phone)=(+86...) already exists`: only the first line is logged."""
    from sqlalchemy.exc import IntegrityError

    from backend.accounts.models import User
    from backend.core.errors import handle_integrity_error
    from backend.extensions import db

    caplog.set_level(logging.DEBUG)
    with app.test_request_context("/api/v1/auth/register", method="POST"):
        for n in range(2):
            db.session.add(User(phone=PHONE_FORMS[1], password_hash=f"$argon2id$not-a-hash-{n}", display_name="x"))
        with pytest.raises(IntegrityError) as raised:
            db.session.flush()
        assert handle_integrity_error(raised.value).status_code == 409
    assert "integrity error answered as 409" in caplog.text
    assert_clean(caplog.text, Secrets())


def test_database_errors_never_show_statement_parameters(app, caplog):
    """hide_parameters: an unexpected database error logged with its traceback names no phone or hash."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from backend.core.errors import handle_unexpected
    from backend.extensions import db

    caplog.set_level(logging.DEBUG)
    with app.test_request_context("/api/v1/me", method="GET"):
        with pytest.raises(DBAPIError) as raised:
            db.session.execute(text("SELECT no_such_column FROM users WHERE phone = :phone"), {"phone": PHONE_FORMS[1]})
        db.session.rollback()
        assert handle_unexpected(raised.value).status_code == 500
    assert "unhandled error" in caplog.text
    assert_clean(caplog.text, Secrets())


def test_the_log_filter_masks_phone_numbers_in_messages_and_tracebacks():
    from backend.core.logs import PersonalDataFilter, redact

    assert (
        redact("login:+8613987654321 and 139 8765 4321, 139-8765-4321")
        == "login:139****4321 and 139****4321, 139****4321"
    )
    assert redact("order 1731234567890 id 213987654321") == "order 1731234567890 id 213987654321"
    try:
        raise ValueError("bad phone 13987654321")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "user %s", ("+8613987654321",), sys.exc_info())
    assert PersonalDataFilter().filter(record)
    assert logging.Formatter().format(record).startswith("user 139****4321\nTraceback")
    assert_clean(logging.Formatter().format(record), Secrets())


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"gunicorn exited with {proc.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server did not answer {url} within {timeout}s")
