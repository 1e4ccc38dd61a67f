"""HTTP load benchmark: Linli under gunicorn against a baseline Flask app under the same settings.

    .venv/bin/python bench/load.py [--duration 60] [--profiles reads,writes,mixed] [--database-url URL]

Both apps run under gunicorn.conf.py (same workers, gthread, threads) on 127.0.0.1, one at a time under
load. Linli gets a temp SQLite database seeded with `seed-demo` (or --database-url, seeded when it has
no demo community). The load generator is bounded: 32 threads, each with one keep-alive http.client
connection, each signed in as a demo account (cookie + X-CSRF-Token), sending requests back to back for
a fixed duration. Profiles:
  reads   project list, report board, a closed poll's results, inbox, notices  (baseline: GET /hello)
  writes  comments on a project, reports                                       (baseline: POST /insert)
  mixed   90% reads, 10% writes                                                (baseline: the same mix)
After each profile with writes, every acknowledged write (the id of a 201) is looked up in the database;
after the mixed run, the RSS of each gunicorn worker is printed.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONCURRENCY = 32
DEMO_PASSWORD = "demo-pass-2026"
DEMO_COMMUNITY = "阳光社区"
DEMO_LOGINS = ["committee@demo.linli", "grid@demo.linli", "resident@demo.linli"] + [
    f"neighbour{i}@demo.linli" for i in range(1, 9)]
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
        self.proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app],
                                     cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

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
    """Migrate, and seed the demo community unless it is there already."""
    full_env = {**os.environ, **env}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=full_env, check=True, capture_output=True)
    from sqlalchemy import create_engine, text
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        seeded = conn.execute(text("SELECT count(*) FROM communities WHERE name = :n"), {"n": DEMO_COMMUNITY}).scalar()
    engine.dispose()
    if not seeded:
        subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=full_env, check=True, capture_output=True)


def demo_targets(url: str) -> dict:
    """The ids the requests name: the demo community and a closed poll with frozen results."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.connect() as conn:
        cid = conn.execute(text("SELECT id FROM communities WHERE name = :n"), {"n": DEMO_COMMUNITY}).scalar_one()
        poll = conn.execute(text("SELECT id FROM polls WHERE community_id = :c AND results IS NOT NULL "
                                 "ORDER BY id LIMIT 1"), {"c": cid}).scalar_one()
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

    def request(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
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

    def sign_in(self, login: str) -> None:
        _, data = self.request("GET", "/api/v1/auth/session")
        self.headers["X-CSRF-Token"] = json.loads(data)["csrf_token"]
        status, _ = self.request("POST", "/api/v1/auth/login", {"login": login, "password": DEMO_PASSWORD})
        if status != 200:
            raise RuntimeError(f"sign-in of {login} failed: {status}")
        _, data = self.request("GET", "/api/v1/auth/session")
        self.headers["X-CSRF-Token"] = json.loads(data)["csrf_token"]


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


def missing_writes(url: str, created: dict[str, list[int]]) -> dict[str, int]:
    """How many acknowledged writes (ids of 201s) of each kind are not in the database."""
    from sqlalchemy import create_engine, text
    tables = {"comment": "comments", "report": "reports", "row": "baseline_rows"}
    engine = create_engine(url)
    missing = {}
    with engine.connect() as conn:
        for kind, ids in created.items():
            found = 0
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                found += conn.execute(text(f"SELECT count(*) FROM {tables[kind]} WHERE id IN "
                                           f"({','.join(map(str, chunk))})")).scalar()
            missing[kind] = len(ids) - found
    engine.dispose()
    return missing


def linli_requests(t: dict):
    """(kind, method, path, body-maker) for every Linli request of the profiles."""
    cid, poll = t["cid"], t["poll"]
    reads = [("GET", f"/api/v1/communities/{cid}/projects", None),
             ("GET", f"/api/v1/communities/{cid}/reports", None),
             ("GET", f"/api/v1/polls/{poll}/results", None),
             ("GET", "/api/v1/notifications", None),
             ("GET", f"/api/v1/communities/{cid}/notices", None)]
    pid = t["project"]
    writes = [("POST", f"/api/v1/projects/{pid}/comments",
               lambda n: {"body": f"压测评论 {n}：支持这个项目，希望尽快落实。"}, "comment"),
              ("POST", f"/api/v1/communities/{cid}/reports",
               lambda n: {"category": t["category"], "description": f"压测报事 {n}：楼道灯不亮。",
                          "location_text": "3号楼2单元楼道"}, "report")]
    return reads, writes


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    created: dict[str, list[int]] = field(default_factory=dict)
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
    """Every client sends pick(rng, n) -> (method, path, body, kind) back to back until the deadline."""
    result = Result()
    lock = threading.Lock()
    start_barrier = threading.Barrier(len(clients) + 1)
    counter = iter(range(10**9))

    def run(client: Client, seed: int):
        rng = random.Random(seed)
        latencies, errors, created, kinds = [], 0, {}, {}
        start_barrier.wait()
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            method, path, body, kind = pick(rng, next(counter))
            began = time.perf_counter()
            try:
                status, data = client.request(method, path, body)
            except (http.client.HTTPException, OSError):
                status, data = 599, b""
            latencies.append(time.perf_counter() - began)
            if not 200 <= status < 300:
                errors += 1
                label = f"{method} {path.split('?')[0]} -> {status} {data[:80].decode(errors='replace')}"
                kinds[label] = kinds.get(label, 0) + 1
            elif status == 201 and kind:
                created.setdefault(kind, []).append(json.loads(data)["id"])
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            for label, n in kinds.items():
                result.error_kinds[label] = result.error_kinds.get(label, 0) + n
            for kind, ids in created.items():
                result.created.setdefault(kind, []).extend(ids)

    threads = [threading.Thread(target=run, args=(c, i)) for i, c in enumerate(clients)]
    for th in threads:
        th.start()
    start_barrier.wait()
    began = time.monotonic()
    for th in threads:
        th.join()
    result.elapsed = time.monotonic() - began
    return result


def verify_writes(url: str, created: dict[str, list[int]]) -> str:
    missing = missing_writes(url, created)
    return "; ".join(f"{kind}s {len(ids) - missing[kind]:,}/{len(ids):,} present" + ("  MISSING!" if missing[kind] else "")
                     for kind, ids in created.items())


def print_table(profile: str, rows: list[tuple[str, Result]], baseline: Result) -> None:
    print(f"\n== {profile} ({CONCURRENCY} connections, {baseline.elapsed:.0f} s each) ==")
    print(f"{'app':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'of baseline':>13}")
    for name, r in rows:
        print(f"{name:<34}{r.rps():>9.1f}{r.pct(50):>9.1f}{r.pct(95):>9.1f}{r.pct(99):>9.1f}{r.errors:>8}"
              f"{r.rps() / baseline.rps():>12.0%}")
    for name, r in rows:
        for label, n in sorted(r.error_kinds.items(), key=lambda kv: -kv[1])[:5]:
            print(f"  {name} error x{n}: {label}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per profile and app (default 60)")
    parser.add_argument("--profiles", default="reads,writes,mixed")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temp SQLite file with the demo seed)")
    args = parser.parse_args()
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]

    tmp = Path(tempfile.mkdtemp(prefix="linli-load-"))
    url = args.database_url or f"sqlite:///{tmp / 'linli.db'}"
    baseline_url = url if args.database_url else f"sqlite:///{tmp / 'baseline.db'}"
    linli_env = {"DATABASE_URL": url, "LINLI_INSTANCE_DIR": str(tmp / "instance"), "UPLOAD_DIR": str(tmp / "uploads"),
                 "SECRET_KEY": secrets.token_urlsafe(32), "RATELIMIT_ENABLED": "0"}
    print(f"preparing {url.split('@')[-1]} ...", flush=True)
    prepare_linli_database(linli_env)
    from bench.baseline_app import create_schema
    create_schema(baseline_url)
    targets = demo_targets(url)

    linli = Server("wsgi:app", linli_env, tmp / "linli-gunicorn.log")
    baseline = Server("bench.baseline_app:app", {"BASELINE_DATABASE_URL": baseline_url}, tmp / "baseline-gunicorn.log")
    try:
        linli.wait_ready("/healthz")
        baseline.wait_ready("/hello")
        import importlib.util
        spec = importlib.util.spec_from_file_location("gconf", ROOT / "gunicorn.conf.py")
        gconf = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gconf)
        print(f"gunicorn.conf.py: {gconf.workers} workers x {gconf.threads} threads ({gconf.worker_class}), "
              f"database {'PostgreSQL' if url.startswith('postgresql') else 'SQLite (WAL)'}; "
              f"{os.cpu_count()} CPUs; load generator in this process", flush=True)

        linli_clients = [Client(linli.port) for _ in range(CONCURRENCY)]
        for i, client in enumerate(linli_clients):
            client.sign_in(DEMO_LOGINS[i % len(DEMO_LOGINS)])
        find_write_targets(linli_clients[DEMO_LOGINS.index("neighbour1@demo.linli")], targets)
        reads, writes = linli_requests(targets)
        baseline_clients = [Client(baseline.port) for _ in range(CONCURRENCY)]
        hello = ("GET", "/hello", None, None)
        insert = ("POST", "/insert", {}, "row")

        def read(rng, _n):
            method, path, _ = rng.choice(reads)
            return method, path, None, None

        def write(rng, n):
            method, path, body, kind = rng.choice(writes)
            return method, path, body(n), kind

        picks = {
            "reads": (read, lambda rng, n: hello),
            "writes": (write, lambda rng, n: insert),
            "mixed": (lambda rng, n: read(rng, n) if rng.random() < 0.9 else write(rng, n),
                      lambda rng, n: hello if rng.random() < 0.9 else insert),
        }
        for profile in profiles:
            linli_pick, base_pick = picks[profile]
            base = drive(baseline_clients, base_pick, args.duration)
            ours = drive(linli_clients, linli_pick, args.duration)
            print_table(profile, [("baseline (hello / insert)", base), ("Linli", ours)], base)
            if profile != "reads":
                print(f"acknowledged writes: Linli {verify_writes(url, ours.created)}; "
                      f"baseline {verify_writes(baseline_url, base.created)}", flush=True)
            if profile == "mixed":
                for name, server in (("Linli", linli), ("baseline", baseline)):
                    rss = server.worker_rss_kib()
                    print(f"{name} worker RSS after mixed run: "
                          + ", ".join(f"pid {pid} {kib / 1024:.0f} MB" for pid, kib in sorted(rss.items())), flush=True)
    finally:
        linli.stop()
        baseline.stop()
        print(f"(logs in {tmp})")


if __name__ == "__main__":
    main()
