"""A bounded load on loopback, as issue 10 asks: 60 s of mixed traffic (90% reads) against a real
gunicorn on the demo database: no 5xx, and every write the clients were told about is in the database.

Uses the load generator of bench/load.py (keep-alive clients signed in as demo residents, CSRF header,
fixed duration). Eight connections rather than the benchmark's 32: this checks correctness under
sustained concurrency in the test command; bench/load.py measures throughput.
"""

import os
import random
import secrets

import pytest

from bench.load import (
    DEMO_LOGINS,
    Client,
    Server,
    demo_targets,
    drive,
    find_write_targets,
    linli_requests,
    missing_writes,
    prepare_linli_database,
)

pytestmark = pytest.mark.slow

DURATION_SECONDS = float(os.environ.get("LINLI_LOAD_SECONDS", 60))
CONNECTIONS = 8


def test_sixty_seconds_of_mixed_load_lose_nothing_and_never_answer_5xx(tmp_path):
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("run once, in the SQLite pass: the same code paths are covered by the multiprocess tests")
    url = f"sqlite:///{tmp_path / 'linli.db'}"
    env = {
        "DATABASE_URL": url,
        "LINLI_INSTANCE_DIR": str(tmp_path / "instance"),
        "UPLOAD_DIR": str(tmp_path / "up"),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "RATELIMIT_ENABLED": "0",
        "WEB_CONCURRENCY": "2",
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "1024",
    }
    prepare_linli_database(env)
    targets = demo_targets(url)
    server = Server("wsgi:app", env, tmp_path / "gunicorn.log")
    try:
        server.wait_ready("/healthz")
        clients = [Client(server.port) for _ in range(CONNECTIONS)]
        for index, client in enumerate(clients):
            client.sign_in(DEMO_LOGINS[index % len(DEMO_LOGINS)])
        find_write_targets(clients[DEMO_LOGINS.index("neighbour1@demo.linli")], targets)
        reads, writes = linli_requests(targets)

        def pick(rng: random.Random, n: int):
            if rng.random() < 0.9:
                method, path, _ = rng.choice(reads)
                return method, path, None, None
            method, path, body, kind = rng.choice(writes)
            return method, path, body(n), kind

        result = drive(clients, pick, DURATION_SECONDS)
    finally:
        server.stop()
    server_errors = {label: n for label, n in result.error_kinds.items() if " -> 5" in label}
    acknowledged = sum(len(ids) for ids in result.created.values())
    print(
        f"\nload: {result.count} requests in {result.elapsed:.0f} s ({result.rps():.0f}/s), "
        f"p95 {result.pct(95):.0f} ms, {result.errors} non-2xx, {acknowledged} acknowledged writes"
    )
    assert result.count > 100
    assert server_errors == {}
    assert acknowledged > 0
    assert missing_writes(url, result.created) == {kind: 0 for kind in result.created}
