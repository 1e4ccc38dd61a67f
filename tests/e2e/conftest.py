"""End-to-end fixtures: a real gunicorn server on a migrated, demo-seeded SQLite file, and headless
Chromium (Debian's /usr/bin/chromium) driving the PWA at a 360×740 phone size.

Screenshots of every test land in tests/e2e/output/ (gitignored). A page error fails the test.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.helpers import api, first_community_id

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).resolve().parent / "output"
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "demo-pass-2026"


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e is an e2e test, whether or not the module says so."""
    for item in items:
        if "/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _clean_database():
    """The e2e server has its own database: the unit-test cleaner has nothing to do here."""
    yield


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# How long the server may take to answer at all. Two workers each import the app (about 2 s of CPU on an idle
# machine), and on a 2-core machine shared with other work (load averages of 10-18) that took more than the
# 30 s this used to allow: every browser test then failed at setup for a server that was only slow to start.
SERVER_START_SECONDS = float(os.environ.get("LINLI_E2E_START_SECONDS", 120))


def _log_tail(log_path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until_up(url: str, proc: subprocess.Popen, log_path: Path, timeout: float = SERVER_START_SECONDS) -> None:
    """Until `url` answers 200; fails with the server's last log lines if gunicorn exits or never answers."""
    began = time.monotonic()
    deadline = began + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the e2e server (gunicorn) exited with {proc.returncode} before answering {url}; "
                f"its log ({log_path}):\n{_log_tail(log_path)}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    raise RuntimeError(
        f"the e2e server did not answer {url} within {timeout:.0f} s (load average {load}; "
        f"LINLI_E2E_START_SECONDS allows longer); its log ({log_path}):\n{_log_tail(log_path)}"
    )


@pytest.fixture(scope="session")
def live_server():
    """Base URL of a gunicorn server on a fresh database with the demo data.

    LINLI_E2E_BASE_URL points the tests at a server you already run (demo-seeded) instead.
    """
    if os.environ.get("LINLI_E2E_BASE_URL"):
        yield os.environ["LINLI_E2E_BASE_URL"].rstrip("/")
        return
    tmp = Path(tempfile.mkdtemp(prefix="linli-e2e-"))
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}",
        "SECRET_KEY": "e2e-secret-key",
        "LINLI_ENV": "test",
        "LINLI_INSTANCE_DIR": str(tmp / "instance"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "RATELIMIT_ENABLED": "0",  # every test signs in; the limits have their own tests
        "PASSWORD_HASH_TIME_COST": "1",  # cheap hashes keep the run fast
        "PASSWORD_HASH_MEMORY_KIB": "1024",
        "JOBS_INLINE": "1",
    }
    env.pop("TEST_DATABASE_URL", None)
    for command in (["db", "upgrade", "heads"], ["seed-demo"]):
        # migrating and seeding took 52 s at a load average of 3 (make bench, 2 cores): more under heavier load
        try:
            done = subprocess.run(
                [str(BIN / "flask"), *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
            )
        except subprocess.TimeoutExpired:
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            pytest.fail(f"flask {' '.join(command)} took more than 600 s (load average {load})", pytrace=False)
        if done.returncode:
            pytest.fail(f"flask {' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}", pytrace=False)
    port = _free_port()
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115 (the server writes to it while it runs)
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "2", "-k", "gthread", "--threads", "4", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/v1/auth/session", proc, tmp / "gunicorn.log")
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if os.environ.get("LINLI_E2E_KEEP"):
            print(f"e2e server files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
}


@pytest.fixture
def new_context(browser, live_server):
    """Factory for extra phone-sized contexts (a second person); all are closed at teardown."""
    contexts = []

    def make(**overrides):
        # Playwright's wait_for_function evaluates strings, which the app's CSP (no 'unsafe-eval') blocks;
        # test_pwa.py checks the app under the real policy with bypass_csp=False.
        context = browser.new_context(base_url=live_server, **{**PHONE, "bypass_csp": True, **overrides})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


def _watch(page):
    page.console_errors = []
    page.page_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.page_errors.append(str(exc)))
    return page


@pytest.fixture
def new_page(context, request):
    """Factory: a watched page in a context (the default one unless given); screenshots at teardown."""
    pages = []

    def make(ctx=None):
        page = _watch((ctx or context).new_page())
        pages.append(page)
        return page

    yield make
    OUTPUT.mkdir(exist_ok=True)
    errors = []
    for i, page in enumerate(pages):
        if page.is_closed():
            continue
        suffix = f"-{i}" if i else ""
        try:
            page.screenshot(path=str(OUTPUT / f"{request.node.name}{suffix}.png"))
        except Exception as exc:  # a screenshot is a courtesy; never hide the test's own result
            print(f"screenshot failed: {exc}")
        errors.extend(page.page_errors)
    assert not errors, f"page errors: {errors}"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def register_resident():
    """Factory: the committee member signed in on ``page`` registers a resident with consent on paper at
    ``flat`` ("building-unit-room") in the demo community; returns the new account's id."""

    def register(page, name: str, flat: str) -> int:
        building, unit, room = flat.split("-")
        status, made = api(
            page,
            "POST",
            f"/api/v1/communities/{first_community_id(page)}/residents",
            {"display_name": name, "building": building, "unit": unit, "room": room, "consent_on_paper": True},
        )
        assert status == 201, made
        return made["user"]["id"]

    return register
