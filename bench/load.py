"""HTTP load benchmark: Linli under gunicorn against a baseline Flask app under the same settings.

    .venv/bin/python bench/load.py [--duration 60] [--profiles reads,writes,mixed] [--database-url URL]

Both apps run under gunicorn.conf.py (same workers, gthread, threads) on 127.0.0.1, one at a time under
load. Linli gets a temp SQLite database seeded with `seed-demo`, or --database-url: a district dataset
of bench/generate.py (detected by its resident1@bench.linli account; community 1 is measured, its
residents sign in) or any other database, seeded with the demo when it has no demo community. The load
generator is bounded: 32 threads, each with one keep-alive http.client connection, each signed in as
one account (cookie + X-CSRF-Token), sending requests back to back for a fixed duration. Profiles:
  reads   project list, report board, a closed poll's results, inbox, notices  (baseline: GET /hello)
  writes  one fifth each: comments on a project, reports with a place description, reports with a
          photo (upload, then the report naming it: two requests, timed and counted as one write),
          ballots, shift sign-ups                                              (baseline: POST /insert)
  mixed   90% reads, 10% writes                                                (baseline: the same mix)
Ballots and sign-ups are always new: before a profile each connection gets its own queue of open
single-choice polls it has not voted in and future shifts it has not signed up for (read from the
database; open polls are added by copying one when there are fewer than --ballot-polls), so every
ballot is a first ballot of a voter and no 409 is expected; an empty queue falls back to a comment.
After each profile with writes, every acknowledged write (the id, or poll and receipt hash, of a 201) is
looked up in the database; after the mixed run, the RSS of each gunicorn worker is printed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONCURRENCY = 32
DEMO_PASSWORD = "demo-pass-2026"
DEMO_COMMUNITY = "阳光社区"
DISTRICT_LOGIN, DISTRICT_PASSWORD = "resident1@bench.linli", "bench-pass-2026"  # bench/generate.py
DEMO_LOGINS = ["committee@demo.linli", "grid@demo.linli", "resident@demo.linli"] + [
    f"neighbour{i}@demo.linli" for i in range(1, 9)
]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- servers -------------------------------------------------------------------------------------------


class Server:
    """One gunicorn (gunicorn.conf.py settings) on a free port; stopped with SIGTERM to its own group."""

    def __init__(self, app: str, env: dict, log: Path):
        self.port = _free_port()
        self.log = open(log, "wb")  # noqa: SIM115 (lives as long as the server)
        full_env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app],
            cwd=ROOT,
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited, see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                if conn.getresponse().status < 500:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def worker_rss_kib(self) -> dict[int, int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        rss = {}
        for pid in map(int, children):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss[pid] = int(line.split()[1])
        return rss

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def prepare_linli_database(env: dict) -> None:
    """Migrate, and seed the demo community unless it (or a bench/generate.py district) is there already."""
    full_env = {**os.environ, **env}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=full_env, check=True, capture_output=True)
    if is_district(env["DATABASE_URL"]):
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        seeded = conn.execute(text("SELECT count(*) FROM communities WHERE name = :n"), {"n": DEMO_COMMUNITY}).scalar()
    engine.dispose()
    if not seeded:
        subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=full_env, check=True, capture_output=True)


def is_district(url: str) -> bool:
    """A bench/generate.py dataset (its accounts are resident{N}@bench.linli)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT count(*) FROM users WHERE email = :e"), {"e": DISTRICT_LOGIN}).scalar()
    engine.dispose()
    return bool(found)


