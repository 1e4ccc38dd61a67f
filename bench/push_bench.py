"""Push fan-out benchmark: one urgent community-wide notice to 10,000 subscribed devices.

    .venv/bin/python bench/push_bench.py                  # in-process job pool (the default deployment)
    .venv/bin/python bench/push_bench.py --mode rq        # Redis + `rq worker --with-scheduler` processes
    .venv/bin/python bench/push_bench.py --devices 2000 --mode both

What it does: a fresh SQLite database in a temp dir; 10,000 verified residents of one community, each
with one push subscription on the local push service of tests/push_service.py (real P-256 keys: a few
hundred key pairs shared across the endpoints; every payload is decrypted and the VAPID JWT checked);
gunicorn on 127.0.0.1; the committee member signs in and publishes an urgent notice through
POST /api/v1/communities/{cid}/notices (backend/notices). It prints the web request's latency (it must
not wait for the fan-out), the time until the push service has accepted every push, and pushes/s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-2026"


def _env(tmp: Path, extra: dict | None = None) -> dict:
    return {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "LINLI_INSTANCE_DIR": str(tmp / "instance"),
        "SECRET_KEY": "bench-secret",
        "RATELIMIT_ENABLED": "0",
        "PUSH_ALLOW_LOOPBACK": "1",
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "1024",
        "JOBS_INLINE": "0",
        "PYTHONPATH": str(ROOT),
        **(extra or {}),
    }


def build_database(tmp: Path, service, devices: int, key_pairs: int) -> tuple[int, str]:
    """Migrate and fill the database; returns (community id, committee login)."""
    env = _env(tmp)
    subprocess.run([str(BIN / "flask"), "db", "upgrade", "heads"], cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "LINLI_INSTANCE_DIR", "SECRET_KEY")})
    from sqlalchemy import insert

    from backend import create_app
    from backend.accounts.models import User
    from backend.accounts.passwords import hash_password
    from backend.communities.models import Community, Household, Membership
    from backend.core.db import utcnow
    from backend.extensions import db
    from backend.notifications.models import PushSubscription

    app = create_app()
    with app.app_context():
        community = Community(name="压测社区", description="bench")
        db.session.add(community)
        db.session.flush()
        committee = User(email="committee@bench.linli", password_hash=hash_password(PASSWORD), display_name="主任")
        db.session.add(committee)
        db.session.flush()
        household = Household(community_id=community.id, building="0", unit="0", room="0")
        db.session.add(household)
        db.session.flush()
        db.session.add(
            Membership(
                user_id=committee.id,
                community_id=community.id,
                role="committee",
                status="verified",
                household_id=household.id,
            )
        )
        now = utcnow()
        first_id = committee.id + 1
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"r{n}@bench.linli",
                    "password_hash": "!",
                    "display_name": f"居民{n}",
                    "locale": "en" if n % 5 == 0 else "zh-CN",
                    "created_at": now,
                }
                for n in range(devices)
            ],
        )
        db.session.execute(
            insert(Membership),
            [
                {
                    "user_id": first_id + n,
                    "community_id": community.id,
                    "role": "resident",
                    "status": "verified",
                    "joined_at": now,
                }
                for n in range(devices)
            ],
        )
        keys = [service.new_subscriber() for _ in range(min(key_pairs, devices))]
        rows = []
        for n in range(devices):
            device = service.new_subscriber(reuse_keys_of=keys[n % len(keys)])
            data = device.subscription_json()
            rows.append(
                {
                    "user_id": first_id + n,
                    "endpoint": data["endpoint"],
                    "p256dh": data["keys"]["p256dh"],
                    "auth": data["keys"]["auth"],
                    "created_at": now,
                    "updated_at": now,
                    "failure_count": 0,
                }
            )
        db.session.execute(insert(PushSubscription), rows)
        db.session.commit()
        return community.id, committee.email


def start_gunicorn(tmp: Path, env: dict, port: int) -> subprocess.Popen:
    log = open(tmp / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 (the server writes to it while it runs)
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "120",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        if proc.poll() is not None:
            raise RuntimeError((tmp / f"gunicorn-{port}.log").read_text())
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def publish_and_measure(base: str, community_id: int, login: str, service, devices: int, timeout: float) -> dict:
    import requests

    http = requests.Session()
    csrf = http.get(f"{base}/api/v1/auth/session").json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    assert (
        http.post(f"{base}/api/v1/auth/login", json={"login": login, "password": PASSWORD}, headers=headers).status_code
        == 200
    )
    service.reset()
    start = time.perf_counter()
    response = http.post(
        f"{base}/api/v1/communities/{community_id}/notices",
        headers=headers,
        json={
            "title": "今晚 22:00 起停水",
            "body": "因管道抢修，今晚 22:00 至次日 2:00 停水，请提前储水。",
            "urgent": True,
        },
    )
    request_seconds = time.perf_counter() - start
    assert response.status_code == 201, response.text
    pushes_at_response = service.accepted_count
    done = service.wait_for(devices, timeout=timeout)
    total_seconds = time.perf_counter() - start
    accepted = service.accepted_count
    sample = service.received[0].payload if service.received else {}
    return {
        "request_ms": request_seconds * 1000,
        "pushes_at_response": pushes_at_response,
        "all_accepted": done,
        "accepted": accepted,
        "seconds": total_seconds,
        "per_second": accepted / total_seconds,
        "refused": len(service.refused),
        "distinct_jwts": len({r.jwt for r in service.received}),
        "sample": sample,
    }


def run_mode(
    mode: str, tmp: Path, community_id: int, login: str, service, devices: int, workers: int, timeout: float
) -> dict:
    from tests.redis_server import free_port, redis_server, rq_workers

    port = free_port()
    if mode == "pool":
        env = _env(tmp)
        proc = start_gunicorn(tmp, env, port)
        try:
            return publish_and_measure(f"http://127.0.0.1:{port}", community_id, login, service, devices, timeout)
        finally:
            stop(proc)
    with redis_server() as redis_url:
        env = _env(tmp, {"REDIS_URL": redis_url})
        # SimpleWorker: no fork per job, so each worker keeps its app, pooled session and VAPID token.
        with rq_workers(redis_url, env, count=workers, log_dir=tmp, worker_class="rq.worker.SimpleWorker"):
            proc = start_gunicorn(tmp, env, port)
            try:
                return publish_and_measure(f"http://127.0.0.1:{port}", community_id, login, service, devices, timeout)
            finally:
                stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--key-pairs", type=int, default=300)
    parser.add_argument("--mode", choices=["pool", "rq", "both"], default="both")
    parser.add_argument("--rq-workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    from tests.push_service import PushService

    tmp = Path(tempfile.mkdtemp(prefix="linli-push-bench-"))
    try:
        with PushService() as service:
            t0 = time.perf_counter()
            community_id, login = build_database(tmp, service, args.devices, args.key_pairs)
            print(
                f"setup: {args.devices} residents and devices ({args.key_pairs} key pairs) "
                f"in {time.perf_counter() - t0:.1f} s; push service at {service.origin}"
            )
            from backend import create_app
            from backend.notifications.vapid import public_key

            with create_app().app_context():
                service.expected_key = public_key()
            modes = ["pool", "rq"] if args.mode == "both" else [args.mode]
            for mode in modes:
                label = "in-process pool" if mode == "pool" else f"RQ + Redis ({args.rq_workers} workers)"
                r = run_mode(mode, tmp, community_id, login, service, args.devices, args.rq_workers, args.timeout)
                print(f"\n[{label}]")
                print(
                    f"  publish request latency : {r['request_ms']:.0f} ms "
                    f"(pushes accepted when it answered: {r['pushes_at_response']})"
                )
                print(
                    f"  all {args.devices} pushes accepted: {'yes' if r['all_accepted'] else 'NO'} "
                    f"({r['accepted']}) in {r['seconds']:.1f} s"
                )
                print(f"  throughput              : {r['per_second']:.0f} pushes/s")
                print(f"  refused by push service : {r['refused']}; distinct VAPID JWTs: {r['distinct_jwts']}")
                print(f"  sample decrypted payload: {r['sample']}")
    finally:
        if os.environ.get("LINLI_BENCH_KEEP"):
            print(f"files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
