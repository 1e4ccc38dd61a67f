"""Voting benchmark (prints figures; not a test).

    .venv/bin/python bench/voting_bench.py [--residents 10000] [--clients 16] [--workers 2]

1. A community of N verified residents (bulk insert) in a SQLite file in a temp dir.
2. gunicorn on 127.0.0.1 (a free port); every resident casts one ranked ballot through the HTTP API
   (POST /api/v1/polls/{id}/ballots) from a bounded pool of concurrent clients; ballots/s, p50/p95.
   Every resident signs in first (POST /auth/login, not timed), so the run measures ballots only.
3. The close: the first GET of the results after closes_at tallies and freezes them; its time.
4. Pure tallies: 100,000 ranked ballots over 12 options (instant runoff) and 100,000 budget ballots
   over 30 projects (greedy, equal shares).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_PASSWORD = "bench-pass-2026"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(tmp: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "LINLI_INSTANCE_DIR": str(tmp / "instance"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "RATELIMIT_ENABLED": "0",
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "1024",
        "JOBS_INLINE": "1",
    }


def build_community(residents: int):
    """Migrate, then bulk-insert a community with `residents` verified members and open a ranked poll."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, update

    from backend import create_app
    from backend.accounts.models import User
    from backend.communities.models import Community, Grid, Household, Membership
    from backend.core.db import commit, utcnow
    from backend.extensions import db
    from backend.voting import services
    from backend.voting.models import Poll

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        started = time.perf_counter()
        now = utcnow()
        community = Community(name="基准社区", description="", settings={})
        db.session.add(community)
        db.session.flush()
        grid = Grid(community_id=community.id, number=1, name="一网格")
        db.session.add(grid)
        db.session.flush()
        from backend.accounts.passwords import hash_password

        fake_hash = hash_password(BENCH_PASSWORD)  # one (cheap) hash for everybody: inserting stays fast
        rows = [
            {
                "email": f"bench{i}@example.test",
                "password_hash": fake_hash,
                "display_name": f"居民{i}",
                "locale": "zh-CN",
                "care_mode": False,
                "timezone": "Asia/Shanghai",
                "is_platform_admin": False,
                "session_version": 1,
                "created_at": now,
            }
            for i in range(residents + 1)
        ]
        db.session.execute(insert(User), rows)
        user_ids = [uid for (uid,) in db.session.execute(db.select(User.id).order_by(User.id))]
        db.session.execute(
            insert(Household),
            [
                {
                    "community_id": community.id,
                    "building": str(1 + i // 400),
                    "unit": str(1 + i // 100 % 4),
                    "room": str(101 + i % 100),
                }
                for i in range(residents + 1)
            ],
        )
        household_ids = [hid for (hid,) in db.session.execute(db.select(Household.id).order_by(Household.id))]
        db.session.execute(
            insert(Membership),
            [
                {
                    "user_id": uid,
                    "community_id": community.id,
                    "role": "committee" if n == 0 else "resident",
                    "status": "verified",
                    "household_id": hid,
                    "grid_id": grid.id,
                    "joined_at": now,
                    "verified_at": now,
                }
                for n, (uid, hid) in enumerate(zip(user_ids, household_ids, strict=False))
            ],
        )
        commit()
        inserted = time.perf_counter() - started
        committee = db.session.get(User, user_ids[0])
        options = [{"label": f"方案{n + 1}"} for n in range(12)]
        started = time.perf_counter()
        poll = services.create_poll(
            committee,
            community.id,
            title="小区改造方案排序",
            method="ranked",
            options=options,
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(days=1),
            secret=True,
        )
        commit()
        created = time.perf_counter() - started
        poll_id, option_ids = poll.id, [o.id for o in poll.options]
        print(
            f"community: {residents:,} verified residents inserted in {inserted:.2f} s; "
            f"poll opened (and {residents:,} residents notified) in {created:.2f} s"
        )

        def end_poll():
            with app.app_context():
                later = utcnow()
                db.session.execute(
                    update(Poll).where(Poll.id == poll_id).values(opens_at=later - timedelta(days=1), closes_at=later)
                )
                commit()

        logins = [f"bench{i}@example.test" for i in range(1, residents + 1)]
        return poll_id, option_ids, logins, end_poll


def start_server(env: dict, workers: int, threads: int):
    port = _free_port()
    log = open(Path(env["LINLI_INSTANCE_DIR"]).parent / "gunicorn.log", "wb")  # noqa: SIM115 (lives with the server)
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "wsgi:app",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import requests

    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def sign_in_everyone(base: str, logins: list[str], clients: int) -> list:
    """One signed-in HTTP session (cookie + CSRF token) per resident."""
    import requests

    def sign_in(login: str):
        session = requests.Session()
        token = session.get(f"{base}/api/v1/auth/session").json()["csrf_token"]
        response = session.post(
            f"{base}/api/v1/auth/login",
            json={"login": login, "password": BENCH_PASSWORD},
            headers={"X-CSRF-Token": token},
        )
        response.raise_for_status()
        session.headers["X-CSRF-Token"] = session.get(f"{base}/api/v1/auth/session").json()["csrf_token"]
        return session

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        sessions = list(pool.map(sign_in, logins))
    print(
        f"sign-in: {len(sessions):,} residents signed in (not part of the ballot figures) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return sessions


def cast_ballots(base: str, poll_id: int, option_ids: list[int], sessions: list, clients: int) -> dict:
    rng = random.Random(7)
    bodies = [{"ranking": rng.sample(option_ids, rng.randint(1, 6))} for _ in sessions]

    def cast(index: int):
        started = time.perf_counter()
        response = sessions[index].post(f"{base}/api/v1/polls/{poll_id}/ballots", json=bodies[index])
        return response.status_code, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(cast, range(len(sessions))))
    elapsed = time.perf_counter() - started
    latencies = sorted(latency for _, latency in results)
    statuses: dict = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"ballots: {len(results):,} through HTTP with {clients} concurrent clients in {elapsed:.1f} s → "
        f"{len(results) / elapsed:,.0f} ballots/s; latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms; statuses {statuses}"
    )
    return statuses


def tally_benchmarks():
    from backend.voting import tally

    rng = random.Random(42)
    options = list(range(1, 13))
    popularity = [rng.random() + 0.2 for _ in options]
    ranked = []
    for _ in range(100_000):
        length = rng.randint(1, 12)
        ranking = []
        pool, weights = options[:], popularity[:]
        for _ in range(length):  # popularity-weighted order without replacement
            choice = rng.choices(range(len(pool)), weights)[0]
            ranking.append(pool.pop(choice))
            weights.pop(choice)
        ranked.append(ranking)
    started = time.perf_counter()
    result = tally.tally_ranked(ranked, options)
    print(
        f"tally ranked: 100,000 ballots over 12 options in {time.perf_counter() - started:.2f} s "
        f"({len(result['rounds'])} rounds, winner option {result['winners']})"
    )

    costs = {p: rng.randint(5, 80) * 1000_00 for p in range(1, 31)}
    appeal = {p: rng.random() for p in costs}
    budget = sum(costs.values()) // 3
    ballots = [
        [p for p in costs if rng.random() < appeal[p] * 0.4] or [rng.choice(list(costs))] for _ in range(100_000)
    ]
    for rule in (tally.tally_budget_greedy, tally.tally_budget_equal_shares):
        started = time.perf_counter()
        result = rule(ballots, costs, budget, list(costs))
        print(
            f"tally budget {result['rule']}: 100,000 ballots over 30 projects in "
            f"{time.perf_counter() - started:.2f} s ({len(result['funded'])} funded, "
            f"{result['money_used'] / budget:.0%} of the budget used)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()

    if not args.skip_http:
        tmp = Path(tempfile.mkdtemp(prefix="linli-bench-"))
        env = _environment(tmp)
        os.environ.update(env)
        poll_id, option_ids, logins, end_poll = build_community(args.residents)
        proc, base = start_server(env, args.workers, args.threads)
        try:
            print(f"server: gunicorn -w {args.workers} -k gthread --threads {args.threads}, SQLite (WAL) in {tmp}")
            sessions = sign_in_everyone(base, logins, args.clients)
            cast_ballots(base, poll_id, option_ids, sessions, args.clients)
            import requests

            again = sessions[0].post(f"{base}/api/v1/polls/{poll_id}/ballots", json={"ranking": option_ids[:1]})
            print(f"a second ballot from the same resident: {again.status_code} {again.json()['code']}")
            end_poll()
            started = time.perf_counter()
            results = requests.get(f"{base}/api/v1/polls/{poll_id}/results").json()
            print(
                f"close: first GET of the results after closes_at tallied and froze {results['voters']:,} ballots "
                f"in {(time.perf_counter() - started) * 1000:.0f} ms ({len(results['rounds'])} IRV rounds, "
                f"turnout {results['turnout']:.1%})"
            )
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    tally_benchmarks()


if __name__ == "__main__":
    main()