def district_targets(url: str) -> dict:
    """Community 1 of a generated district, a closed poll of it with frozen results, and the logins of
    its residents that have neither voted nor signed up for anything (the generator's roll and sign-ups
    use the low user numbers of each community), newest first."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        poll = conn.execute(
            text("SELECT id FROM polls WHERE community_id = 1 AND results IS NOT NULL ORDER BY id LIMIT 1")
        ).scalar_one()
        logins = (
            conn.execute(
                text(
                    "SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.community_id = 1 "
                    "AND m.role = 'resident' AND m.status = 'verified' AND NOT EXISTS (SELECT 1 FROM poll_roll r "
                    "WHERE r.user_id = u.id) AND NOT EXISTS (SELECT 1 FROM shift_signups s WHERE s.user_id = u.id) "
                    "ORDER BY u.id DESC LIMIT :n"
                ),
                {"n": CONCURRENCY},
            )
            .scalars()
            .all()
        )
    engine.dispose()
    return {"cid": 1, "poll": poll, "logins": list(logins), "password": DISTRICT_PASSWORD}


def demo_targets(url: str) -> dict:
    """The ids the requests name: the demo community and a closed poll with frozen results."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        cid = conn.execute(text("SELECT id FROM communities WHERE name = :n"), {"n": DEMO_COMMUNITY}).scalar_one()
        poll = conn.execute(
            text("SELECT id FROM polls WHERE community_id = :c AND results IS NOT NULL ORDER BY id LIMIT 1"), {"c": cid}
        ).scalar_one()
    engine.dispose()
    return {"cid": cid, "poll": poll}


