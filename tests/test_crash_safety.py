"""Crash safety: SIGKILL gunicorn workers while residents cast ballots and sign up for shifts.

A real gunicorn (gunicorn.conf.py, 2 gthread workers) serves a migrated, demo-seeded database: a SQLite
file, or a fresh PostgreSQL database when TEST_DATABASE_URL is set (scripts/test-services). Residents
(the demo's and new ones who join with a neighbour's invite code) each use two devices, each device a
thread, and both devices try the same ballots and sign-ups (a double tap across devices). A killer thread
sends SIGKILL to a worker several times in the middle of the traffic; the master forks new ones. A
device retries a request that lost its connection as the PWA's outbox does: the same ballot receipt,
the same Idempotency-Key for a sign-up.

Afterwards, with gunicorn stopped, the database is opened directly and must hold every write a client saw
acknowledged (201), back every "already" conflict with a row, and keep every invariant: nothing
half-written (a roll entry without its ballot, a shift counter that disagrees with its sign-ups), no rule
broken (duplicates, capacity), and on SQLite `PRAGMA integrity_check` ok.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
API = "/api/v1"
DEMO_PASSWORD = "demo-pass-2026"
DEMO_RESIDENTS = ["resident@demo.linli", *(f"neighbour{n}@demo.linli" for n in range(1, 9))]
NEW_RESIDENTS = 16  # joined with invite codes; in pairs sharing a household (one vote per household)
KILLS = 5
WRITE_WINDOW_SECONDS = 24.0  # each device spreads its writes over about this long
RETRIES = 6
# A connection that a killed worker held: reset, refused or closed without a response.
CUT_OFF = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)


# --- the server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """A temp SQLite file, or a fresh database on the suite's PostgreSQL (dropped afterwards)."""

    def __init__(self, tmp: Path):
        self.admin_url = os.environ.get("TEST_DATABASE_URL")
        if self.admin_url:
            self.name = f"linli_crash_{secrets.token_hex(4)}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            self.url = make_url(self.admin_url).set(database=self.name).render_as_string(hide_password=False)
        else:
            self.url = f"sqlite:///{tmp / 'crash.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def drop(self) -> None:
        if self.admin_url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Server:
    """gunicorn -c gunicorn.conf.py with 2 gthread workers, in its own process group."""

    def __init__(self, tmp: Path, database: Database):
        self.env = {
            **os.environ,
            "FLASK_APP": "wsgi",
            "DATABASE_URL": database.url,
            "SECRET_KEY": "crash-test-secret-key",
            "LINLI_INSTANCE_DIR": str(tmp / "instance"),
            "UPLOAD_DIR": str(tmp / "uploads"),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            # Dozens of residents sign in from one address; the limits have their own tests.
            "RATELIMIT_ENABLED": "0",
            "PASSWORD_HASH_TIME_COST": "1",  # cheap hashes keep the sign-ins fast
            "PASSWORD_HASH_MEMORY_KIB": "1024",
        }
        for name in ("TEST_DATABASE_URL", "REDIS_URL", "LINLI_ENV", "JOBS_INLINE"):
            self.env.pop(name, None)
        self.tmp = tmp
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def prepare(self) -> None:
        for command in (["db", "upgrade", "heads"], ["seed-demo"]):
            done = subprocess.run(
                [str(BIN / "flask"), *command],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
            assert done.returncode == 0, f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}"

    def start(self) -> None:
        self.log = open(self.tmp / "gunicorn.log", "wb")  # noqa: SIM115  (closed in stop())
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"gunicorn exited:\n{self.log_tail()}"
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")

    def workers(self) -> list[int]:
        """Worker pids: the master's children, read from /proc."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == self.proc.pid and fields[0] != "Z":
                children.append(int(entry.name))
        return children

    @staticmethod
    def serving(pid: int) -> bool:
        """A gthread worker is one thread until it has loaded the app and accepted a connection (its
        thread pool starts then): a freshly forked replacement is not serving yet."""
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False
        return int(re.search(r"^Threads:\s+(\d+)", status, re.MULTILINE).group(1)) > 1

    @staticmethod
    def sockets(pid: int) -> int:
        """Open sockets of a worker: the listener, its database connection and every client connection."""
        try:
            return sum(os.readlink(fd).startswith("socket:") for fd in Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            return 0

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()

    def log_tail(self) -> str:
        return (self.tmp / "gunicorn.log").read_text(errors="replace")[-3000:]


# --- the clients ----------------------------------------------------------------------------------


class Device:
    """One signed-in browser of a resident: its own cookie session and CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.base}{API}{path}", timeout=60, **kwargs)

    def refresh_csrf(self) -> dict:
        body = self.call("GET", "/auth/session").json()
        self.http.headers["X-CSRF-Token"] = body["csrf_token"]
        return body

    def sign_in(self, login: str, password: str) -> dict:
        self.refresh_csrf()
        response = self.call("POST", "/auth/login", json={"login": login, "password": password})
        assert response.status_code == 200, response.text
        return self.refresh_csrf()["user"]

    def register(self, email: str, password: str, name: str) -> dict:
        self.refresh_csrf()
        response = self.call(
            "POST", "/auth/register", json={"email": email, "password": password, "display_name": name}
        )
        assert response.status_code == 201, response.text
        return self.refresh_csrf()["user"]


