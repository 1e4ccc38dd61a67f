"""District-size data set for benchmarks: bulk inserts into a migrated database.

    .venv/bin/python bench/generate.py --database-url postgresql+psycopg://... --scale 0.05
    .venv/bin/python bench/generate.py --database-url sqlite:///instance/bench.db --scale 0.01

Scale 1 is a district: 100 communities x 40 grids, 500,000 residents in as many households, 50,000
projects, 2,000 polls with 5,000,000 ballots (and their roll), 1,000,000 reports with 2 events each,
200,000 aid posts, 20,000 activities (one shift, 5 sign-ups each), 10,000,000 notifications.
Communities scale down no further than 1 (40 grids). PostgreSQL rows go in with COPY (psycopg);
SQLite rows with executemany in one big transaction per table.

Every row starts from a template row of the demo community (backend.demo.seed() into a scratch SQLite
file), so enumerations and check constraints hold; ids are assigned here, so foreign keys need no
round trips. The database must be migrated and empty. Demo accounts: resident1@bench.linli ... with
password "bench-pass-2026" (one hash shared by all, computed once).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DISTRICT = {"communities": 100, "residents": 500_000, "projects": 50_000, "polls": 2_000, "ballots": 5_000_000,
            "reports": 1_000_000, "aid_posts": 200_000, "activities": 20_000, "notifications": 10_000_000}
GRIDS_PER_COMMUNITY = 40
BENCH_PASSWORD = "bench-pass-2026"
CHUNK = 20_000
NOW = datetime.now(UTC).replace(microsecond=0)


def demo_templates() -> dict[str, dict]:
    """One row per table of the demo community, as dicts (seeded into a scratch SQLite file)."""
    os.environ.setdefault("LINLI_INSTANCE_DIR", tempfile.mkdtemp(prefix="linli-gen-"))
    from flask_migrate import upgrade
    from sqlalchemy import select

    from backend import create_app
    from backend.extensions import db
    from config import TestConfig

    scratch = Path(tempfile.mkdtemp(prefix="linli-templates-")) / "demo.db"

    class TemplateConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{scratch}"
        UPLOAD_DIR = str(scratch.parent / "uploads")

    app = create_app(TemplateConfig)
    templates = {}
    with app.app_context():
        import logging

        logging.getLogger("alembic").setLevel(logging.WARNING)
        upgrade(revision="heads")
        from backend import demo

        demo.seed()
        db.session.commit()
        for name, table in db.metadata.tables.items():
            row = db.session.execute(select(table).order_by(table.c.id.desc()).limit(1)).mappings().first()
            if row is not None:
                templates[name] = dict(row)
        # A verified, plain resident and an open poll / open report make better templates.
        memberships = db.metadata.tables["memberships"]
        templates["memberships"] = dict(db.session.execute(select(memberships).where(
            memberships.c.role == "resident", memberships.c.status == "verified").limit(1)).mappings().one())
        from backend.accounts.passwords import hash_password

        templates["_password_hash"] = hash_password(BENCH_PASSWORD)
    return templates


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine, metadata):
        self.engine, self.metadata = engine, metadata
        self.counts: dict[str, int] = {}
        self.is_pg = engine.dialect.name == "postgresql"

    def write(self, table_name: str, rows) -> None:
        table = self.metadata.tables[table_name]
        columns = [c.name for c in table.columns]
        started, total = time.perf_counter(), 0
        if self.is_pg:
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row([_pg_value(row.get(c)) for c in columns])
                        total += 1
                raw.commit()
            finally:
                raw.close()
        else:
            from sqlalchemy import insert

            with self.engine.begin() as connection:
                batch = []
                for row in rows:
                    batch.append({c: row.get(c) for c in columns})
                    if len(batch) >= CHUNK:
                        connection.execute(insert(table), batch)
                        total += len(batch)
                        batch = []
                if batch:
                    connection.execute(insert(table), batch)
                    total += len(batch)
        self.counts[table_name] = self.counts.get(table_name, 0) + total
        print(f"  {table_name:18} {total:>11,} rows  {time.perf_counter() - started:7.1f} s", flush=True)

    def reset_sequences(self) -> None:
        if not self.is_pg:
            return
        from sqlalchemy import text

        with self.engine.begin() as connection:
            for table_name in self.counts:
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM \"{table_name}\"), 1))"))
            connection.execute(text("ANALYZE"))


def _pg_value(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _ago(rng: random.Random, days: int) -> datetime:
    return NOW - timedelta(seconds=rng.randrange(days * 86400))


def generate(database_url: str, scale: float, seed: int = 2026) -> dict[str, int]:
    from sqlalchemy import create_engine

    from backend import create_app
    from backend.extensions import db
    from config import TestConfig

    create_app(TestConfig)  # registers DOMAIN_MODELS
    templates = demo_templates()
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        from backend.core.db import configure_sqlite

        configure_sqlite(engine)
    writer = Writer(engine, db.metadata)
    rng = random.Random(seed)
    n = {key: max(1, int(value * scale)) for key, value in DISTRICT.items()}
    n["communities"] = max(1, min(n["communities"], DISTRICT["communities"]))
    c_count, g_count = n["communities"], n["communities"] * GRIDS_PER_COMMUNITY
    residents = max(n["residents"], c_count * 10)
    t = templates

    def grid_of(community_id: int) -> int:
        return (community_id - 1) * GRIDS_PER_COMMUNITY + rng.randrange(GRIDS_PER_COMMUNITY) + 1

    def community_of_user(user_id: int) -> int:
        return (user_id - 1) % c_count + 1

    def users_in(community_id: int) -> int:  # a random resident of a community
        return rng.randrange(residents // c_count) * c_count + community_id

    writer.write("regions", iter([{**t["regions"], "id": 1, "kind": "district", "name": "基准区", "parent_id": None},
                                  *[{**t["regions"], "id": 1 + s, "kind": "street", "name": f"第{s}街道", "parent_id": 1}
                                    for s in range(1, 11)]]))
    writer.write("communities", ({**t["communities"], "id": c, "name": f"社区{c:03d}", "name_en": f"Community {c}",
                                  "street_id": 2 + c % 10} for c in range(1, c_count + 1)))
    writer.write("grids", ({**t["grids"], "id": g, "community_id": (g - 1) // GRIDS_PER_COMMUNITY + 1,
                            "number": (g - 1) % GRIDS_PER_COMMUNITY + 1, "name": f"第{(g - 1) % 40 + 1}网格",
                            "responsible_user_id": None} for g in range(1, g_count + 1)))
    password_hash = t["_password_hash"]
    writer.write("users", ({**t["users"], "id": u, "email": f"resident{u}@bench.linli", "phone": None,
                            "password_hash": password_hash, "display_name": f"居民{u}", "is_platform_admin": False,
                            "created_at": NOW - timedelta(days=400), "last_login_at": None, "deleted_at": None}
                           for u in range(1, residents + 1)))
    writer.write("households", ({"id": u, "community_id": community_of_user(u), "building": str(u % 60 + 1),
                                 "unit": str(u % 4 + 1), "room": str(u)} for u in range(1, residents + 1)))
    # The first resident of each community chairs its committee (user id == community id).
    writer.write("memberships", ({**t["memberships"], "id": u, "user_id": u, "community_id": community_of_user(u),
                                  "role": "committee" if u <= c_count else "resident", "status": "verified",
                                  "household_id": u, "grid_id": grid_of(community_of_user(u)),
                                  "joined_at": NOW - timedelta(days=300), "verified_at": NOW - timedelta(days=299),
                                  "verified_by_id": None, "suspended_until": None} for u in range(1, residents + 1)))

    def projects():
        for p in range(1, n["projects"] + 1):
            cid = (p - 1) % c_count + 1
            yield {**t["projects"], "id": p, "community_id": cid, "author_id": users_in(cid), "author_organisation_id": None,
                   "source_report_id": None, "grid_id": grid_of(cid), "title": f"微项目 {p}：楼道改造",
                   "poll_id": None, "created_at": _ago(rng, 365), "updated_at": NOW, "is_hidden": False}
    writer.write("projects", projects())

    poll_count = n["polls"]
    ballots_per_poll = max(1, n["ballots"] // poll_count)
    writer.write("polls", ({**t["polls"], "id": p, "community_id": (p - 1) % c_count + 1, "grid_id": None,
                            "project_id": None,
                            "created_by_id": (p - 1) % c_count + 1, "voter_count": ballots_per_poll,
                            "created_at": _ago(rng, 365)} for p in range(1, poll_count + 1)))
    writer.write("poll_options", ({**t["poll_options"], "id": 2 * p - k, "poll_id": p, "position": 2 - k,
                                   "label": ("赞成", "反对")[k], "project_id": None}
                                  for p in range(1, poll_count + 1) for k in (1, 0)))
    choices = t["ballots"]["choices"]

    def roll():
        row_id = 0
        for p in range(1, poll_count + 1):
            cid = (p - 1) % c_count + 1
            for v in range(ballots_per_poll):
                row_id += 1
                yield {"id": row_id, "poll_id": p, "voter_key": f"h{v}", "user_id": v * c_count + cid,
                       "voted_at": NOW}
    writer.write("poll_roll", roll())

    def ballots():
        row_id = 0
        for p in range(1, poll_count + 1):
            for v in range(ballots_per_poll):
                row_id += 1
                yield {"id": row_id, "poll_id": p, "receipt_hash": f"{p:06d}{v:010d}", "choices": choices,
                       "public_voter_id": None}
    writer.write("ballots", ballots())

    def reports():
        for r in range(1, n["reports"] + 1):
            cid = (r - 1) % c_count + 1
            created = _ago(rng, 730)
            yield {**t["reports"], "id": r, "community_id": cid, "grid_id": grid_of(cid), "reporter_id": users_in(cid),
                   "assignee_id": None, "duplicate_of_id": None, "project_id": None,
                   "created_at": created, "updated_at": created,
                   "response_due_at": created + timedelta(days=1), "resolve_due_at": created + timedelta(days=7),
                   "next_due_at": None, "is_overdue": False,
                   "escalated_at": None, "is_hidden": False}
    writer.write("reports", reports())
    writer.write("report_events", ({**t["report_events"], "id": 2 * r - k, "report_id": r, "actor_id": None,
                                    "created_at": NOW - timedelta(days=1)}
                                   for r in range(1, n["reports"] + 1) for k in (1, 0)))

    def aid_posts():
        for a in range(1, n["aid_posts"] + 1):
            cid = (a - 1) % c_count + 1
            yield {**t["aid_posts"], "id": a, "community_id": cid, "author_id": users_in(cid), "grid_id": grid_of(cid),
                   "helper_id": None, "accepted_response_id": None, "status": "open", "created_at": _ago(rng, 365),
                   "is_hidden": False, "needed_at": None}
    writer.write("aid_posts", aid_posts())

    writer.write("organisations", ({**t["organisations"], "id": c, "community_id": c, "name": f"志愿服务队{c}",
                                    "status": "verified"} for c in range(1, c_count + 1)))

    def activities():
        for a in range(1, n["activities"] + 1):
            cid = (a - 1) % c_count + 1
            starts = NOW + timedelta(days=rng.randrange(-300, 60))
            yield {**t["activities"], "id": a, "community_id": cid, "organisation_id": cid, "project_id": None,
                   "created_by_id": cid, "starts_at": starts, "ends_at": starts + timedelta(hours=3),
                   "created_at": starts - timedelta(days=14), "is_hidden": False}
    writer.write("activities", activities())
    writer.write("shifts", ({**t["shifts"], "id": a, "activity_id": a, "starts_at": NOW, "ends_at": NOW + timedelta(hours=3),
                             "capacity": 10, "confirmed_count": 5, "checkin_code": f"{a:06d}"[-6:]}
                            for a in range(1, n["activities"] + 1)))
    writer.write("shift_signups", ({**t["shift_signups"], "id": (a - 1) * 5 + k + 1, "shift_id": a,
                                    "user_id": k * c_count + (a - 1) % c_count + 1 + c_count, "status": "confirmed",
                                    "queued_at": NOW, "confirmed_at": NOW, "cancelled_at": None, "minutes": None}
                                   for a in range(1, n["activities"] + 1) for k in range(5)))

    def notifications():
        for i in range(1, n["notifications"] + 1):
            user_id = rng.randrange(1, residents + 1)
            yield {**t["notifications"], "id": i, "user_id": user_id, "community_id": community_of_user(user_id),
                   "created_at": _ago(rng, 180), "read_at": None if i % 3 else NOW}
    writer.write("notifications", notifications())
    writer.reset_sequences()
    return writer.counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a migrated, empty database")
    parser.add_argument("--scale", type=float, default=0.01, help="1 = a district (default 0.01)")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.database_url, args.scale)
    elapsed = time.perf_counter() - started
    total = sum(counts.values())
    print(f"\n{'table':18} {'rows':>12}")
    for name, count in counts.items():
        print(f"{name:18} {count:>12,}")
    print(f"{'total':18} {total:>12,}   in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s) at scale {args.scale}")


if __name__ == "__main__":
    main()
