"""`make bench`: Linli against a bare Flask baseline, measured with wrk under the same gunicorn settings.

    make bench                                   # SQLite with the demo data, about 15 minutes
    make bench BENCH_ARGS=--quick                # everything once, short runs (3-5 minutes), docs untouched
    make bench BENCH_ARGS="--worker-class sync --workers 5"   # other gunicorn settings, for both servers
    make bench DB=postgres SCALE=0.01            # PostgreSQL district data (community 1: 5,000 residents)
    .venv/bin/python bench/wrk_bench.py --help   # every option (durations, rounds, a subset of endpoints...)

What one run does:
 1. A throw-away database: SQLite migrated and seeded with `flask seed-demo`, or (--db postgres, inside
    scripts/test-services) the PostgreSQL district of bench/generate.py at --scale. bench/wrk_fixtures.py
    then adds what the writes need: new verified residents, open polls and future shifts, so that every
    ballot and sign-up of the run is a first one.
 2. Two gunicorns with the same gunicorn.conf.py (workers, gthread, threads, max_requests: production
    settings; --worker-class, --threads and --workers set its environment variables GUNICORN_WORKER_CLASS,
    GUNICORN_THREADS and WEB_CONCURRENCY for both), both on 127.0.0.1: Linli (wsgi:app) and
    bench/baseline_app.py (GET /hello: a constant JSON document; POST /insert: one INSERT in its own
    transaction, same kind of database). Rate limits stay on
    with their limits raised: a few hundred bench accounts post far more than any one resident may.
 3. Sign-ins over HTTP: a pool of existing residents with content (inbox, reports) for the signed-in reads,
    and the new residents for the writes; each request line of a run carries one session's cookie and
    CSRF token, the sessions taking turns.
 4. wrk, one thread, 32 connections, on loopback, bench/wrk/requests.lua replaying the prepared requests;
    a short warm-up of every endpoint, then the baseline and Linli alternate (B L1 B L2 B ... Ln B), so
    each Linli run is compared with the baseline runs just before and after it: machine noise hits both.
    Reads are compared with GET /hello, writes with POST /insert.
 5. For every run: req/s and latency percentiles (wrk's, from the script's done()), the CPU time of the
    measured gunicorn's workers (/proc/<pid>/stat utime+stime of the live workers, plus the master's
    cutime+cstime for workers recycled meanwhile) per request, the load average at the start, and the
    CPU the rest of the machine used meanwhile (/proc/stat busy time minus both gunicorns and wrk).
 6. After each write run, every acknowledged write (the id or receipt hash of each 201, recorded by the
    Lua script) is looked up in the database.
 7. py-spy profiles (speedscope JSON, plus a text summary of the top frames) of the three endpoints with
    the lowest Linli req/s, recorded across all workers while wrk runs them again.
 8. The PWA's first load (bench/pwa_weight.py: Playwright, bytes on the wire) and Lighthouse mobile
    performance on home, a project, a poll and a report, signed in as a resident.
 9. One table: printed, written as JSON under bench/output/ (gitignored), and as markdown into the marked
    section of docs/benchmarks.md (--docs-section; the markers are created when missing).

Targets (issue 17): visitors' reads >= 60% of hello's req/s, signed-in reads >= 40%, writes >= 25% of the
one-INSERT route with every acknowledged write present; p95 <= 4x the baseline's p95 for every read.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "wrk" / "requests.lua"
OUTPUT = ROOT / "bench" / "output"
DOCS = ROOT / "docs" / "benchmarks.md"
sys.path.insert(0, str(ROOT))

from bench.pwa_weight import first_load, lighthouse_performance  # noqa: E402

CONNECTIONS = 32
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Read targets are on req/s against GET /hello, write targets against POST /insert (issue 17).
TARGETS = {"visitor": 0.60, "signed_in": 0.40, "write": 0.25}
P95_LIMIT = 4.0
GROUP_TITLES = {"visitor": "visitors' reads", "signed_in": "signed-in residents' reads", "write": "writes"}
# Limits far above what the bench's few hundred accounts send (the limiter itself still runs).
RAISED_LIMITS = {
    "RATELIMIT_LOGIN": "100000 per minute",
    "RATELIMIT_LOGIN_ACCOUNT": "100000 per hour",
    "RATELIMIT_POSTING": "100000 per minute",
}
# Writes each request can make at most once (a second ballot is a 409): the bench prepares this many
# unused (voter, poll) and (volunteer, shift) pairs per second of write runs, far above what Linli does.
PAIRS_PER_SECOND = 300
POLLS = SHIFTS = 100


# --- the machine and its processes ---------------------------------------------------------------------


def proc_ticks(pid: int) -> tuple[int, int]:
    """(utime + stime, cutime + cstime) of a process, in clock ticks; (0, 0) if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0, 0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return utime + stime, cutime + cstime


def memory_kib(pid: int) -> dict[str, int]:
    """Resident (Rss) and proportional (Pss: shared pages divided among their sharers) memory of a process, KiB."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            values[name.lower()] = int(rest.split()[0])
    return values


def server_memory(server: Server) -> dict:
    """Memory of a gunicorn's workers now (after the runs: what they grew to under load) and of its master."""
    workers = [memory_kib(pid) for pid in server.workers()]
    workers = [w for w in workers if w]
    if not workers:
        return {}
    rss = [w["rss"] / 1024 for w in workers]
    pss = [w.get("pss", 0) / 1024 for w in workers]
    master = memory_kib(server.proc.pid)
    return {
        "workers": len(workers),
        "rss_mib_per_worker": round(statistics.median(rss), 1),
        "rss_mib_max": round(max(rss), 1),
        "pss_mib_workers_total": round(sum(pss), 1),
        "master_rss_mib": round(master.get("rss", 0) / 1024, 1),
    }


def children_of(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU seconds of a gunicorn's workers so far: the live ones, plus those recycled (max_requests) and
    already reaped by the master, which the kernel adds to the master's cutime/cstime."""
    live = sum(proc_ticks(pid)[0] for pid in children_of(master_pid))
    return (live + proc_ticks(master_pid)[1]) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle (all cores), from /proc/stat."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def machine_description() -> dict:
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0].strip(),
    }


