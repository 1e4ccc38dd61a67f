"""Insights benchmark (prints figures; not a test).

    .venv/bin/python bench/insights_bench.py [--scale 1.0] [--pg postgresql+psycopg://...] [--repeat 5]

Generates a district: 100 communities under 10 streets, 500,000 verified residents (two per household),
1,000,000 reports over the last 26 weeks, polls with a roll of ballots, aid posts with a time bank,
activities with sign-ups, and flags (every number times --scale), with bulk inserts: executemany on
SQLite, COPY on PostgreSQL. Then it times, through the HTTP API (Flask test client, a signed-in
platform admin), the dashboard of one community for a week, a month and a quarter, the 12-week trends,
the map, the warnings, open data, one CSV export and the district roll-up over all communities.

SQLite always (a file in a temp dir); PostgreSQL too when --pg gives a server URL (an empty database you
can drop; its tables are created by the migrations), e.g. the one scripts/test-services starts:
    scripts/test-services sh -c '.venv/bin/python bench/insights_bench.py --pg "$TEST_DATABASE_URL"'
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COMMUNITIES, RESIDENTS, REPORTS = 100, 500_000, 1_000_000
GRIDS_PER_COMMUNITY = 8
WEEKS = 26
BATCH = 20_000
ADMIN_EMAIL, ADMIN_PASSWORD = "bench-admin@example.test", "bench-pass-2026"


def _environment(database_url: str, tmp: Path) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "LINLI_INSTANCE_DIR": str(tmp / "instance"),
            "UPLOAD_DIR": str(tmp / "uploads"),
            "RATELIMIT_ENABLED": "0",
            "PASSWORD_HASH_TIME_COST": "1",
            "PASSWORD_HASH_MEMORY_KIB": "1024",
            "JOBS_INLINE": "1",
            "SCHEDULER_IN_PROCESS": "0",
        }
    )


def _sqlite_value(value):
    """Datetimes as SQLAlchemy stores them on SQLite (naive UTC, always with microseconds)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


class Loader:
    """Bulk insert: COPY on PostgreSQL, executemany in batches on SQLite (one transaction per table)."""

    def __init__(self, db):
        self.db = db
        self.postgres = db.engine.dialect.name == "postgresql"

    def _completed(self, table: str, columns: tuple[str, ...], rows):
        """Add every other column that has a Python-side default, so that the bench survives model changes."""
        extra = {}
        for column in self.db.metadata.tables[table].columns:
            if column.name in columns or column.default is None:
                continue
            default = column.default
            extra[column.name] = (
                default.arg if default.is_scalar else default.arg(None) if default.is_callable else None
            )
        names = tuple(columns) + tuple(extra)
        values = tuple(extra.values())
        return names, (tuple(row) + values for row in rows)

    def load(self, table: str, columns: tuple[str, ...], rows) -> int:
        count = 0
        columns, rows = self._completed(table, columns, rows)
        if self.postgres:
            raw = self.db.engine.raw_connection()
            try:
                with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                raw.commit()
            finally:
                raw.close()
            return count
        raw = self.db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("BEGIN")
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            batch = []
            for row in rows:
                batch.append(tuple(_sqlite_value(v) for v in row))
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
            cursor.execute("COMMIT")
        finally:
            raw.close()
        return count

    def ids(self, sql: str) -> list[int]:
        from sqlalchemy import text

        with self.db.engine.connect() as connection:
            return [row[0] for row in connection.execute(text(sql))]