@dataclass
class Resident:
    login: str
    user_id: int
    devices: list[Device]


@dataclass
class Action:
    kind: str  # "ballot" or "signup"
    target: int  # poll id or shift id
    body: dict | None = None  # ballot body (method's field); each device adds its own receipt


@dataclass
class Ledger:
    """What the clients saw, shared by all device threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    writes_done: int = 0
    cut_off: int = 0
    statuses: Counter = field(default_factory=Counter)
    ballots_acked: list[tuple[int, int, str]] = field(default_factory=list)  # (poll, user, receipt hash)
    signups_acked: list[tuple[int, int, int, str]] = field(default_factory=list)  # (shift, user, id, status)
    replayed: int = 0
    writes_cut_off: Counter = field(default_factory=Counter)  # a write cut off, then answered on retry with
    conflicts: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, target, user): "already ..."
    unexpected: list[str] = field(default_factory=list)

    def add(self, **counts) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def _sign_in_residents(base: str, cid: int) -> list[Resident]:
    """The demo's verified residents, plus new ones invited by them and then verified by the committee (an
    invitation makes a neighbour known, not verified: issue 15), two devices each."""
    committee = Device(base)
    committee.sign_in("committee@demo.linli", DEMO_PASSWORD)
    committee_turn = threading.Lock()  # one requests.Session, used by the pool's threads one at a time

    def demo(login: str) -> Resident:
        first, second = Device(base), Device(base)
        user = first.sign_in(login, DEMO_PASSWORD)
        second.sign_in(login, DEMO_PASSWORD)
        return Resident(login, user["id"], [first, second])

    def newcomer(number: int, inviter: Resident) -> Resident:
        invite = inviter.devices[0].call("POST", f"/communities/{cid}/invites")
        assert invite.status_code == 201, invite.text
        email = f"crash{number}@example.test"
        first, second = Device(base), Device(base)
        user = first.register(email, DEMO_PASSWORD, f"邻居{number}")
        # Pairs share a flat: the household poll must admit exactly one of them.
        joined = first.call(
            "POST",
            f"/communities/{cid}/join",
            json={"building": "12", "unit": "1", "room": str(100 + number // 2), "invite_code": invite.json()["code"]},
        )
        assert joined.status_code == 201 and joined.json()["status"] == "invited", joined.text
        with committee_turn:
            verified = committee.call("POST", f"/communities/{cid}/members/{user['id']}/verify")
        assert verified.status_code == 200 and verified.json()["status"] == "verified", verified.text
        second.sign_in(email, DEMO_PASSWORD)
        return Resident(email, user["id"], [first, second])

    def flatmates(first_number: int) -> list[Resident]:
        # One after the other: the first creates the household row the second joins.
        return [newcomer(n, residents[n % len(residents)]) for n in (first_number, first_number + 1)]

    with ThreadPoolExecutor(8) as pool:
        residents = list(pool.map(demo, DEMO_RESIDENTS))
        for pair in pool.map(flatmates, range(0, NEW_RESIDENTS, 2)):
            residents += pair
    return residents


def _ballot_body(poll: dict, rng: random.Random) -> dict:
    ids = [option["id"] for option in poll["options"]]
    most = min(poll.get("max_choices") or len(ids), len(ids))
    if poll["method"] == "yes_no":
        return {"choice": rng.choice(["yes", "no", "abstain"])}
    if poll["method"] == "single":
        return {"option_id": rng.choice(ids)}
    if poll["method"] == "ranked":
        return {"ranking": rng.sample(ids, rng.randint(1, len(ids)))}
    return {"option_ids": rng.sample(ids, rng.randint(1, most))}  # approval, budget


def _plan(device: Device, cid: int, rng: random.Random) -> tuple[list[Action], list[int], list[int]]:
    """One action per open poll and per shift starting more than 10 minutes from now."""
    polls = device.call("GET", f"/communities/{cid}/polls", params={"status": "open", "limit": 50}).json()["items"]
    details = [device.call("GET", f"/polls/{p['id']}").json() for p in polls]
    activities = device.call("GET", f"/communities/{cid}/activities", params={"limit": 50}).json()["items"]
    soon = datetime.now(UTC) + timedelta(minutes=10)
    shifts = [s["id"] for a in activities for s in a["shifts"] if datetime.fromisoformat(s["starts_at"]) > soon]
    actions = [Action("ballot", poll["id"], _ballot_body(poll, rng)) for poll in details]
    actions += [Action("signup", shift) for shift in shifts]
    return actions, [p["id"] for p in details], shifts


class Traffic:
    """Device threads that write (ballots, sign-ups), then keep reading until the killer is done."""

    def __init__(self, residents: list[Resident], actions: list[Action], ledger: Ledger, seed: int, read_path: str):
        self.residents, self.actions, self.ledger, self.read_path = residents, actions, ledger, read_path
        self.rng = random.Random(seed)
        self.writing_done = threading.Event()
        self.stop_reading = threading.Event()
        self.errors: list[BaseException] = []
        self.threads = []
        self.planned_writes = 0
        for resident in residents:
            # The first device does everything; the second repeats a random half of it (a second device).
            for number, device in enumerate(resident.devices):
                chosen = [a for a in actions if number == 0 or self.rng.random() < 0.5]
                self.rng.shuffle(chosen)
                self.planned_writes += len(chosen)
                self.threads.append(threading.Thread(target=self._run, args=(resident, device, chosen), daemon=True))
        self.writers_left = len(self.threads)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        self.stop_reading.set()
        for thread in self.threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in self.threads), "a device thread hung"
        assert not self.errors, self.errors

    def _run(self, resident: Resident, device: Device, actions: list[Action]) -> None:
        rng = random.Random(f"{resident.user_id}-{id(device)}")
        try:
            pause = 2 * WRITE_WINDOW_SECONDS / max(len(actions), 1)
            for action in actions:
                time.sleep(rng.uniform(0, pause))
                self._perform(resident, device, action)
                self.ledger.add(writes_done=1)
        except BaseException as error:  # noqa: BLE001  (reported to the test in join)
            self.errors.append(error)
        finally:
            with self.ledger.lock:
                self.writers_left -= 1
                if not self.writers_left:
                    self.writing_done.set()
        while not self.stop_reading.is_set():  # reads keep the workers busy while the killer still works
            self._request(device, "GET", self.read_path)
            time.sleep(rng.uniform(1.0, 3.0))

    def _request(self, device: Device, method: str, path: str, **kwargs) -> requests.Response | None:
        """One request, retried with the same body and headers while its connection is cut off."""
        for attempt in range(RETRIES):
            self.ledger.add(sent=1)
            try:
                response = device.call(method, path, **kwargs)
            except CUT_OFF:
                self.ledger.add(cut_off=1)
                time.sleep(0.2 * (attempt + 1))
                continue
            with self.ledger.lock:
                self.ledger.statuses[response.status_code] += 1
                if attempt and method == "POST":
                    self.ledger.writes_cut_off[response.status_code] += 1
            return response
        return None

    def _perform(self, resident: Resident, device: Device, action: Action) -> None:
        ledger = self.ledger
        if action.kind == "ballot":
            receipt = secrets.token_urlsafe(24)  # client-made: a retry presents the same one
            response = self._request(
                device, "POST", f"/polls/{action.target}/ballots", json={**action.body, "receipt": receipt}
            )
            expected_conflict = "already_voted"
        else:
            response = self._request(
                device,
                "POST",
                f"/shifts/{action.target}/signups",
                headers={"Idempotency-Key": secrets.token_urlsafe(16)},
            )
            expected_conflict = "volunteering.already_signed_up"
        if response is None:
            with ledger.lock:
                ledger.unexpected.append(f"{action.kind} {action.target}: no answer after {RETRIES} tries")
            return
        with ledger.lock:
            if response.status_code == 201 and action.kind == "ballot":
                body = response.json()
                assert body["receipt_hash"] == hashlib.sha256(receipt.encode()).hexdigest()
                ledger.ballots_acked.append((action.target, resident.user_id, body["receipt_hash"]))
            elif response.status_code == 201:
                body = response.json()
                ledger.signups_acked.append((action.target, resident.user_id, body["id"], body["status"]))
                ledger.replayed += response.headers.get("Idempotent-Replayed") == "true"
            elif response.status_code == 409 and response.json().get("code") == expected_conflict:
                ledger.conflicts.append((action.kind, action.target, resident.user_id))
            else:
                ledger.unexpected.append(f"{action.kind} {action.target}: {response.status_code} {response.text[:300]}")


class Killer(threading.Thread):
    """SIGKILL a serving worker KILLS times, spread over the writes (the n-th kill once n/(KILLS+1) of the
    planned writes are done, whatever the machine's speed), each time after the last victim was replaced."""

    def __init__(self, server: Server, traffic: Traffic, ledger: Ledger):
        super().__init__(daemon=True)
        self.server, self.traffic, self.ledger = server, traffic, ledger
        self.killed: list[int] = []
        self.writes_at_kill: list[int] = []

    def run(self) -> None:
        deadline = time.monotonic() + 180  # generous: a worker loads the app in ~10 s on a crowded machine
        while len(self.killed) < KILLS and time.monotonic() < deadline:
            due = self.traffic.planned_writes * (len(self.killed) + 1) // (KILLS + 1)
            workers = self.server.workers()
            if self.ledger.writes_done < due or len(workers) < 2:
                time.sleep(0.05)
                continue
            if not all(map(self.server.serving, workers)):
                self._probe()  # the devices keep their connections to the survivor alive: knock on a new one
                time.sleep(0.1)
                continue
            victim = max(workers, key=self.server.sockets)  # the busier one: most client connections
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                continue
            self.killed.append(victim)
            self.writes_at_kill.append(self.ledger.writes_done)
            while victim in self.server.workers() and time.monotonic() < deadline:
                time.sleep(0.02)  # until the master has reaped it (a dying worker still looks like one)

    def _probe(self) -> None:
        """A request on a fresh connection, which an idle replacement worker may accept once loaded."""
        with contextlib.suppress(requests.RequestException):
            requests.get(f"{self.server.base}/healthz", headers={"Connection": "close"}, timeout=5)


# --- the checks on the database -------------------------------------------------------------------


def _rows(connection, sql: str, **params) -> list:
    return list(connection.execute(text(sql), params))


INVARIANTS = {
    "one roll entry per voter (or household) and poll": "SELECT poll_id, voter_key FROM poll_roll GROUP BY poll_id, voter_key HAVING count(*) > 1",
    "one ballot per receipt and poll": "SELECT poll_id, receipt_hash FROM ballots GROUP BY poll_id, receipt_hash HAVING count(*) > 1",
    "every roll entry has its ballot and every ballot its roll entry (counts per poll)": "SELECT p.id FROM polls p WHERE (SELECT count(*) FROM poll_roll r WHERE r.poll_id = p.id) "
    "<> (SELECT count(*) FROM ballots b WHERE b.poll_id = p.id)",
    "polls.voter_count equals the roll": "SELECT p.id FROM polls p WHERE p.voter_count <> (SELECT count(*) FROM poll_roll r WHERE r.poll_id = p.id)",
    "public ballots name a voter on the roll, secret ballots name nobody": "SELECT b.id FROM ballots b JOIN polls p ON p.id = b.poll_id WHERE "
    "(p.is_secret = :yes AND b.public_voter_id IS NOT NULL) OR (p.is_secret = :no AND NOT EXISTS "
    "(SELECT 1 FROM poll_roll r WHERE r.poll_id = b.poll_id AND r.user_id = b.public_voter_id))",
    "every voter on a roll is a verified member of the poll's community": "SELECT r.id FROM poll_roll r JOIN polls p ON p.id = r.poll_id WHERE NOT EXISTS (SELECT 1 FROM memberships m "
    "WHERE m.user_id = r.user_id AND m.community_id = p.community_id AND m.status = 'verified')",
    "one sign-up per (shift, user)": "SELECT shift_id, user_id FROM shift_signups GROUP BY shift_id, user_id HAVING count(*) > 1",
    "shifts.confirmed_count equals its confirmed sign-ups": "SELECT s.id FROM shifts s WHERE s.confirmed_count <> "
    "(SELECT count(*) FROM shift_signups u WHERE u.shift_id = s.id AND u.status = 'confirmed')",
    "no shift over capacity": "SELECT s.id FROM shifts s WHERE s.confirmed_count > s.capacity OR s.confirmed_count < 0 OR "
    "(SELECT count(*) FROM shift_signups u WHERE u.shift_id = s.id AND u.status = 'confirmed') > s.capacity",
    "a waitlist only on a full shift": "SELECT s.id FROM shifts s WHERE s.confirmed_count < s.capacity AND EXISTS "
    "(SELECT 1 FROM shift_signups u WHERE u.shift_id = s.id AND u.status = 'waitlisted')",
    "confirmed sign-ups have confirmed_at, waitlisted ones do not": "SELECT id FROM shift_signups WHERE (status = 'confirmed' AND confirmed_at IS NULL) OR "
    "(status = 'waitlisted' AND confirmed_at IS NOT NULL)",
}


def _idempotency_without_signup(connection) -> list:
    """A stored sign-up response whose sign-up is not there would replay a 201 for nothing."""
    missing = []
    signups = {(s, u) for s, u in _rows(connection, "SELECT shift_id, user_id FROM shift_signups")}
    for user_id, path, status in _rows(connection, "SELECT user_id, path, status_code FROM idempotency_records"):
        found = re.fullmatch(rf"{API}/shifts/(\d+)/signups", path)
        if found and (status != 201 or (int(found.group(1)), user_id) not in signups):
            missing.append((user_id, path, status))
    return missing


def _check_database(url: str, is_sqlite: bool, ledger: Ledger, polls: list[int]) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return _check(connection, is_sqlite, ledger, polls)
    finally:
        engine.dispose()


def _check(connection, is_sqlite: bool, ledger: Ledger, polls: list[int]) -> dict:
    figures = {}
    ballots = {(p, h) for p, h in _rows(connection, "SELECT poll_id, receipt_hash FROM ballots")}
    signups = {
        (s, u): (i, st) for i, s, u, st in _rows(connection, "SELECT id, shift_id, user_id, status FROM shift_signups")
    }
    lost_ballots = [(p, u) for p, u, h in ledger.ballots_acked if (p, h) not in ballots]
    lost_signups = [(s, u, i, st) for s, u, i, st in ledger.signups_acked if signups.get((s, u)) != (i, st)]
    figures["acknowledged writes found"] = (
        len(ledger.ballots_acked) + len(ledger.signups_acked) - len(lost_ballots) - len(lost_signups)
    )
    assert not lost_ballots, f"acknowledged ballots missing after the crashes: {lost_ballots}"
    assert not lost_signups, f"acknowledged sign-ups missing or changed after the crashes: {lost_signups}"

    # Two 201s for one voter and poll (or one person and shift) would mean a rule gave way at some moment.
    household_of = dict(_rows(connection, "SELECT user_id, household_id FROM memberships"))
    household_polls = {p for (p,) in _rows(connection, "SELECT id FROM polls WHERE eligibility = 'household'")}
    voters = Counter(
        (p, f"h{household_of[u]}" if p in household_polls else f"u{u}") for p, u, _ in ledger.ballots_acked
    )
    assert all(n == 1 for n in voters.values()), f"two acknowledged ballots for one voter: {voters.most_common(3)}"
    signup_ids = defaultdict(set)
    for s, u, i, _ in ledger.signups_acked:
        signup_ids[(s, u)].add(i)
    assert all(len(ids) == 1 for ids in signup_ids.values()), "two different sign-ups acknowledged for one person"

    # "Already voted / signed up" must be backed by a row: a conflict with nothing behind it is a lost write.
    roll = {(p, k) for p, k in _rows(connection, "SELECT poll_id, voter_key FROM poll_roll")}
    unbacked = [
        c
        for c in ledger.conflicts
        if (
            c[0] == "ballot" and (c[1], f"h{household_of[c[2]]}" if c[1] in household_polls else f"u{c[2]}") not in roll
        )
        or (c[0] == "signup" and (c[1], c[2]) not in signups)
    ]
    assert not unbacked, f"conflicts with no row behind them: {unbacked}"

    for name, sql in INVARIANTS.items():
        broken = _rows(connection, sql, yes=True, no=False)
        assert not broken, f"invariant broken: {name}: {broken[:5]}"
    stored = _idempotency_without_signup(connection)
    assert not stored, f"stored sign-up responses without their sign-up: {stored}"
    checked = len(INVARIANTS) + 4  # + acknowledged found, single acks, backed conflicts, idempotency records
    if is_sqlite:
        assert _rows(connection, "PRAGMA integrity_check") == [("ok",)]
        assert _rows(connection, "PRAGMA foreign_key_check") == []
        checked += 2
    figures["invariants checked"] = checked
    figures["roll entries on the polls voted"] = _rows(
        connection, f"SELECT count(*) FROM poll_roll WHERE poll_id IN ({','.join(map(str, polls))})"
    )[0][0]
    figures["sign-ups in the database"] = len(signups)
    return figures


# --- the test -------------------------------------------------------------------------------------


def test_acknowledged_writes_survive_kill_9_of_workers_and_nothing_is_half_written():
    tmp = Path(tempfile.mkdtemp(prefix="linli-crash-"))
    database = Database(tmp)
    server = Server(tmp, database)
    seed = int(os.environ.get("LINLI_CRASH_SEED", secrets.randbits(32)))
    try:
        server.prepare()
        server.start()
        started = time.perf_counter()
        first = Device(server.base)
        cid = first.sign_in("resident@demo.linli", DEMO_PASSWORD)["memberships"][0]["community"]["id"]
        actions, polls, shifts = _plan(first, cid, random.Random(seed))
        assert len(polls) >= 4 and len(shifts) >= 3, (polls, shifts)
        residents = _sign_in_residents(server.base, cid)
        setup_seconds = time.perf_counter() - started

        ledger = Ledger()
        traffic = Traffic(residents, actions, ledger, seed, read_path=f"/communities/{cid}/activities")
        killer = Killer(server, traffic, ledger)
        traffic_started = time.perf_counter()
        traffic.start()
        killer.start()
        traffic.writing_done.wait(timeout=120)
        killer.join(timeout=200)
        traffic.join()
        traffic_seconds = time.perf_counter() - traffic_started
        workers_after = server.workers()
        server.stop()

        print(
            f"\ncrash safety ({'SQLite' if database.is_sqlite else 'PostgreSQL'}, seed {seed}): "
            f"{len(residents)} residents × 2 devices, {len(polls)} open polls, {len(shifts)} shifts; "
            f"setup {setup_seconds:.1f} s, traffic {traffic_seconds:.1f} s"
        )
        print(f"  requests sent {ledger.sent}, cut off by a kill {ledger.cut_off}, statuses {dict(ledger.statuses)}")
        print(
            f"  workers killed {len(killer.killed)} (after {killer.writes_at_kill} of {traffic.planned_writes} "
            f"writes); alive at the end {len(workers_after)}"
        )
        print(
            f"  201s acknowledged: {len(ledger.ballots_acked)} ballots, {len(ledger.signups_acked)} sign-ups "
            f"({ledger.replayed} replayed by Idempotency-Key after a cut-off); "
            f"{len(ledger.conflicts)} 'already' conflicts"
        )
        print(
            f"  writes cut off by a kill and answered on retry: {dict(ledger.writes_cut_off)} "
            f"(409: the cut-off attempt or the other device had already written it)"
        )
        assert not ledger.unexpected, ledger.unexpected[:10]
        assert not [s for s in ledger.statuses if s >= 500], ledger.statuses
        assert len(killer.killed) == KILLS, f"only {len(killer.killed)} kills:\n{server.log_tail()}"
        during_writes = sum(done < traffic.planned_writes for done in killer.writes_at_kill)
        assert during_writes >= KILLS - 2, f"only {during_writes} kills came while the devices were writing"
        assert len(workers_after) == 2, "the master did not keep two workers"
        assert ledger.ballots_acked and ledger.signups_acked

        figures = _check_database(database.url, database.is_sqlite, ledger, polls)
        acknowledged = len(ledger.ballots_acked) + len(ledger.signups_acked)
        print(
            f"  acknowledged writes found after the crashes: {figures['acknowledged writes found']}"
            f"/{acknowledged}; invariants checked {figures['invariants checked']} (all hold); "
            f"roll entries on the open polls {figures['roll entries on the polls voted']}, "
            f"sign-ups {figures['sign-ups in the database']}"
        )
    finally:
        server.stop()
        database.drop()
        if os.environ.get("LINLI_CRASH_KEEP"):
            print(f"crash test files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