def source_description(app_dir: Path, at_commit: str | None) -> dict:
    """The commit measured; for the working tree, also how many files differ from it (others' work)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", at_commit or "HEAD")
    info = {"commit": commit[:10], "subject": git("log", "-1", "--format=%s", commit), "tree": str(app_dir)}
    if at_commit:
        info["source"] = f"git archive {at_commit} (committed files only)"
    else:
        changed = [
            line[3:]
            for line in git("status", "--porcelain", "--", "backend", "pwa", "config.py", "wsgi.py").splitlines()
            if line.strip()
        ]
        info["source"] = "working tree" + (f" with {len(changed)} uncommitted files in the app" if changed else "")
        info["uncommitted"] = changed
    return info


def export_commit(rev: str, into: Path) -> Path:
    """The committed tree of `rev` (no uncommitted work of anyone), unpacked under `into`."""
    target = into / "app"
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=True).stdout
    archive_path = into / "app.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(target, filter="data")
    archive_path.unlink()
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


# --- servers -------------------------------------------------------------------------------------------


class Server:
    """One gunicorn with the app tree's gunicorn.conf.py, on a free port of 127.0.0.1, in its own process group."""

    def __init__(self, name: str, app: str, cwd: Path, conf: Path, env: dict, log_path: Path):
        self.name = name
        self.port = free_port()
        self.log_path = log_path
        self.log_file = open(log_path, "wb")  # noqa: SIM115 (lives as long as the server)
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(conf), app],
            cwd=cwd,
            env={**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 240) -> None:
        """Until `path` answers below 500. 8 workers importing the app at once at a load average of 20 took more
        than 90 s (the earlier limit) on the 2-core machine."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited, see {self.log_path}")
            try:
                status, _, _ = http_request(self.port, "GET", path)
                if status < 500 and len(children_of(self.proc.pid)) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        raise RuntimeError(
            f"{self.name}: gunicorn did not answer {path} within {timeout:.0f} s (load average {load}), "
            f"see {self.log_path}"
        )

    def workers(self) -> list[int]:
        return children_of(self.proc.pid)

    def cpu_seconds(self) -> float:
        return workers_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log_file.close()


# --- HTTP and sessions ---------------------------------------------------------------------------------


@dataclass
class Session:
    login: str
    cookie: str
    csrf: str


def http_request(port: int, method: str, path: str, session: Session | None = None, body=None, cookies=None):
    """(status, parsed JSON or None, Set-Cookie pairs) of one request on a new connection."""
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if session:
        headers["Cookie"], headers["X-CSRF-Token"] = session.cookie, session.csrf
    elif cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body).encode(), headers=headers)
        response = conn.getresponse()
        data = response.read()
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key.strip()] = rest.split(";", 1)[0]
    finally:
        conn.close()
    try:
        parsed = json.loads(data) if data else None
    except ValueError:
        parsed = None
    return response.status, parsed, set_cookies


def sign_in(port: int, login: str, password: str) -> Session:
    """A signed-in session as the PWA holds one: its cookies and the CSRF token of the session."""
    cookies: dict[str, str] = {}
    status, data, set_cookies = http_request(port, "GET", "/api/v1/auth/session")
    cookies.update(set_cookies)
    csrf = data["csrf_token"]
    headers_session = Session(login, "; ".join(f"{k}={v}" for k, v in cookies.items()), csrf)
    status, data, set_cookies = http_request(
        port, "POST", "/api/v1/auth/login", headers_session, {"login": login, "password": password}
    )
    if status != 200:
        raise RuntimeError(f"sign-in of {login} failed: {status} {data}")
    cookies.update(set_cookies)
    status, data, set_cookies = http_request(port, "GET", "/api/v1/auth/session", cookies=cookies)
    cookies.update(set_cookies)
    if not (data or {}).get("user"):
        raise RuntimeError(f"{login}: signed in, but the session does not know the user")
    return Session(login, "; ".join(f"{k}={v}" for k, v in cookies.items()), data["csrf_token"])


def sign_in_all(port: int, accounts: list[dict]) -> list[Session]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda a: sign_in(port, a["login"], a["password"]), accounts))


# --- what each run sends -------------------------------------------------------------------------------


def request_line(method: str, path: str, session: Session | None = None, body: dict | None = None) -> str:
    """One line of a requests file for bench/wrk/requests.lua (tab-separated; none of the fields has tabs)."""
    fields = [
        method,
        path,
        session.cookie if session else "",
        session.csrf if session else "",
        json.dumps(body, ensure_ascii=False, separators=(",", ":")) if body is not None else "",
    ]
    if any("\t" in f or "\n" in f for f in fields):
        raise ValueError(f"a field of {method} {path} holds a tab or a newline")
    return "\t".join(fields)


def diagonal_pairs(rows: int, columns: int) -> list[tuple[int, int]]:
    """Every (row, column) pair exactly once, ordered so that consecutive pairs differ in the row and (but
    at the end of a sweep over the rows) in the column: pair k is (r, (q + r) mod columns) with
    q, r = divmod(k, rows), a bijection for any sizes. Consecutive ballots then go to different polls by
    different voters, as they would in life, instead of 32 connections queueing on one poll's row."""
    return [(k % rows, (k // rows + k % rows) % columns) for k in range(rows * columns)]


@dataclass
class Endpoint:
    key: str
    label: str
    group: str  # visitor | signed_in | write
    lines: list[str]
    wrap: bool = True  # False: each line at most once (writes)
    kind: str | None = None  # what a 201 created, for the lookup afterwards
    offset: int = 0  # lines used by earlier runs


def read_endpoints(cid: int, results_poll: int, project: int, readers: list[Session]) -> list[Endpoint]:
    """Issue 17's reads: visitors' (no session) and signed-in residents' (the readers' sessions in turn)."""
    poll = results_poll
    reads = [
        ("visitor", "projects", "project list", f"/api/v1/communities/{cid}/projects", None),
        ("visitor", "reports", "report board", f"/api/v1/communities/{cid}/reports", None),
        ("visitor", "results", "a closed poll's results", f"/api/v1/polls/{poll}/results", None),
        ("visitor", "open_data", "open data", f"/api/v1/communities/{cid}/open-data.json", None),
        # Notices are members-only (a visitor gets 401): measured as a resident, judged as the issue lists them.
        ("visitor", "notices", "notices (as a resident: members only)", f"/api/v1/communities/{cid}/notices", readers),
        ("signed_in", "home", "home", f"/api/v1/communities/{cid}/home", readers),
        ("signed_in", "projects_in", "project list", f"/api/v1/communities/{cid}/projects", readers),
        ("signed_in", "project", "project detail", f"/api/v1/projects/{project}", readers),
        ("signed_in", "inbox", "inbox", "/api/v1/notifications", readers),
        ("signed_in", "my_reports", "my reports", f"/api/v1/communities/{cid}/reports?mine=true", readers),
    ]
    return [
        Endpoint(
            key,
            label,
            group,
            [request_line("GET", path, s) for s in sessions] if sessions else [request_line("GET", path)],
        )
        for group, key, label, path, sessions in reads
    ]


def write_endpoints(fx: dict, voters: list[Session], project: int, category: str) -> list[Endpoint]:
    """Issue 17's writes, each line a write never made before (a first ballot, a first sign-up)."""
    cid, v = fx["cid"], len(voters)
    ballots = diagonal_pairs(v, len(fx["polls"]))
    signups = diagonal_pairs(v, len(fx["shifts"]))
    writes = [
        (
            "comment",
            "comment on a project",
            [
                request_line(
                    "POST",
                    f"/api/v1/projects/{project}/comments",
                    voters[k % v],
                    {"body": f"压测评论 {k}：支持这个项目，希望尽快落实。"},
                )
                for k in range(len(ballots))
            ],
        ),
        (
            "report",
            "problem report",
            [
                request_line(
                    "POST",
                    f"/api/v1/communities/{cid}/reports",
                    voters[k % v],
                    {
                        "category": category,
                        "description": f"压测报事 {k}：楼道灯不亮。",
                        "location_text": "3号楼2单元楼道",
                    },
                )
                for k in range(len(ballots))
            ],
        ),
        (
            "ballot",
            "ballot (a first ballot each)",
            [
                request_line("POST", f"/api/v1/polls/{fx['polls'][p]}/ballots", voters[i], {"choice": "yes"})
                for i, p in ballots
            ],
        ),
        (
            "signup",
            "shift sign-up (a first each)",
            [request_line("POST", f"/api/v1/shifts/{fx['shifts'][s]}/signups", voters[i]) for i, s in signups],
        ),
    ]
    return [Endpoint(key, label, "write", lines, wrap=False, kind=key) for key, label, lines in writes]


WRITE_KEYS = ("comment", "report", "ballot", "signup")
HELLO = Endpoint("hello", "GET /hello", "baseline", [request_line("GET", "/hello")])
INSERT = Endpoint("insert", "POST /insert", "baseline", [request_line("POST", "/insert")], kind="insert")


def public_project_ids(port: int, cid: int) -> list[int]:
    _, data, _ = http_request(port, "GET", f"/api/v1/communities/{cid}/projects?limit=50")
    return [item["id"] for item in data["items"]]


def find_write_targets(port: int, cid: int, session: Session) -> tuple[int, str]:
    """A project the bench residents may comment on (the first of the public list that takes a comment)
    and the community's first report category."""
    for project_id in public_project_ids(port, cid):
        status, _, _ = http_request(
            port, "POST", f"/api/v1/projects/{project_id}/comments", session, {"body": "压测前的试评论"}
        )
        if status == 201:
            project = project_id
            break
    else:
        raise RuntimeError("no project of the community takes a comment from a verified resident")
    _, data, _ = http_request(port, "GET", f"/api/v1/communities/{cid}/report-categories", session)
    return project, data["items"][0]["key"]


# --- wrk -----------------------------------------------------------------------------------------------


def parse_wrk_output(stdout: str) -> dict:
    """The JSON line the Lua script's done() prints (WRK_JSON {...})."""
    for line in stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line[len("WRK_JSON ") :])
    raise ValueError(f"wrk printed no WRK_JSON line:\n{stdout[-2000:]}")


@dataclass
class Run:
    endpoint: str
    app: str  # linli | baseline
    phase: str  # warmup | measure | profile
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors
    statuses: dict
    cpu_ms_per_request: float
    others_cpu_percent: float  # the rest of the machine's CPU meanwhile, % of all cores
    wrk_cpu_percent: float  # wrk's own CPU, % of one core
    load_average: list[float]
    workers_recycled: int
    exhausted: bool
    issued: int
    acknowledged: int = 0
    missing: int | None = None  # acknowledged writes not found afterwards
    started_at: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class Runner:
    """Runs wrk against one of the two servers and takes the CPU and noise figures around it."""

    def __init__(self, linli: Server, baseline: Server, work: Path, databases: dict[str, str]):
        self.servers = {"linli": linli, "baseline": baseline}
        self.work = work
        self.databases = databases
        self.runs: list[Run] = []
        self.files: dict[str, Path] = {}

    def requests_file(self, endpoint: Endpoint) -> Path:
        if endpoint.key not in self.files:
            path = self.work / f"requests-{endpoint.key}.tsv"
            path.write_text("\n".join(endpoint.lines) + "\n", encoding="utf-8")
            self.files[endpoint.key] = path
        return self.files[endpoint.key]

    def run(self, endpoint: Endpoint, app: str, duration: float, phase: str = "measure", wrk_extra=None) -> Run:
        server = self.servers[app]
        ids_path = self.work / f"ids-{endpoint.key}-{len(self.runs)}.txt" if endpoint.kind else None
        command = [
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{duration:g}s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            server.url,
            "--",
            str(self.requests_file(endpoint)),
            str(endpoint.offset),
            "1" if endpoint.wrap else "0",
            str(ids_path) if ids_path else "-",
        ]
        load = [round(x, 2) for x in os.getloadavg()]
        started = datetime.now(UTC).isoformat(timespec="seconds")
        workers_before = set(server.workers())
        cpu_before = {name: s.cpu_seconds() for name, s in self.servers.items()}
        busy_before, self_before = machine_busy_seconds(), resource.getrusage(resource.RUSAGE_SELF)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.monotonic()
        if wrk_extra:  # a profiler sampling the workers while wrk runs
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wrk_extra()
            stdout, stderr = proc.communicate(timeout=duration + 120)
            returncode = proc.returncode
        else:
            done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
            stdout, stderr, returncode = done.stdout, done.stderr, done.returncode
        wall = time.monotonic() - began
        cpu_after = {name: s.cpu_seconds() for name, s in self.servers.items()}
        busy_after, self_after = machine_busy_seconds(), resource.getrusage(resource.RUSAGE_SELF)
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if returncode != 0:
            raise RuntimeError(f"wrk failed ({returncode}) on {endpoint.key}: {stderr[-2000:]}")
        figures = parse_wrk_output(stdout)
        server_cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_after}
        wrk_cpu = (children_after.ru_utime + children_after.ru_stime) - (
            children_before.ru_utime + children_before.ru_stime
        )
        own_cpu = (self_after.ru_utime + self_after.ru_stime) - (self_before.ru_utime + self_before.ru_stime)
        others = max(0.0, (busy_after - busy_before) - sum(server_cpu.values()) - wrk_cpu - own_cpu)
        requests = figures["requests"]
        seconds = figures["duration_us"] / 1e6
        errors = sum(figures["errors"].values())
        run = Run(
            endpoint=endpoint.key,
            app=app,
            phase=phase,
            rps=requests / seconds if seconds else 0.0,
            p50_ms=figures["latency_us"]["p50"] / 1000,
            p95_ms=figures["latency_us"]["p95"] / 1000,
            p99_ms=figures["latency_us"]["p99"] / 1000,
            requests=requests,
            errors=errors,
            statuses=figures.get("statuses") or {},
            cpu_ms_per_request=1000 * server_cpu[app] / requests if requests else float("nan"),
            others_cpu_percent=100 * others / (wall * (os.cpu_count() or 1)),
            wrk_cpu_percent=100 * wrk_cpu / wall,
            load_average=load,
            workers_recycled=len(workers_before - set(server.workers())),
            exhausted=bool(figures.get("exhausted")),
            issued=figures.get("issued", 0),
            started_at=started,
        )
        if not endpoint.wrap:
            endpoint.offset += run.issued
        if ids_path is not None:
            self.verify_writes(endpoint, run, ids_path)
        self.runs.append(run)
        return run

    def verify_writes(self, endpoint: Endpoint, run: Run, ids_path: Path) -> None:
        keys = [line.strip() for line in ids_path.read_text().splitlines() if line.strip()]
        run.acknowledged = int(run.statuses.get("201", 0))
        url = self.databases["baseline" if endpoint.kind == "insert" else "linli"]
        found = count_present(url, endpoint.kind, [k for k in keys if k != "?"])
        # a 201 whose id the script could not read counts as missing: it cannot be checked
        run.missing = max(run.acknowledged, len(keys)) - found


# How an acknowledged write is found again: its id (or a ballot's receipt hash) among the rows.
PRESENT_SQL = {
    "comment": "SELECT count(*) FROM comments WHERE id IN ({keys})",
    "report": "SELECT count(*) FROM reports WHERE id IN ({keys})",
    "ballot": "SELECT count(*) FROM ballots WHERE receipt_hash IN ({keys})",
    "signup": "SELECT count(*) FROM shift_signups WHERE status <> 'cancelled' AND id IN ({keys})",
    "insert": "SELECT count(*) FROM baseline_rows WHERE id IN ({keys})",
}


def count_present(url: str, kind: str, keys: list[str]) -> int:
    from sqlalchemy import create_engine, text

    values = [int(k) if kind != "ballot" else k for k in keys if kind == "ballot" or k.isdigit()]
    engine = create_engine(url)
    found = 0
    try:
        with engine.connect() as conn:
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                names = ", ".join(f":k{i}" for i in range(len(chunk)))
                params = {f"k{i}": value for i, value in enumerate(chunk)}
                found += conn.execute(text(PRESENT_SQL[kind].format(keys=names)), params).scalar()
    finally:
        engine.dispose()
    return found


def measure_group(runner: Runner, endpoints: list[Endpoint], baseline: Endpoint, args) -> list[dict]:
    """Warm every endpoint up, then B L1 B L2 ... Ln B (`--rounds` times, every other round in reverse);
    each Linli run is paired with the baseline runs on either side of it."""
    for endpoint in [baseline, *endpoints]:
        runner.run(endpoint, "baseline" if endpoint is baseline else "linli", args.warmup, phase="warmup")
    triples: dict[str, list[tuple[Run, Run, Run]]] = {e.key: [] for e in endpoints}
    for round_no in range(args.rounds):
        order = endpoints if round_no % 2 == 0 else list(reversed(endpoints))
        before = runner.run(baseline, "baseline", args.duration)
        for endpoint in order:
            ours = runner.run(endpoint, "linli", args.duration)
            after = runner.run(baseline, "baseline", args.duration)
            triples[endpoint.key].append((before, ours, after))
            log(
                f"  {endpoint.group:9} {endpoint.label:38} Linli {ours.rps:8.1f} req/s p95 {ours.p95_ms:7.1f} ms | "
                f"{baseline.key} {(before.rps + after.rps) / 2:8.1f} req/s "
                f"p95 {(before.p95_ms + after.p95_ms) / 2:6.1f} ms"
                + (f" | errors {ours.errors}" if ours.errors else "")
                + (f" | MISSING {ours.missing}" if ours.missing else "")
            )
            before = after
    return [summarise_endpoint(e, baseline, triples[e.key]) for e in endpoints]


def summarise_endpoint(endpoint: Endpoint, baseline: Endpoint, triples: list[tuple[Run, Run, Run]]) -> dict:
    """One table row from the (baseline before, Linli, baseline after) runs of an endpoint (median over rounds)."""

    def median(values):
        values = [v for v in values if v == v]  # drop NaN
        return statistics.median(values) if values else float("nan")

    base_rps = [(b.rps + a.rps) / 2 for b, _, a in triples]
    base_p95 = [(b.p95_ms + a.p95_ms) / 2 for b, _, a in triples]
    base_cpu = [(b.cpu_ms_per_request + a.cpu_ms_per_request) / 2 for b, _, a in triples]
    ours = [o for _, o, _ in triples]
    row = {
        "key": endpoint.key,
        "label": endpoint.label,
        "group": endpoint.group,
        "baseline": baseline.label,
        "linli_rps": median([o.rps for o in ours]),
        "baseline_rps": median(base_rps),
        "ratio": median([o.rps / b for o, b in zip(ours, base_rps, strict=True) if b]),
        "linli_p50_ms": median([o.p50_ms for o in ours]),
        "linli_p95_ms": median([o.p95_ms for o in ours]),
        "baseline_p95_ms": median(base_p95),
        "p95_ratio": median([o.p95_ms / b for o, b in zip(ours, base_p95, strict=True) if b]),
        "linli_cpu_ms": median([o.cpu_ms_per_request for o in ours]),
        "baseline_cpu_ms": median(base_cpu),
        "errors": sum(o.errors for o in ours),
        "statuses": merge_statuses([o.statuses for o in ours]),
        "others_cpu_percent": max(
            max(b.others_cpu_percent, o.others_cpu_percent, a.others_cpu_percent) for b, o, a in triples
        ),
        "load_average": ours[0].load_average[0],
        "workers_recycled": sum(o.workers_recycled for o in ours),
        "exhausted": any(o.exhausted for o in ours),
    }
    if endpoint.kind:
        row["acknowledged"] = sum(o.acknowledged for o in ours)
        row["missing"] = sum(o.missing or 0 for o in ours)
    row["met"], row["verdict"] = evaluate(row)
    return row


def merge_statuses(many: list[dict]) -> dict:
    merged: dict[str, int] = {}
    for statuses in many:
        for status, n in statuses.items():
            merged[status] = merged.get(status, 0) + n
    return merged


def evaluate(row: dict) -> tuple[bool, str]:
    """Issue 17's targets for one row: throughput against the baseline; p95 for reads; writes all present."""
    reasons = []
    target = TARGETS[row["group"]]
    if not row["ratio"] >= target:
        reasons.append(f"req/s {row['ratio']:.0%} < {target:.0%}")
    if row["group"] != "write" and not row["p95_ratio"] <= P95_LIMIT:
        reasons.append(f"p95 {row['p95_ratio']:.1f}x > {P95_LIMIT:g}x")
    if row["group"] == "write" and (row.get("missing") or row.get("exhausted")):
        reasons.append(f"{row.get('missing')} acknowledged writes missing" if row.get("missing") else "pairs ran out")
    if row["errors"]:
        reasons.append(f"{row['errors']} errors")
    return (not reasons), ("met" if not reasons else "not met: " + "; ".join(reasons))


# --- profiles ------------------------------------------------------------------------------------------


def frame_package(file: str) -> str:
    """A readable owner of a frame's file: the package under site-packages, backend.<domain>, or stdlib."""
    path = file.replace("\\", "/")
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    match = re.search(r"(?:^|/)(backend|bench)/([^/]+)", path)
    if match:
        return f"{match.group(1)}.{match.group(2).removesuffix('.py')}"
    if re.search(r"/python3\.\d+/", path):
        return "stdlib"
    return path or "native"


def summarise_speedscope(profile: dict, top: int = 15) -> dict:
    """Self time per function (the frame on top of each sample), inclusive time of the app's own functions,
    and self time per package, all as shares of the samples of every thread of every worker."""
    frames = profile["shared"]["frames"]
    self_weight: dict[int, float] = {}
    inclusive: dict[int, float] = {}
    total = 0.0
    for prof in profile["profiles"]:
        for stack, weight in zip(prof["samples"], prof["weights"], strict=True):
            if not stack:
                continue
            total += weight
            self_weight[stack[-1]] = self_weight.get(stack[-1], 0) + weight
            for index in set(stack):
                inclusive[index] = inclusive.get(index, 0) + weight

    def name(index: int) -> str:
        frame = frames[index]
        file = frame.get("file") or ""
        short = re.sub(r".*/(site-packages|python3\.\d+)/", "", file)
        short = re.sub(r".*/(backend|bench)/", r"\1/", short)
        return f"{frame['name']} ({short}:{frame.get('line', '')})" if file else frame["name"]

    packages: dict[str, float] = {}
    for index, weight in self_weight.items():
        package = frame_package(frames[index].get("file") or "")
        packages[package] = packages.get(package, 0) + weight
    share = (lambda w: round(100 * w / total, 1)) if total else (lambda w: 0.0)
    app_frames = [i for i in inclusive if frame_package(frames[i].get("file") or "").startswith("backend.")]
    return {
        "samples": total,
        "self_top": [(name(i), share(w)) for i, w in sorted(self_weight.items(), key=lambda kv: -kv[1])[:top]],
        "packages_self": [(p, share(w)) for p, w in sorted(packages.items(), key=lambda kv: -kv[1])[:top]],
        "app_inclusive_top": [
            (name(i), share(inclusive[i])) for i in sorted(app_frames, key=lambda i: -inclusive[i])[:top]
        ],
    }


def profile_endpoints(runner: Runner, endpoints: list[Endpoint], out_dir: Path, seconds: float) -> dict:
    """py-spy over every Linli worker (--subprocesses of the master) while wrk sends the endpoint's requests."""
    out_dir.mkdir(parents=True, exist_ok=True)
    master = runner.servers["linli"].proc.pid
    results = {}
    for endpoint in endpoints:
        target = out_dir / f"{endpoint.key}.speedscope.json"
        recorded: dict = {}

        def record(target=target, recorded=recorded):
            time.sleep(1.5)  # let wrk's connections open first
            done = subprocess.run(
                [str(BIN / "py-spy"), "record", "--pid", str(master), "--subprocesses", "--rate", "100"]
                + ["--duration", f"{seconds:g}", "--format", "speedscope", "--output", str(target), "--nonblocking"],
                capture_output=True,
                text=True,
                timeout=seconds + 120,
            )
            recorded["returncode"], recorded["stderr"] = done.returncode, done.stderr[-1500:]

        run = runner.run(endpoint, "linli", seconds + 4, phase="profile", wrk_extra=record)
        if recorded.get("returncode") != 0 or not target.exists():
            results[endpoint.key] = {"error": recorded.get("stderr") or "py-spy wrote nothing"}
            continue
        summary = summarise_speedscope(json.loads(target.read_text()))
        summary["speedscope"] = str(target.relative_to(ROOT)) if target.is_relative_to(ROOT) else str(target)
        summary["rps_while_profiled"] = round(run.rps, 1)
        (out_dir / f"{endpoint.key}.top.txt").write_text(render_profile_text(endpoint.label, summary))
        results[endpoint.key] = summary
    return results


def render_profile_text(label: str, summary: dict) -> str:
    lines = [f"{label}: {summary['samples']:.0f} samples over all workers (py-spy --nonblocking, 100 Hz)", ""]
    for title, key in (
        ("self time by package", "packages_self"),
        ("self time by function", "self_top"),
        ("inclusive time of the app's functions", "app_inclusive_top"),
    ):
        lines.append(f"{title}:")
        lines += [f"  {share:5.1f}%  {name}" for name, share in summary[key]]
        lines.append("")
    return "\n".join(lines)


# --- the report ----------------------------------------------------------------------------------------


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value is None or value != value else f"{value:,.{digits}f}"


def short(subject: str, length: int = 72) -> str:
    """A commit subject cut to `length` characters (ours run long)."""
    return subject if len(subject) <= length else subject[: length - 1].rstrip() + "…"


def render_markdown(report: dict) -> str:
    """The docs section: what was measured, where, the table, the PWA figures and the profiles' top frames."""
    meta, machine, source = report["meta"], report["machine"], report["source"]
    lines = [
        f"**{meta['title']}** — {meta['date']}, {source['source']} at `{source['commit']}` "
        f"({short(source['subject'])}); "
        f"{meta['database']}; gunicorn.conf.py: {meta['gunicorn']}{memory_words(meta.get('memory'))}; "
        f"wrk: 1 thread, {CONNECTIONS} connections, "
        f"{meta['duration']:g} s per run after a {meta['warmup']:g} s warm-up, {meta['rounds']} round(s), baseline and "
        f"Linli alternated. Machine: {machine['cpus']} × {machine['cpu_model']}, {machine['memory_gib']} GiB; "
        f"**load average at the start {' / '.join(fmt(x, 2) for x in meta['load_average_start'])}**; the rest of the "
        f"machine used {fmt(meta['others_cpu_median'], 0)}% of its CPU during the median run "
        f"(max {fmt(meta['others_cpu_max'], 0)}%). Took {meta['minutes']:.1f} min.",
        "",
        "| endpoint | Linli req/s | baseline req/s | ratio | Linli p95 ms | baseline p95 ms | p95 ratio "
        "| CPU ms/req Linli | CPU ms/req baseline | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for group in ("visitor", "signed_in", "write"):
        rows = [r for r in report["rows"] if r["group"] == group]
        if not rows:
            continue
        baseline = "POST /insert" if group == "write" else "GET /hello"
        p95_note = "" if group != "write" else ", p95 not a target"
        lines.append(
            f"| ***{GROUP_TITLES[group]}*** (vs `{baseline}`, target ≥ {TARGETS[group]:.0%}{p95_note}) "
            "| | | | | | | | | |"
        )
        for r in rows:
            extra = ""
            if "acknowledged" in r:
                extra = f"; {r['acknowledged'] - r['missing']:,}/{r['acknowledged']:,} writes present"
            lines.append(
                f"| {r['label']} | {fmt(r['linli_rps'])} | {fmt(r['baseline_rps'])} | {r['ratio']:.0%} | "
                f"{fmt(r['linli_p95_ms'])} | {fmt(r['baseline_p95_ms'])} | {fmt(r['p95_ratio'])}× | "
                f"{fmt(r['linli_cpu_ms'], 2)} | {fmt(r['baseline_cpu_ms'], 2)} | {r['verdict']}{extra} |"
            )
    lines.append("")
    pwa = report.get("pwa") or {}
    if "first_load" in pwa:
        load = pwa["first_load"]
        page, precache = load["totals"]["page"], load["totals"]["precache"]
        lines.append(
            f"**PWA first load** (a visitor opens `/` in a new Chromium context): the page fetches "
            f"{page['requests']} files, {page['as_served_bytes'] / 1024:,.0f} KB as served "
            f"({', '.join(load['content_encodings'])}), {page['gzip_bytes'] / 1024:,.0f} KB gzipped, "
            f"{fmt((page['brotli_bytes'] or 0) / 1024, 0)} KB brotli; then the service worker precaches "
            f"{precache['requests']} files, {precache['as_served_bytes'] / 1024:,.0f} KB as served "
            f"({precache['gzip_bytes'] / 1024:,.0f} KB gzipped). Target ≤ 60 KB for the page "
            f"({load['judged_on']}): **{'met' if load['met'] else 'not met'}** ({load['judged_bytes'] / 1024:,.0f} KB)."
        )
        lines.append("")
    if pwa.get("lighthouse"):
        lighthouse = pwa["lighthouse"]
        if "error" in lighthouse:
            lines.append(f"**Lighthouse**: not run ({lighthouse['error']}).")
        else:
            parts = []
            for name, page in lighthouse.items():
                if "error" in page:
                    parts.append(f"{name} `{page['path']}` failed")
                    continue
                metrics = ", ".join(f"{k.replace('-', ' ')} {v}" for k, v in page["metrics"].items())
                ended = "" if page["final_path"] == page["path"] else f", ended on `{page['final_path']}`"
                runs = ""
                if len(page.get("scores") or []) > 1:  # the median run's metrics, every run's score and load
                    loads = ", ".join(fmt(x, 1) for x in page["load_averages"] if x is not None)
                    runs = f"; runs {', '.join(str(x) for x in page['scores'])} at load {loads}"
                parts.append(f"{name} `{page['path']}` **{page['score']}** ({metrics}{ended}{runs})")
            lines.append(
                "**Lighthouse mobile performance** (simulated throttling, signed in as a resident, the median of "
                "the runs; target ≥ 95): " + "; ".join(parts) + "."
            )
        lines.append("")
    if report.get("profiles"):
        lines.append("**Where the CPU goes** (py-spy over all workers, the slowest endpoints; self time by package):")
        lines.append("")
        for key, summary in report["profiles"].items():
            label = next((r["label"] for r in report["rows"] if r["key"] == key), key)
            if "error" in summary:
                lines.append(f"- {label}: profile failed ({summary['error'][:200]})")
                continue
            packages = ", ".join(f"{p} {s:.0f}%" for p, s in summary["packages_self"][:7])
            app = "; ".join(f"`{n.split(' (')[0]}` {s:.0f}%" for n, s in summary["app_inclusive_top"][:4])
            lines.append(f"- {label}: {packages}. App functions (inclusive): {app}.")
        lines.append("")
    if report.get("notes"):
        lines += [f"- {note}" for note in report["notes"]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def memory_words(memory: dict | None) -> str:
    """The words after the gunicorn settings: Linli's workers' resident memory after the runs (or nothing)."""
    linli = (memory or {}).get("linli") or {}
    if not linli:
        return ""
    return f", Linli's workers {linli['rss_mib_per_worker']:,.0f} MiB resident each after the runs"


def render_console(report: dict) -> str:
    header = (
        f"{'endpoint':<44}{'Linli r/s':>10}{'base r/s':>10}{'ratio':>7}{'L p95':>8}{'B p95':>8}{'p95 x':>7}"
        f"{'L cpu ms':>9}{'B cpu ms':>9}  target"
    )
    lines = [header, "-" * len(header)]
    for r in report["rows"]:
        lines.append(
            f"{(GROUP_TITLES[r['group']].split()[0] + ' ' + r['label'])[:43]:<44}{r['linli_rps']:>10.1f}"
            f"{r['baseline_rps']:>10.1f}{r['ratio']:>7.0%}{r['linli_p95_ms']:>8.1f}{r['baseline_p95_ms']:>8.1f}"
            f"{r['p95_ratio']:>7.1f}{r['linli_cpu_ms']:>9.2f}{r['baseline_cpu_ms']:>9.2f}  {r['verdict']}"
        )
    return "\n".join(lines)


def replace_docs_section(text: str, name: str, content: str) -> str:
    """`text` with the part between <!-- bench:NAME:start --> and <!-- bench:NAME:end --> replaced by
    `content`; the marked section is appended at the end when it does not exist yet."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{content.rstrip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        return before + block + after
    return text.rstrip() + "\n\n" + block + "\n"


# --- the whole run -------------------------------------------------------------------------------------


def prepare_database(args, work: Path, app_dir: Path, env: dict) -> tuple[str, str, dict]:
    """(Linli's database URL, the baseline's, timings): migrated and filled."""
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    timings = {}
    if args.db == "sqlite":
        url = f"sqlite:///{work / 'linli.db'}"
        baseline_url = f"sqlite:///{work / 'baseline.db'}"
    else:
        url = args.database_url or os.environ.get("TEST_DATABASE_URL")
        if not url:
            raise SystemExit(
                "--db postgres needs --database-url or TEST_DATABASE_URL (run it inside scripts/test-services)"
            )
        baseline_url = url
    full_env = {**os.environ, **env, "DATABASE_URL": url}
    began = time.monotonic()
    subprocess.run([*flask, "db", "upgrade"], cwd=app_dir, env=full_env, check=True, capture_output=True)
    if args.db == "sqlite":
        subprocess.run([*flask, "seed-demo"], cwd=app_dir, env=full_env, check=True, capture_output=True)
        timings["seed_demo_s"] = round(time.monotonic() - began, 1)
    elif not args.skip_generate:
        log(f"generating the district at scale {args.scale} (bench/generate.py) ...")
        subprocess.run(
            [
                str(BIN / "python"),
                str(app_dir / "bench" / "generate.py"),
                "--database-url",
                url,
                "--scale",
                str(args.scale),
            ],
            cwd=app_dir,
            env=full_env,
            check=True,
        )
        timings["generate_s"] = round(time.monotonic() - began, 1)
    from bench.baseline_app import create_schema

    create_schema(baseline_url)
    return url, baseline_url, timings


def voters_needed(args) -> int:
    """Enough voters that (voter, poll) pairs outlast every second of ballot runs at PAIRS_PER_SECOND."""
    seconds = args.rounds * args.duration + args.warmup + (args.profile_seconds + 4 if args.profiles else 0)
    return max(30, -(-int(seconds * PAIRS_PER_SECOND) // POLLS))


def make_fixtures(work: Path, app_dir: Path, env: dict, url: str, voters: int, polls: int, shifts: int) -> dict:
    """bench/wrk_fixtures.py in the environment of the Linli under test; its JSON."""
    out = work / f"fixtures-{voters}.json"
    began = time.monotonic()
    subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "wrk_fixtures.py"), str(out)]
        + ["--voters", str(voters), "--polls", str(polls), "--shifts", str(shifts)],
        cwd=app_dir,
        env={
            **os.environ,
            **env,
            "DATABASE_URL": url,
            "JOBS_INLINE": "1",
            "LINLI_APP_DIR": str(app_dir),
            # cheap hashes here; the server rehashes with its own settings at each voter's first sign-in
            "PASSWORD_HASH_TIME_COST": "1",
            "PASSWORD_HASH_MEMORY_KIB": "1024",
        },
        check=True,
    )
    fixtures = json.loads(out.read_text())
    fixtures["seconds"] = round(time.monotonic() - began, 1)
    return fixtures


def gunicorn_settings(conf: Path) -> str:
    """workers × threads (class), as gunicorn.conf.py computes them in this environment."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_gunicorn_conf", conf)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.environ.pop("LINLI_WEB_WORKER", None)  # the config file sets it for the servers, not for us
    return (
        f"{module.workers} workers × {module.threads} threads ({module.worker_class}), "
        f"max_requests {module.max_requests} ± {module.max_requests_jitter}"
    )


def gunicorn_environment(args) -> dict[str, str]:
    """The environment variables of gunicorn.conf.py that --worker-class, --threads and --workers set."""
    chosen = {
        "GUNICORN_WORKER_CLASS": args.worker_class,
        "GUNICORN_THREADS": args.threads,
        "WEB_CONCURRENCY": args.workers,
    }
    return {name: str(value) for name, value in chosen.items() if value is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=float, default=0.01, help="district scale for --db postgres (default 0.01)")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: TEST_DATABASE_URL of scripts/test-services)")
    parser.add_argument("--skip-generate", action="store_true", help="the PostgreSQL database already holds a district")
    parser.add_argument("--duration", type=float, default=15, help="seconds per measured run (default 15)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per endpoint (default 2)")
    parser.add_argument("--rounds", type=int, default=1, help="times the alternation is repeated (median taken)")
    parser.add_argument("--only", help="comma-separated endpoint keys (projects,reports,...,comment,ballot)")
    parser.add_argument("--profile-seconds", type=float, default=8, help="py-spy seconds per profiled endpoint")
    parser.add_argument("--profiles", type=int, default=3, help="how many of the slowest endpoints to profile")
    parser.add_argument("--no-pwa", action="store_true", help="skip the first-load measurement and Lighthouse")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a check that everything runs (3 s runs, 1 s warm-up, 3 s profiles, one Lighthouse run per page, "
        "3-5 minutes), figures not for comparing",
    )
    parser.add_argument(
        "--worker-class",
        choices=("gthread", "sync"),
        help="gunicorn worker class for both servers (GUNICORN_WORKER_CLASS; default: gunicorn.conf.py's)",
    )
    parser.add_argument("--threads", type=int, help="threads per gthread worker, both servers (GUNICORN_THREADS)")
    parser.add_argument("--workers", type=int, help="gunicorn workers of each server (WEB_CONCURRENCY)")
    parser.add_argument("--json", type=Path, help="also write the run's JSON here (bench/output/latest.json is shared)")
    parser.add_argument("--at-commit", help="measure this commit's committed files (git archive) instead of the tree")
    parser.add_argument("--title", default="Latest `make bench` run")
    parser.add_argument(
        "--docs-section",
        default="latest",
        help="the marked section of docs/benchmarks.md to replace; 'none' leaves the docs alone (default latest)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.profile_seconds = 3, 1, 3
        # one profile shows the profiler works: three took 135 s at a load average of 25 (py-spy's start-up)
        args.profiles = min(args.profiles, 1)
        if args.docs_section == "latest":
            args.docs_section = "none"
    # Through the environment variables gunicorn.conf.py reads, so that both servers (and the settings named in
    # the report) get exactly what a deployment setting them would get.
    os.environ.update(gunicorn_environment(args))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (Debian package wrk)")

    began = time.monotonic()
    load_start = [round(x, 2) for x in os.getloadavg()]
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    work = Path(tempfile.mkdtemp(prefix="linli-bench-"))
    app_dir = export_commit(args.at_commit, work) if args.at_commit else ROOT
    conf = app_dir / "gunicorn.conf.py"
    env = {
        "LINLI_INSTANCE_DIR": str(work / "instance"),
        "UPLOAD_DIR": str(work / "uploads"),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "REDIS_URL": "",
        **RAISED_LIMITS,
    }
    log(f"load average {load_start}; work directory {work}; measuring {app_dir}")
    url, baseline_url, timings = prepare_database(args, work, app_dir, env)
    fixtures = make_fixtures(work, app_dir, env, url, 0, 0, 0)
    log(f"database ready ({args.db}, {timings}); community {fixtures['cid']}, {len(fixtures['readers'])} readers")
    linli = Server("Linli", "wsgi:app", app_dir, conf, {**env, "DATABASE_URL": url}, work / "linli-gunicorn.log")
    baseline = Server(
        "baseline",
        "bench.baseline_app:app",
        ROOT,
        conf,
        {**env, "BASELINE_DATABASE_URL": baseline_url},
        work / "baseline-gunicorn.log",
    )
    report: dict = {}
    try:
        linli.wait_ready("/healthz")
        baseline.wait_ready("/hello")
        wanted = {k.strip() for k in args.only.split(",")} if args.only else None
        cid = fixtures["cid"]
        readers = sign_in_all(linli.port, fixtures["readers"])
        project = public_project_ids(linli.port, cid)[0]
        endpoints = [
            e for e in read_endpoints(cid, fixtures["results_poll"], project, readers) if not wanted or e.key in wanted
        ]
        check_endpoints(linli.port, endpoints)
        log(f"signed in {len(readers)} readers; project {project}")
        runner = Runner(linli, baseline, work, {"linli": url, "baseline": baseline_url})
        rows = []
        # Reads first, on the data as seeded: the write fixtures (open polls, new residents) and the write
        # runs' rows would change what the read pages show.
        if endpoints:
            log(f"reads: {len(endpoints)} endpoints against {HELLO.label}")
            rows += measure_group(runner, endpoints, HELLO, args)
        writes = [e for e in WRITE_KEYS if not wanted or e in wanted]
        if writes:
            extra = make_fixtures(work, app_dir, env, url, voters_needed(args), POLLS, SHIFTS)
            fixtures.update(polls=extra["polls"], shifts=extra["shifts"], voters=extra["voters"])
            timings["write_fixtures_s"] = extra["seconds"]
            voters = sign_in_all(linli.port, extra["voters"])
            comment_project, category = find_write_targets(linli.port, cid, voters[0])
            chosen = [e for e in write_endpoints(fixtures, voters, comment_project, category) if e.key in writes]
            log(
                f"write fixtures in {extra['seconds']} s: {len(voters)} voters signed in, {len(extra['polls'])} polls, "
                f"{len(extra['shifts'])} shifts; comments on project {comment_project}, reports in {category}"
            )
            log(f"writes: {len(chosen)} endpoints against {INSERT.label}")
            rows += measure_group(runner, chosen, INSERT, args)
            endpoints += chosen
        profiles = {}
        if args.profiles:
            slowest = sorted(rows, key=lambda r: r["linli_rps"])[: args.profiles]
            log("profiling " + ", ".join(r["label"] for r in slowest))
            by_key = {e.key: e for e in endpoints}
            profiles = profile_endpoints(
                runner, [by_key[r["key"]] for r in slowest], OUTPUT / "profiles", args.profile_seconds
            )
        pwa = {}
        if not args.no_pwa:
            log("PWA first load and Lighthouse")
            pwa = measure_pwa(linli, fixtures, readers, project, work, lighthouse_runs=1 if args.quick else 3)
        memory = {name: server_memory(server) for name, server in runner.servers.items()}
        measured = [r for r in runner.runs if r.phase == "measure"]
        others = [r.others_cpu_percent for r in measured]
        report = {
            "meta": {
                "title": args.title,
                "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "database": "SQLite (WAL) with the demo data"
                if args.db == "sqlite"
                else f"PostgreSQL district at scale {args.scale} (community {fixtures['cid']})",
                "gunicorn": gunicorn_settings(conf),
                "memory": memory,
                "duration": args.duration,
                "warmup": args.warmup,
                "rounds": args.rounds,
                "load_average_start": load_start,
                "others_cpu_median": statistics.median(others) if others else float("nan"),
                "others_cpu_max": max(others) if others else float("nan"),
                "minutes": (time.monotonic() - began) / 60,
                "timings": timings,
                "fixtures": {k: (len(v) if isinstance(v, list) else v) for k, v in fixtures.items()},
            },
            "machine": machine_description(),
            "source": source_description(app_dir, args.at_commit),
            "rows": rows,
            "profiles": profiles,
            "pwa": pwa,
            "runs": [r.as_dict() for r in runner.runs],
        }
        report["notes"] = notes_for(report)
    finally:
        linli.stop()
        baseline.stop()
    print()
    print(render_console(report))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(report)
    for path in (OUTPUT / f"bench-{stamp}.json", OUTPUT / "latest.json"):
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    (OUTPUT / "latest.md").write_text(markdown)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    print()
    print(markdown)
    if args.docs_section != "none":
        DOCS.write_text(
            replace_docs_section(DOCS.read_text(encoding="utf-8"), args.docs_section, markdown), encoding="utf-8"
        )
        log(f"wrote the '{args.docs_section}' section of {DOCS.relative_to(ROOT)}")
    log(f"JSON: {OUTPUT / 'latest.json'}; profiles: {OUTPUT / 'profiles'}; logs: {work}")
    return 0


def check_endpoints(port: int, endpoints: list[Endpoint]) -> None:
    """Every read answers 200 before it is measured (a 401 measured at speed would be a fine figure of nothing)."""
    for endpoint in endpoints:
        if endpoint.group == "write":
            continue
        method, path, cookie, csrf, _ = endpoint.lines[0].split("\t")
        session = Session("", cookie, csrf) if cookie else None
        status, data, _ = http_request(port, method, path, session)
        if status != 200:
            raise RuntimeError(f"{endpoint.label}: {method} {path} answers {status} {str(data)[:200]}")


def measure_pwa(
    linli: Server, fixtures: dict, readers: list[Session], project: int, work: Path, lighthouse_runs: int = 3
) -> dict:
    cid = fixtures["cid"]
    _, board, _ = http_request(linli.port, "GET", f"/api/v1/communities/{cid}/reports?limit=1")
    pages = {"home": "/", "project": f"/projects/{project}", "poll": f"/polls/{fixtures['results_poll']}"}
    if board and board.get("items"):
        pages["report"] = f"/reports/{board['items'][0]['id']}"
    result = {}
    try:
        result["first_load"] = first_load(linli.url)
    except Exception as error:  # noqa: BLE001 (reported in the table, the wrk figures still count)
        result["first_load_error"] = repr(error)
    result["lighthouse"] = lighthouse_performance(
        linli.url, pages, OUTPUT / "lighthouse", readers[0].cookie, runs=lighthouse_runs
    )
    return result


def notes_for(report: dict) -> list[str]:
    """What may make this run's figures less reliable, in words."""
    notes = []
    rows = report["rows"]
    noisy = [r["label"] for r in rows if r["others_cpu_percent"] > 25]
    if noisy:
        notes.append(
            "Other processes took more than 25% of the machine during the runs of: "
            + ", ".join(noisy)
            + " (see the JSON)."
        )
    recycled = sum(r["workers_recycled"] for r in rows)
    if recycled:
        notes.append(
            f"gunicorn recycled {recycled} Linli workers during the measured runs (max_requests); the restarts' "
            "CPU (importing the app) is in the CPU per request."
        )
    errors = {r["label"]: r["statuses"] for r in rows if r["errors"]}
    if errors:
        notes.append(f"Non-2xx answers: {errors}.")
    wrk_cpu = [r["wrk_cpu_percent"] for r in report["runs"] if r["phase"] == "measure"]
    if wrk_cpu:
        notes.append(f"wrk itself used {max(wrk_cpu):.0f}% of one core at most (the same two cores as the servers).")
    return notes


if __name__ == "__main__":
    sys.exit(main())