def square(index: int, lng0: float, lat0: float, size: float = 0.002) -> dict:
    col, row = index % 4, index // 4
    x, y = lng0 + col * size, lat0 + row * size
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def generate(app, scale: float, seed: int = 7) -> dict:
    """Fill the (migrated, empty) database; returns what the timings need."""
    import json

    from backend.accounts.passwords import hash_password
    from backend.core.db import utcnow
    from backend.extensions import db
    from backend.reports.categories import CATEGORIES

    rng = random.Random(seed)
    communities = max(1, round(COMMUNITIES * scale))
    residents = max(communities * 20, round(RESIDENTS * scale))
    reports = max(communities * 50, round(REPORTS * scale))
    now = utcnow()
    started = time.perf_counter()
    with app.app_context():
        load = Loader(db)
        fake_hash = hash_password("not-a-real-password")
        load.load(
            "regions",
            ("id", "kind", "name", "parent_id"),
            [(1, "district", "基准区", None)] + [(2 + s, "street", f"第{s + 1}街道", 1) for s in range(10)],
        )
        load.load(
            "communities",
            ("id", "name", "description", "street_id", "settings", "created_at"),
            ((c + 1, f"基准社区{c + 1}", "", 2 + c % 10, "{}", now) for c in range(communities)),
        )
        grid_rows = [
            (
                c * GRIDS_PER_COMMUNITY + g + 1,
                c + 1,
                g + 1,
                f"第{g + 1}网格",
                json.dumps(square(g, 121.4 + (c % 10) * 0.01, 31.2 + (c // 10) * 0.01)),
            )
            for c in range(communities)
            for g in range(GRIDS_PER_COMMUNITY)
        ]
        load.load("grids", ("id", "community_id", "number", "name", "polygon"), grid_rows)
        users = residents + 1  # + the platform admin (id 1)
        load.load(
            "users",
            (
                "id",
                "email",
                "password_hash",
                "display_name",
                "locale",
                "care_mode",
                "timezone",
                "is_platform_admin",
                "created_at",
            ),
            (
                (
                    u,
                    ADMIN_EMAIL if u == 1 else f"r{u}@bench.test",
                    hash_password(ADMIN_PASSWORD) if u == 1 else fake_hash,
                    f"居民{u}",
                    "zh-CN",
                    False,
                    "Asia/Shanghai",
                    u == 1,
                    now,
                )
                for u in range(1, users + 1)
            ),
        )

        # Resident r (2..users) lives in community (r % communities), household r // 2 (two per household).
        def community_of(user):
            return ((user // 2) % communities) + 1

        households = {}
        for user in range(2, users + 1):
            households.setdefault((community_of(user), user // 2), len(households) + 1)
        load.load(
            "households",
            ("id", "community_id", "building", "unit", "room"),
            ((hid, cid, str(key % 40), "1", str(key)) for (cid, key), hid in households.items()),
        )

        def grid_of(user):
            return (
                (community_of(user) - 1) * GRIDS_PER_COMMUNITY + (user // (2 * communities)) % GRIDS_PER_COMMUNITY + 1
            )

        load.load(
            "memberships",
            ("user_id", "community_id", "role", "status", "household_id", "grid_id", "joined_at", "verified_at"),
            (
                (
                    u,
                    community_of(u),
                    "committee" if u <= communities + 1 else "resident",
                    "verified",
                    households[(community_of(u), u // 2)],
                    grid_of(u),
                    now,
                    now,
                )
                for u in range(2, users + 1)
            ),
        )
        print(
            f"  communities {communities}, residents {residents:,}, households {len(households):,} "
            f"({time.perf_counter() - started:.1f} s)"
        )

        def report_rows():
            for n in range(1, reports + 1):
                user = rng.randint(2, users)
                cid, gid = community_of(user), grid_of(user)
                created = now - timedelta(seconds=rng.randint(0, WEEKS * 7 * 86400))
                category = CATEGORIES[n % len(CATEGORIES)]
                accept_due, resolve_due = created + timedelta(hours=24), created + timedelta(days=3)
                age = (now - created).total_seconds()
                accepted = (
                    created + timedelta(seconds=rng.randint(600, 86400)) if age > 86400 or rng.random() < 0.5 else None
                )
                resolved = (
                    created + timedelta(seconds=rng.randint(3600, 6 * 86400))
                    if accepted and rng.random() < 0.85
                    else None
                )
                if resolved and resolved > now:
                    resolved = None
                status, closed, stars, by_default = "in_progress" if accepted else "submitted", None, None, False
                if resolved:
                    status = "confirmed" if rng.random() < 0.8 else "resolved"
                    if status == "confirmed":
                        closed = min(now, resolved + timedelta(hours=rng.randint(1, 168)))
                        by_default = rng.random() < 0.3
                        stars = None if by_default else rng.choice((2, 3, 4, 4, 5, 5, 5))
                next_due = None if resolved else (resolve_due if accepted else accept_due)
                yield (
                    n,
                    cid,
                    gid,
                    user,
                    category,
                    "路灯不亮",
                    31.2 + rng.random() * 0.1,
                    121.4 + rng.random() * 0.1,
                    "",
                    status,
                    "",
                    0,
                    1 if resolved and rng.random() < 0.1 else 0,
                    created,
                    created,
                    accepted,
                    resolved,
                    closed,
                    accept_due,
                    resolve_due,
                    next_due,
                    False,
                    stars,
                    "",
                    by_default,
                    1,
                )

        started = time.perf_counter()
        count = load.load(
            "reports",
            (
                "id",
                "community_id",
                "grid_id",
                "reporter_id",
                "category",
                "description",
                "lat",
                "lng",
                "location_text",
                "status",
                "redirect_to",
                "me_too_count",
                "reopen_count",
                "created_at",
                "updated_at",
                "accepted_at",
                "resolved_at",
                "closed_at",
                "response_due_at",
                "resolve_due_at",
                "next_due_at",
                "is_overdue",
                "rating_stars",
                "rating_comment",
                "is_confirmed_by_default",
                "version",
            ),
            report_rows(),
        )
        print(f"  reports {count:,} ({time.perf_counter() - started:.1f} s)")

        started = time.perf_counter()
        polls = [
            (
                c * 2 + k + 1,
                c + 1,
                f"投票{k}",
                "",
                "yes_no",
                "verified",
                now - timedelta(days=60 - 30 * k),
                now + timedelta(days=5),
                0.0,
                0.5,
                True,
                False,
                "active",
                0,
                1,
                now,
            )
            for c in range(communities)
            for k in range(2)
        ]
        load.load(
            "polls",
            (
                "id",
                "community_id",
                "title",
                "description",
                "method",
                "eligibility",
                "opens_at",
                "closes_at",
                "quorum",
                "pass_threshold",
                "is_secret",
                "allow_revote",
                "state",
                "voter_count",
                "created_by_id",
                "created_at",
            ),
            polls,
        )
        roll = (
            (community_of(u) * 2 - 1 + (u % 2), f"u{u}", u, now - timedelta(seconds=rng.randint(0, 50 * 86400)))
            for u in range(2, users + 1)
            if u % 5 == 0
        )
        ballots = load.load("poll_roll", ("poll_id", "voter_key", "user_id", "voted_at"), roll)
        aid = max(communities * 20, round(40_000 * scale))
        posts = []
        for n in range(1, aid + 1):
            user = rng.randint(2, users)
            posts.append(
                (
                    n,
                    community_of(user),
                    user,
                    "request",
                    "errands",
                    "帮忙取快递",
                    "",
                    grid_of(user),
                    False,
                    "completed" if n % 3 else "open",
                    now - timedelta(seconds=rng.randint(0, WEEKS * 7 * 86400)),
                )
            )
        load.load(
            "aid_posts",
            (
                "id",
                "community_id",
                "author_id",
                "kind",
                "category",
                "title",
                "body",
                "grid_id",
                "is_at_home",
                "status",
                "created_at",
            ),
            posts,
        )
        load.load(
            "time_bank_entries",
            ("community_id", "post_id", "giver_id", "receiver_id", "minutes", "created_at"),
            (
                (p[1], p[0], 1, p[2], 60, p[10] + timedelta(days=1))
                for p in posts
                if p[9] == "completed" and p[10] + timedelta(days=1) < now
            ),
        )
        print(f"  polls {len(polls)}, ballots {ballots:,}, aid posts {aid:,} ({time.perf_counter() - started:.1f} s)")
        _analyze(db)
    return {"communities": communities, "residents": residents, "reports": reports}


def _analyze(db) -> None:
    from sqlalchemy import text

    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def _client(app):
    client = app.test_client()
    token = client.get("/api/v1/auth/session").get_json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/login", json={"login": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return client


def time_requests(app, repeat: int, communities: int) -> list[tuple[str, float, float]]:
    client = _client(app)
    cid = (communities + 1) // 2
    paths = [
        ("dashboard, week", f"/api/v1/communities/{cid}/insights?period=week"),
        ("dashboard, month", f"/api/v1/communities/{cid}/insights?period=month"),
        ("dashboard, quarter", f"/api/v1/communities/{cid}/insights?period=quarter"),
        ("trends, 12 weeks", f"/api/v1/communities/{cid}/insights/trends"),
        ("map, month", f"/api/v1/communities/{cid}/insights/map?period=month"),
        ("warnings", f"/api/v1/communities/{cid}/insights/warnings"),
        ("open data, 12 months", f"/api/v1/communities/{cid}/open-data.json"),
        ("reports.csv, month", f"/api/v1/communities/{cid}/exports/reports.csv?period=month"),
        (f"district roll-up ({communities} communities), month", "/api/v1/regions/1/insights?period=month"),
        ("street roll-up (the first street), month", "/api/v1/regions/2/insights?period=month"),
        (f"district roll-up ({communities} communities), week", "/api/v1/regions/1/insights?period=week"),
    ]
    results = []
    for label, path in paths:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:500])
        results.append((label, times[0], statistics.median(times[1:] or times)))
    return results


def run(database_url: str, scale: float, repeat: int, name: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="linli-insights-bench-"))
    _environment(database_url, tmp)
    from flask_migrate import upgrade

    from backend import create_app

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
    print(f"\n{name}: generating (scale {scale})")
    started = time.perf_counter()
    sizes = generate(app, scale)
    print(f"  generated in {time.perf_counter() - started:.1f} s")
    print(f"{name}: response times (first request, then median of {repeat - 1} more), ms")
    for label, first, median in time_requests(app, repeat, sizes["communities"]):
        print(f"  {label:<45} {first * 1000:8.1f} {median * 1000:8.1f}")
    with app.app_context():
        from backend.extensions import db

        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the district (0.1: 10 communities, ...)")
    parser.add_argument("--pg", help="PostgreSQL URL of an empty database (also run there)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        tmp = Path(tempfile.mkdtemp(prefix="linli-insights-sqlite-"))
        run(f"sqlite:///{tmp / 'bench.db'}", args.scale, args.repeat, "SQLite")
    if args.pg:
        run(args.pg, args.scale, args.repeat, "PostgreSQL")


if __name__ == "__main__":
    main()