# --- client --------------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with a cookie jar and the CSRF header, as the PWA sends them."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        self.user_id: int | None = None
        self.ballot_polls: list[tuple[int, int]] = []  # (poll id, option id) not voted in yet
        self.shifts: list[int] = []  # future shifts not signed up for yet

    def request(self, method: str, path: str, body=None, content_type: str | None = None) -> tuple[int, bytes]:
        """JSON `body`, or raw bytes with their `content_type` (multipart uploads)."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"], payload = content_type, body
        else:
            payload = None if body is None else json.dumps(body).encode()
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            # The server closed an idle keep-alive connection: reconnect once.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, login: str, password: str = DEMO_PASSWORD) -> None:
        _, data = self.request("GET", "/api/v1/auth/session")
        self.headers["X-CSRF-Token"] = json.loads(data)["csrf_token"]
        status, _ = self.request("POST", "/api/v1/auth/login", {"login": login, "password": password})
        if status != 200:
            raise RuntimeError(f"sign-in of {login} failed: {status}")
        _, data = self.request("GET", "/api/v1/auth/session")
        session = json.loads(data)
        self.headers["X-CSRF-Token"] = session["csrf_token"]
        self.user_id = (session.get("user") or {}).get("id")


def find_write_targets(probe: Client, targets: dict) -> None:
    """A project every demo resident may comment on (from the public list, not someone's draft), found by
    trying, and a report category of the community."""
    _, data = probe.request("GET", f"/api/v1/communities/{targets['cid']}/projects")
    for pid in [item["id"] for item in json.loads(data)["items"]]:
        status, _ = probe.request("POST", f"/api/v1/projects/{pid}/comments", {"body": "压测前的试评论"})
        if status == 201:
            targets["project"] = pid
            break
    _, data = probe.request("GET", f"/api/v1/communities/{targets['cid']}/report-categories")
    cats = json.loads(data)
    cats = cats.get("items", cats) if isinstance(cats, dict) else cats
    first = cats[0]
    targets["category"] = first.get("key") or first.get("code") if isinstance(first, dict) else first


# How an acknowledged write of each kind is found again: a count over a chunk of its keys.
FOUND_BY_ID = {
    "comment": "SELECT count(*) FROM comments WHERE id IN ({ids})",
    "report": "SELECT count(*) FROM reports WHERE id IN ({ids})",
    # the report is there AND its photo is attached to it
    "photo_report": "SELECT count(DISTINCT r.id) FROM reports r JOIN uploads u ON u.target_type = 'report' "
    "AND u.target_id = r.id WHERE r.id IN ({ids})",
    "signup": "SELECT count(*) FROM shift_signups WHERE status <> 'cancelled' AND id IN ({ids})",
    "row": "SELECT count(*) FROM baseline_rows WHERE id IN ({ids})",
}


def missing_writes(url: str, created: dict[str, list]) -> dict[str, int]:
    """How many acknowledged writes of each kind are not in the database: ids of 201s, or for ballots
    (poll id, receipt hash) pairs, found through the unique key of the ballot box."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    missing = {}
    with engine.connect() as conn:
        for kind, keys in created.items():
            found = 0
            for i in range(0, len(keys), 200):
                chunk = keys[i : i + 200]
                if kind == "ballot":
                    where = " OR ".join(f"(poll_id = :p{k} AND receipt_hash = :h{k})" for k in range(len(chunk)))
                    params = {
                        **{f"p{k}": p for k, (p, _) in enumerate(chunk)},
                        **{f"h{k}": h for k, (_, h) in enumerate(chunk)},
                    }
                    found += conn.execute(text(f"SELECT count(*) FROM ballots WHERE {where}"), params).scalar()
                else:
                    found += conn.execute(text(FOUND_BY_ID[kind].format(ids=",".join(map(str, chunk))))).scalar()
            missing[kind] = len(keys) - found
    engine.dispose()
    return missing


def _when(value) -> datetime:
    """A timestamp read with plain SQL: aware on PostgreSQL, naive UTC text on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def add_open_polls(url: str, cid: int, wanted: int) -> int:
    """Copy an open single-choice poll of the community (with its options) until it has `wanted`
    of them, so that 32 voters can each cast many first ballots; returns how many were added."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    added = 0
    with engine.begin() as conn:
        now = datetime.now(UTC)
        rows = conn.execute(
            text(
                "SELECT id, opens_at, closes_at FROM polls WHERE community_id = :c AND "
                "state = 'active' AND method = 'single' AND eligibility = 'verified' "
                "ORDER BY id"
            ),
            {"c": cid},
        ).all()
        open_ids = [r.id for r in rows if _when(r.opens_at) <= now < _when(r.closes_at) - timedelta(hours=1)]
        if open_ids and len(open_ids) < wanted:
            columns = [c["name"] for c in inspect(conn).get_columns("polls") if c["name"] != "id"]
            copied = ", ".join("0" if c == "voter_count" else c for c in columns)
            options = [
                c["name"] for c in inspect(conn).get_columns("poll_options") if c["name"] not in ("id", "poll_id")
            ]
            for _ in range(wanted - len(open_ids)):
                new_id = conn.execute(
                    text(
                        f"INSERT INTO polls ({', '.join(columns)}) SELECT {copied} FROM polls "
                        f"WHERE id = :s RETURNING id"
                    ),
                    {"s": open_ids[0]},
                ).scalar_one()
                conn.execute(
                    text(
                        f"INSERT INTO poll_options (poll_id, {', '.join(options)}) SELECT :n, "
                        f"{', '.join(options)} FROM poll_options WHERE poll_id = :s"
                    ),
                    {"n": new_id, "s": open_ids[0]},
                )
                added += 1
    engine.dispose()
    return added


def fill_write_queues(url: str, cid: int, clients: list[Client]) -> None:
    """Give each client the open polls it has not voted in and the future shifts it has not signed up
    for (own order per client, so that 32 clients do not queue on one shift's row lock)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    now = datetime.now(UTC)
    users = [c.user_id for c in clients if c.user_id]
    in_users = ",".join(map(str, users)) or "0"
    with engine.connect() as conn:
        polls = [
            (r.id, r.option_id)
            for r in conn.execute(
                text(
                    "SELECT p.id, p.opens_at, p.closes_at, min(o.id) AS option_id FROM polls p JOIN poll_options o "
                    "ON o.poll_id = p.id WHERE p.community_id = :c AND p.state = 'active' AND p.method = 'single' AND "
                    "p.eligibility = 'verified' GROUP BY p.id, p.opens_at, p.closes_at"
                ),
                {"c": cid},
            )
            if _when(r.opens_at) <= now < _when(r.closes_at) - timedelta(hours=1)
        ]
        voted = set(
            map(tuple, conn.execute(text(f"SELECT user_id, poll_id FROM poll_roll WHERE user_id IN ({in_users})")))
        )
        shifts = [
            r.id
            for r in conn.execute(
                text(
                    "SELECT s.id, s.starts_at FROM shifts s JOIN activities a ON a.id = s.activity_id LEFT JOIN "
                    "organisations o ON o.id = a.organisation_id WHERE a.community_id = :c AND NOT a.is_hidden AND "
                    "(o.id IS NULL OR o.status = 'verified')"
                ),
                {"c": cid},
            )
            if _when(r.starts_at) > now + timedelta(hours=2)
        ]
        signed = set(
            map(tuple, conn.execute(text(f"SELECT user_id, shift_id FROM shift_signups WHERE user_id IN ({in_users})")))
        )
    engine.dispose()
    for client in clients:  # (with the 11 demo accounts several clients share a user: each pair goes once)
        rng = random.Random(client.user_id)
        client.ballot_polls = [(p, o) for p, o in polls if (client.user_id, p) not in voted]
        client.shifts = [s for s in shifts if (client.user_id, s) not in signed]
        voted |= {(client.user_id, p) for p, _ in client.ballot_polls}
        signed |= {(client.user_id, s) for s in client.shifts}
        rng.shuffle(client.ballot_polls)
        rng.shuffle(client.shifts)


def test_photo() -> bytes:
    """A 640x480 JPEG with some detail (re-encoding a flat image would cost less than a real photo)."""
    import io

    from PIL import Image

    image = Image.effect_noise((640, 480), 40).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def multipart(field: str, filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = "linli-bench-" + secrets.token_hex(8)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def write_ops(t: dict, photo: bytes):
    """The five writes of the writes profile, as op(client, n) -> (status, data, label, kind, key)."""
    cid = t["cid"]
    _, writes = linli_requests(t)
    upload_body, upload_type = multipart("file", "photo.jpg", photo, "image/jpeg")

    def simple(index: int):
        method, path, body, kind = writes[index]

        def op(client: Client, n: int):
            status, data = client.request(method, path, body(n))
            return status, data, f"{method} {path}", kind, json.loads(data)["id"] if status == 201 else None

        return op

    comment, report = simple(0), simple(1)

    def photo_report(client: Client, n: int):
        status, data = client.request("POST", "/api/v1/uploads", upload_body, upload_type)
        if status != 201:
            return status, data, "POST /api/v1/uploads", None, None
        status, data = client.request(
            "POST",
            f"/api/v1/communities/{cid}/reports",
            {
                "category": t["category"],
                "description": f"压测报事 {n}：单元门门禁坏了，见照片。",
                "location_text": "5号楼1单元门口",
                "photo_ids": [json.loads(data)["id"]],
            },
        )
        return (
            status,
            data,
            f"POST /api/v1/communities/{cid}/reports (photo)",
            "photo_report",
            json.loads(data)["id"] if status == 201 else None,
        )

    def ballot(client: Client, n: int):
        if not client.ballot_polls:
            return comment(client, n)
        poll_id, option_id = client.ballot_polls.pop()
        status, data = client.request("POST", f"/api/v1/polls/{poll_id}/ballots", {"option_id": option_id})
        return (
            status,
            data,
            "POST /api/v1/polls/{id}/ballots",
            "ballot",
            (poll_id, json.loads(data)["receipt_hash"]) if status == 201 else None,
        )

    def signup(client: Client, n: int):
        if not client.shifts:
            return comment(client, n)
        status, data = client.request("POST", f"/api/v1/shifts/{client.shifts.pop()}/signups")
        return (
            status,
            data,
            "POST /api/v1/shifts/{id}/signups",
            "signup",
            json.loads(data)["id"] if status == 201 else None,
        )

    return [comment, report, photo_report, ballot, signup]


def linli_requests(t: dict):
    """(kind, method, path, body-maker) for every Linli request of the profiles."""
    cid, poll = t["cid"], t["poll"]
    reads = [
        ("GET", f"/api/v1/communities/{cid}/projects", None),
        ("GET", f"/api/v1/communities/{cid}/reports", None),
        ("GET", f"/api/v1/polls/{poll}/results", None),
        ("GET", "/api/v1/notifications", None),
        ("GET", f"/api/v1/communities/{cid}/notices", None),
    ]
    pid = t["project"]
    writes = [
        (
            "POST",
            f"/api/v1/projects/{pid}/comments",
            lambda n: {"body": f"压测评论 {n}：支持这个项目，希望尽快落实。"},
            "comment",
        ),
        (
            "POST",
            f"/api/v1/communities/{cid}/reports",
            lambda n: {
                "category": t["category"],
                "description": f"压测报事 {n}：楼道灯不亮。",
                "location_text": "3号楼2单元楼道",
            },
            "report",
        ),
    ]
    return reads, writes


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    created: dict[str, list[int]] = field(default_factory=dict)
    by_request: dict[str, list[float]] = field(default_factory=dict)  # latencies per request type
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")


def drive(clients: list[Client], pick, duration: float) -> Result:
    """Every client sends pick(rng, n) back to back until the deadline: a request (method, path, body,
    kind), or an op(client, n) -> (status, data, label, kind, key) of write_ops."""
    result = Result()
    lock = threading.Lock()
    start_barrier = threading.Barrier(len(clients) + 1)
    counter = iter(range(10**9))

    def run(client: Client, seed: int):
        rng = random.Random(seed)
        latencies, errors, created, kinds, by_request = [], 0, {}, {}, {}
        start_barrier.wait()
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            n = next(counter)
            picked = pick(rng, n)
            began = time.perf_counter()
            try:
                if callable(picked):  # an op of write_ops: may send several requests, names its key
                    status, data, where, kind, key = picked(client, n)
                else:
                    method, path, body, kind = picked
                    status, data = client.request(method, path, body)
                    where, key = f"{method} {path.split('?')[0]}", None
                    if status == 201 and kind:
                        key = json.loads(data)["id"]
            except (http.client.HTTPException, OSError):
                status, data, where, kind, key = 599, b"", "connection", None, None
            latencies.append(time.perf_counter() - began)
            by_request.setdefault(_shape(where), []).append(latencies[-1])
            if not 200 <= status < 300:
                errors += 1
                label = f"{where} -> {status} {data[:80].decode(errors='replace')}"
                kinds[label] = kinds.get(label, 0) + 1
            elif status == 201 and kind:
                created.setdefault(kind, []).append(key)
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            for label, n in kinds.items():
                result.error_kinds[label] = result.error_kinds.get(label, 0) + n
            for kind, ids in created.items():
                result.created.setdefault(kind, []).extend(ids)
            for shape, values in by_request.items():
                result.by_request.setdefault(shape, []).extend(values)

    threads = [threading.Thread(target=run, args=(c, i)) for i, c in enumerate(clients)]
    for th in threads:
        th.start()
    start_barrier.wait()
    began = time.monotonic()
    for th in threads:
        th.join()
    result.elapsed = time.monotonic() - began
    return result


def _shape(where: str) -> str:
    """A request with its ids replaced, so that latencies group by endpoint."""
    import re

    return re.sub(r"/\d+", "/{id}", where)


def print_breakdown(result: Result) -> None:
    """Count, p50 and p95 of each request type of a Linli run (what the mix spends its time on)."""
    for shape, values in sorted(result.by_request.items(), key=lambda kv: -len(kv[1])):
        ordered = sorted(values)
        p50, p95 = (ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 for q in (0.5, 0.95))
        print(f"  {shape:<58}{len(values):>7}{p50:>9.1f}{p95:>9.1f}")
    sys.stdout.flush()


def verify_writes(url: str, created: dict[str, list[int]]) -> str:
    missing = missing_writes(url, created)
    return "; ".join(
        f"{kind}s {len(ids) - missing[kind]:,}/{len(ids):,} present" + ("  MISSING!" if missing[kind] else "")
        for kind, ids in created.items()
    )


def print_table(profile: str, rows: list[tuple[str, Result]], baseline: Result) -> None:
    print(f"\n== {profile} ({CONCURRENCY} connections, {baseline.elapsed:.0f} s each) ==")
    print(f"{'app':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'of baseline':>13}")
    for name, r in rows:
        print(
            f"{name:<34}{r.rps():>9.1f}{r.pct(50):>9.1f}{r.pct(95):>9.1f}{r.pct(99):>9.1f}{r.errors:>8}"
            f"{r.rps() / baseline.rps():>12.0%}"
        )
    for name, r in rows:
        for label, n in sorted(r.error_kinds.items(), key=lambda kv: -kv[1])[:5]:
            print(f"  {name} error x{n}: {label}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per profile and app (default 60)")
    parser.add_argument("--profiles", default="reads,writes,mixed")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temp SQLite file with the demo seed)")
    parser.add_argument(
        "--ballot-polls",
        type=int,
        default=300,
        help="open polls the measured community should have for the ballot writes (default 300)",
    )
    args = parser.parse_args()
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]

    tmp = Path(tempfile.mkdtemp(prefix="linli-load-"))
    url = args.database_url or f"sqlite:///{tmp / 'linli.db'}"
    baseline_url = url if args.database_url else f"sqlite:///{tmp / 'baseline.db'}"
    linli_env = {
        "DATABASE_URL": url,
        "LINLI_INSTANCE_DIR": str(tmp / "instance"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "RATELIMIT_ENABLED": "0",
    }
    print(f"preparing {url.split('@')[-1]} ...", flush=True)
    prepare_linli_database(linli_env)
    from bench.baseline_app import create_schema

    create_schema(baseline_url)
    if is_district(url):
        targets = district_targets(url)
        logins, password = targets["logins"], targets["password"]
    else:
        targets = demo_targets(url)
        logins, password = DEMO_LOGINS, DEMO_PASSWORD
    if set(profiles) - {"reads"}:
        print(
            f"open polls added for the ballot writes: {add_open_polls(url, targets['cid'], args.ballot_polls)}",
            flush=True,
        )

    linli = Server("wsgi:app", linli_env, tmp / "linli-gunicorn.log")
    baseline = Server("bench.baseline_app:app", {"BASELINE_DATABASE_URL": baseline_url}, tmp / "baseline-gunicorn.log")
    try:
        linli.wait_ready("/healthz")
        baseline.wait_ready("/hello")
        import importlib.util

        spec = importlib.util.spec_from_file_location("gconf", ROOT / "gunicorn.conf.py")
        gconf = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gconf)
        print(
            f"gunicorn.conf.py: {gconf.workers} workers x {gconf.threads} threads ({gconf.worker_class}), "
            f"database {'PostgreSQL' if url.startswith('postgresql') else 'SQLite (WAL)'}; "
            f"{os.cpu_count()} CPUs; load generator in this process; measured community {targets['cid']}; "
            f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
            flush=True,
        )

        linli_clients = [Client(linli.port) for _ in range(CONCURRENCY)]
        for i, client in enumerate(linli_clients):
            client.sign_in(logins[i % len(logins)], password)
        probe = linli_clients[DEMO_LOGINS.index("neighbour1@demo.linli")] if logins is DEMO_LOGINS else linli_clients[0]
        find_write_targets(probe, targets)
        reads, _ = linli_requests(targets)
        ops = write_ops(targets, test_photo())
        baseline_clients = [Client(baseline.port) for _ in range(CONCURRENCY)]
        hello = ("GET", "/hello", None, None)
        insert = ("POST", "/insert", {}, "row")

        def read(rng, _n):
            method, path, _ = rng.choice(reads)
            return method, path, None, None

        def write(rng, _n):
            return rng.choice(ops)

        picks = {
            "reads": (read, lambda rng, n: hello),
            "writes": (write, lambda rng, n: insert),
            "mixed": (
                lambda rng, n: read(rng, n) if rng.random() < 0.9 else write(rng, n),
                lambda rng, n: hello if rng.random() < 0.9 else insert,
            ),
        }
        for profile in profiles:
            linli_pick, base_pick = picks[profile]
            if profile != "reads":
                fill_write_queues(url, targets["cid"], linli_clients)
                print(
                    f"{profile}: first ballots available {sum(len(c.ballot_polls) for c in linli_clients):,}, "
                    f"sign-ups {sum(len(c.shifts) for c in linli_clients):,}",
                    flush=True,
                )
            base = drive(baseline_clients, base_pick, args.duration)
            ours = drive(linli_clients, linli_pick, args.duration)
            print_table(profile, [("baseline (hello / insert)", base), ("Linli", ours)], base)
            print(f"  {'Linli by request':<58}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}")
            print_breakdown(ours)
            print(f"load average after {profile}: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
            if profile != "reads":
                print(
                    f"acknowledged writes: Linli {verify_writes(url, ours.created)}; "
                    f"baseline {verify_writes(baseline_url, base.created)}",
                    flush=True,
                )
            if profile == "mixed":
                for name, server in (("Linli", linli), ("baseline", baseline)):
                    rss = server.worker_rss_kib()
                    print(
                        f"{name} worker RSS after mixed run: "
                        + ", ".join(f"pid {pid} {kib / 1024:.0f} MB" for pid, kib in sorted(rss.items())),
                        flush=True,
                    )
    finally:
        linli.stop()
        baseline.stop()
        print(f"(logs in {tmp})")


if __name__ == "__main__":
    main()
