"""District-size data set for benchmarks: bulk inserts into a migrated database.

    .venv/bin/python bench/generate.py --database-url postgresql+psycopg://... --scale 1
    .venv/bin/python bench/generate.py --database-url sqlite:///instance/bench.db --scale 0.01

Scale 1 is a district: 100 communities x 40 grids, 500,000 residents in as many households, 50,000
projects, 2,000 polls with 5,000,000 ballots (and their roll), 1,000,000 reports with 2 events each,
200,000 aid posts, 20,000 activities (one shift, 5 sign-ups each), 10,000,000 notifications; on
PostgreSQL also 10 comments and 10 supports per project, 100 notices per community, a session per
resident and 500,000 audit entries. Communities scale down no further than 1 (40 grids).

Every row starts from a template row of the demo community (backend.demo.seed() into a scratch SQLite
file), so enumerations and check constraints hold; ids are assigned here, so foreign keys need no
round trips. The database must be migrated and empty. Demo accounts: resident1@bench.linli ... with
password "bench-pass-2026" (one hash shared by all, computed once); user N belongs to community
(N - 1) % communities + 1, and users 1..communities chair their community's committee.

PostgreSQL: the big tables are filled server-side, `INSERT INTO t SELECT ... FROM generate_series(...)`
with the template values as typed parameters and the varying columns as SQL expressions of the row
number (no row crosses the Python boundary). Foreign keys, unique constraints and secondary indexes are
dropped for the load and recreated from their own catalogue definitions (pg_get_constraintdef /
pg_get_indexdef), which re-checks every key and uniqueness on the whole table; the definitions are
compared before and after. SQLite: rows are built in Python and go in with executemany.
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

DISTRICT = {
    "communities": 100,
    "residents": 500_000,
    "projects": 50_000,
    "polls": 2_000,
    "ballots": 5_000_000,
    "reports": 1_000_000,
    "aid_posts": 200_000,
    "activities": 20_000,
    "notifications": 10_000_000,
    "audit_entries": 500_000,
}
# Per parent row rather than scaled: every project has a discussion and backers, every community notices to read.
COMMENTS_PER_PROJECT, SUPPORTS_PER_PROJECT, NOTICES_PER_COMMUNITY = 10, 10, 100
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
        templates["memberships"] = dict(
            db.session.execute(
                select(memberships).where(memberships.c.role == "resident", memberships.c.status == "verified").limit(1)
            )
            .mappings()
            .one()
        )
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


def _pg_value(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _ago(rng: random.Random, days: int) -> datetime:
    return NOW - timedelta(seconds=rng.randrange(days * 86400))


def sizes(scale: float) -> dict[str, int]:
    """Row counts at a scale; ballots per poll never exceed a community's residents (one per voter)."""
    n = {key: max(1, int(value * scale)) for key, value in DISTRICT.items()}
    n["communities"] = max(1, min(n["communities"], DISTRICT["communities"]))
    n["residents"] = max(n["residents"], n["communities"] * 10)
    n["ballots_per_poll"] = max(1, min(n["ballots"] // n["polls"], n["residents"] // n["communities"] // 2))
    return n


def signup_user(shift, k, c_count: int, residents: int, sql: bool = False):
    """The k-th (0..4) volunteer of a shift: five different residents of its community, spread over all
    of them (a few volunteers with hundreds of sign-ups each would skew the planner's statistics)."""
    groups = residents // c_count // 5
    if sql:
        return f"((mod({shift} * 7919, {groups}) * 5 + {k}) * {c_count} + mod({shift} - 1, {c_count}) + 1)"
    return ((shift * 7919) % groups * 5 + k) * c_count + (shift - 1) % c_count + 1


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
    n = sizes(scale)
    if writer.is_pg:
        return generate_pg(engine, db.metadata, templates, n, writer)
    rng = random.Random(seed)
    c_count, g_count, residents = n["communities"], n["communities"] * GRIDS_PER_COMMUNITY, n["residents"]
    t = templates

    def grid_of(community_id: int) -> int:
        return (community_id - 1) * GRIDS_PER_COMMUNITY + rng.randrange(GRIDS_PER_COMMUNITY) + 1

    def community_of_user(user_id: int) -> int:
        return (user_id - 1) % c_count + 1

    def users_in(community_id: int) -> int:  # a random resident of a community
        return rng.randrange(residents // c_count) * c_count + community_id

    writer.write(
        "regions",
        iter(
            [
                {**t["regions"], "id": 1, "kind": "district", "name": "基准区", "parent_id": None},
                *[
                    {**t["regions"], "id": 1 + s, "kind": "street", "name": f"第{s}街道", "parent_id": 1}
                    for s in range(1, 11)
                ],
            ]
        ),
    )
    writer.write(
        "communities",
        (
            {**t["communities"], "id": c, "name": f"社区{c:03d}", "name_en": f"Community {c}", "street_id": 2 + c % 10}
            for c in range(1, c_count + 1)
        ),
    )
    writer.write(
        "grids",
        (
            {
                **t["grids"],
                "id": g,
                "community_id": (g - 1) // GRIDS_PER_COMMUNITY + 1,
                "number": (g - 1) % GRIDS_PER_COMMUNITY + 1,
                "name": f"第{(g - 1) % 40 + 1}网格",
                "responsible_user_id": None,
            }
            for g in range(1, g_count + 1)
        ),
    )
    password_hash = t["_password_hash"]
    writer.write(
        "users",
        (
            {
                **t["users"],
                "id": u,
                "email": f"resident{u}@bench.linli",
                "phone": None,
                "password_hash": password_hash,
                "display_name": f"居民{u}",
                "is_platform_admin": False,
                "created_at": NOW - timedelta(days=400),
                "last_login_at": None,
                "deleted_at": None,
            }
            for u in range(1, residents + 1)
        ),
    )
    writer.write(
        "households",
        (
            {
                "id": u,
                "community_id": community_of_user(u),
                "building": str(u % 60 + 1),
                "unit": str(u % 4 + 1),
                "room": str(u),
            }
            for u in range(1, residents + 1)
        ),
    )
    # The first resident of each community chairs its committee (user id == community id).
    writer.write(
        "memberships",
        (
            {
                **t["memberships"],
                "id": u,
                "user_id": u,
                "community_id": community_of_user(u),
                "role": "committee" if u <= c_count else "resident",
                "status": "verified",
                "household_id": u,
                "grid_id": grid_of(community_of_user(u)),
                "joined_at": NOW - timedelta(days=300),
                "verified_at": NOW - timedelta(days=299),
                "verified_by_id": None,
                "suspended_until": None,
            }
            for u in range(1, residents + 1)
        ),
    )

    def projects():
        for p in range(1, n["projects"] + 1):
            cid = (p - 1) % c_count + 1
            yield {
                **t["projects"],
                "id": p,
                "community_id": cid,
                "author_id": users_in(cid),
                "author_organisation_id": None,
                "source_report_id": None,
                "grid_id": grid_of(cid),
                "title": f"微项目 {p}：楼道改造",
                "poll_id": None,
                "created_at": _ago(rng, 365),
                "updated_at": NOW,
                "is_hidden": False,
            }

    writer.write("projects", projects())

    poll_count, ballots_per_poll = n["polls"], n["ballots_per_poll"]
    writer.write(
        "polls",
        (
            {
                **t["polls"],
                "id": p,
                "community_id": (p - 1) % c_count + 1,
                "grid_id": None,
                "project_id": None,
                "created_by_id": (p - 1) % c_count + 1,
                "voter_count": ballots_per_poll,
                "created_at": _ago(rng, 365),
            }
            for p in range(1, poll_count + 1)
        ),
    )
    writer.write(
        "poll_options",
        (
            {
                **t["poll_options"],
                "id": 2 * p - k,
                "poll_id": p,
                "position": 2 - k,
                "label": ("赞成", "反对")[k],
                "project_id": None,
            }
            for p in range(1, poll_count + 1)
            for k in (1, 0)
        ),
    )
    choices = t["ballots"]["choices"]

    def roll():
        row_id = 0
        for p in range(1, poll_count + 1):
            cid = (p - 1) % c_count + 1
            for v in range(ballots_per_poll):
                row_id += 1
                yield {
                    "id": row_id,
                    "poll_id": p,
                    "voter_key": f"u{v * c_count + cid}",
                    "user_id": v * c_count + cid,
                    "voted_at": NOW,
                }

    writer.write("poll_roll", roll())

    def ballots():
        row_id = 0
        for p in range(1, poll_count + 1):
            for v in range(ballots_per_poll):
                row_id += 1
                yield {
                    "id": row_id,
                    "poll_id": p,
                    "receipt_hash": f"{p:06d}{v:010d}",
                    "choices": choices,
                    "public_voter_id": None,
                }

    writer.write("ballots", ballots())

    def reports():
        for r in range(1, n["reports"] + 1):
            cid = (r - 1) % c_count + 1
            created = _ago(rng, 730)
            yield {
                **t["reports"],
                "id": r,
                "community_id": cid,
                "grid_id": grid_of(cid),
                "reporter_id": users_in(cid),
                "assignee_id": None,
                "duplicate_of_id": None,
                "project_id": None,
                "created_at": created,
                "updated_at": created,
                "response_due_at": created + timedelta(days=1),
                "resolve_due_at": created + timedelta(days=7),
                "next_due_at": None,
                "is_overdue": False,
                "escalated_at": None,
                "is_hidden": False,
            }

    writer.write("reports", reports())
    writer.write(
        "report_events",
        (
            {
                **t["report_events"],
                "id": 2 * r - k,
                "report_id": r,
                "actor_id": None,
                "created_at": NOW - timedelta(days=1),
            }
            for r in range(1, n["reports"] + 1)
            for k in (1, 0)
        ),
    )

    def aid_posts():
        for a in range(1, n["aid_posts"] + 1):
            cid = (a - 1) % c_count + 1
            yield {
                **t["aid_posts"],
                "id": a,
                "community_id": cid,
                "author_id": users_in(cid),
                "grid_id": grid_of(cid),
                "helper_id": None,
                "accepted_response_id": None,
                "status": "open",
                "created_at": _ago(rng, 365),
                "is_hidden": False,
                "needed_at": None,
            }

    writer.write("aid_posts", aid_posts())

    writer.write(
        "organisations",
        (
            {**t["organisations"], "id": c, "community_id": c, "name": f"志愿服务队{c}", "status": "verified"}
            for c in range(1, c_count + 1)
        ),
    )

    def activities():
        for a in range(1, n["activities"] + 1):
            cid = (a - 1) % c_count + 1
            starts = NOW + timedelta(days=rng.randrange(-300, 60))
            yield {
                **t["activities"],
                "id": a,
                "community_id": cid,
                "organisation_id": cid,
                "project_id": None,
                "created_by_id": cid,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=3),
                "created_at": starts - timedelta(days=14),
                "is_hidden": False,
            }

    writer.write("activities", activities())
    writer.write(
        "shifts",
        (
            {
                **t["shifts"],
                "id": a,
                "activity_id": a,
                "starts_at": NOW,
                "ends_at": NOW + timedelta(hours=3),
                "capacity": 10,
                "confirmed_count": 5,
                "checkin_code": f"{a:06d}"[-6:],
            }
            for a in range(1, n["activities"] + 1)
        ),
    )
    writer.write(
        "shift_signups",
        (
            {
                **t["shift_signups"],
                "id": (a - 1) * 5 + k + 1,
                "shift_id": a,
                "user_id": signup_user(a, k, c_count, residents),
                "status": "confirmed",
                "queued_at": NOW,
                "confirmed_at": NOW,
                "cancelled_at": None,
                "minutes": None,
            }
            for a in range(1, n["activities"] + 1)
            for k in range(5)
        ),
    )

    def notifications():
        for i in range(1, n["notifications"] + 1):
            user_id = rng.randrange(1, residents + 1)
            yield {
                **t["notifications"],
                "id": i,
                "user_id": user_id,
                "community_id": community_of_user(user_id),
                "created_at": _ago(rng, 180),
                "read_at": None if i % 3 else NOW,
            }

    writer.write("notifications", notifications())
    return writer.counts


# --- PostgreSQL: server-side rows -------------------------------------------------------------------

BIG_TABLES = (
    "users",
    "households",
    "memberships",
    "projects",
    "polls",
    "poll_options",
    "poll_roll",
    "ballots",
    "reports",
    "report_events",
    "aid_posts",
    "activities",
    "shifts",
    "shift_signups",
    "notifications",
)


def _catalogue(connection) -> dict[str, list[tuple[str, str, str]]]:
    """Definitions the bulk load drops and recreates: every foreign key of the schema, and the unique
    constraints and plain secondary indexes of the big tables (primary keys stay: ids arrive in order)."""
    from sqlalchemy import text

    big = list(BIG_TABLES)
    constraints = connection.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace AND (contype = 'f' OR (contype = 'u' "
            "AND conrelid::regclass::text = ANY(:big))) ORDER BY 1, 2"
        ),
        {"big": big},
    ).all()
    indexes = connection.execute(
        text(
            "SELECT i.indrelid::regclass::text, c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE NOT i.indisprimary AND i.indrelid::regclass::text = ANY(:big) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1, 2"
        ),
        {"big": big},
    ).all()
    return {
        "foreign": [(t, n, d) for t, n, d, kind in constraints if kind == "f"],
        "unique": [(t, n, d) for t, n, d, kind in constraints if kind == "u"],
        "index": [tuple(row) for row in indexes],
    }


class ServerFill:
    """INSERT INTO t (...) SELECT <expressions of g> FROM generate_series(1, count) AS g, on the server.

    Columns without an expression take the template row's value as a typed parameter; expressions may
    use g (the row number, 1..count), r1 and r2 (two random() draws per row, seeded per table), and
    TEMPLATE for the template's value of their own column.
    """

    def __init__(self, engine, metadata, templates):
        self.engine, self.metadata, self.templates = engine, metadata, templates
        self.counts: dict[str, int] = {}

    def fill(self, name: str, count: int, expressions: dict[str, str], template: str | None = None) -> None:
        table = self.metadata.tables[name]
        row = self.templates.get(template or name, {})
        unknown = set(expressions) - set(table.columns.keys())
        assert not unknown, f"{name}: no columns {unknown}"
        parts, params = [], {"count": count}
        for column in table.columns:
            value = row.get(column.name)
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False)
            template_value = f"CAST(%({column.name})s AS {column.type.compile(dialect=self.engine.dialect)})"
            expression = expressions.get(column.name, "TEMPLATE").replace("%", "%%")
            if "TEMPLATE" in expression:
                params[column.name] = value
            parts.append(expression.replace("TEMPLATE", template_value))
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        sql = (
            f'INSERT INTO "{name}" ({names}) SELECT {", ".join(parts)} FROM (SELECT g, random() AS r1, '
            f"random() AS r2 FROM generate_series(1, %(count)s) AS g) AS s"
        )
        started = time.perf_counter()
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT setseed(0.2026)")
            cursor.execute(sql, params)
            raw.commit()
        finally:
            raw.close()
        self.counts[name] = self.counts.get(name, 0) + count
        print(f"  {name:18} {count:>11,} rows  {time.perf_counter() - started:7.1f} s", flush=True)


def _run_ddl(engine, label: str, statements: list[str], workers: int = 2) -> None:
    """DDL statements on `workers` connections at once (index builds are CPU-bound, one core each)."""
    import queue
    import threading

    from sqlalchemy import text

    started, pending, errors = time.perf_counter(), queue.Queue(), []
    for statement in statements:
        pending.put(statement)

    def work():
        with engine.connect() as connection:
            connection.execute(text("SET maintenance_work_mem = '512MB'"))
            connection.commit()
            while True:
                try:
                    statement = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    connection.execute(text(statement))
                    connection.commit()
                except Exception as error:  # noqa: BLE001 (reported below, the load must not pass silently)
                    connection.rollback()
                    errors.append(f"{statement}: {error}")

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("\n".join(errors))
    print(f"  {label:30} {len(statements):>4} statements  {time.perf_counter() - started:7.1f} s", flush=True)


def generate_pg(engine, metadata, templates: dict, n: dict[str, int], writer: Writer) -> dict[str, int]:
    from sqlalchemy import text

    t, c, grids = templates, n["communities"], GRIDS_PER_COMMUNITY
    residents, per_community = n["residents"], n["residents"] // n["communities"]
    now = f"TIMESTAMPTZ '{NOW.isoformat()}'"
    community = f"(mod(g - 1, {c}) + 1)"  # the community of row g when rows go round the communities
    random_grid = f"((mod(g - 1, {c})) * {grids} + floor(r2 * {grids})::int + 1)"
    random_resident = f"(floor(r1 * {per_community})::int * {c} + {community})"  # a resident of that community

    # A run that fails after this point leaves the database without these: start again from a fresh one.
    with engine.begin() as connection:
        before = _catalogue(connection)
        for table, name, _ in before["foreign"] + before["unique"]:
            connection.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
        for _, name, _ in before["index"]:
            connection.execute(text(f'DROP INDEX "{name}"'))
    print(
        f"  dropped {len(before['foreign'])} foreign keys, {len(before['unique'])} unique constraints, "
        f"{len(before['index'])} indexes for the load",
        flush=True,
    )

    writer.write(
        "regions",
        iter(
            [
                {**t["regions"], "id": 1, "kind": "district", "name": "基准区", "parent_id": None},
                *[
                    {**t["regions"], "id": 1 + s, "kind": "street", "name": f"第{s}街道", "parent_id": 1}
                    for s in range(1, 11)
                ],
            ]
        ),
    )
    writer.write(
        "communities",
        (
            {**t["communities"], "id": k, "name": f"社区{k:03d}", "name_en": f"Community {k}", "street_id": 2 + k % 10}
            for k in range(1, c + 1)
        ),
    )
    writer.write(
        "grids",
        (
            {
                **t["grids"],
                "id": g,
                "community_id": (g - 1) // grids + 1,
                "number": (g - 1) % grids + 1,
                "name": f"第{(g - 1) % grids + 1}网格",
                "responsible_user_id": None,
            }
            for g in range(1, c * grids + 1)
        ),
    )
    writer.write(
        "organisations",
        (
            {**t["organisations"], "id": k, "community_id": k, "name": f"志愿服务队{k}", "status": "verified"}
            for k in range(1, c + 1)
        ),
    )

    fill = ServerFill(engine, metadata, {**templates, "users": {**t["users"], "password_hash": t["_password_hash"]}})
    fill.fill(
        "users",
        residents,
        {
            "id": "g",
            "email": "'resident' || g || '@bench.linli'",
            "phone": "NULL",
            "display_name": "'居民' || g",
            "is_platform_admin": "false",
            "created_at": f"{now} - interval '400 days'",
            "last_login_at": "NULL",
            "deleted_at": "NULL",
        },
    )
    fill.fill(
        "households",
        residents,
        {
            "id": "g",
            "community_id": community,
            "building": "(mod(g, 60) + 1)::text",
            "unit": "(mod(g, 4) + 1)::text",
            "room": "g::text",
        },
    )
    # The first resident of each community chairs its committee (user id == community id).
    fill.fill(
        "memberships",
        residents,
        {
            "id": "g",
            "user_id": "g",
            "community_id": community,
            "role": f"CASE WHEN g <= {c} THEN 'committee' ELSE 'resident' END",
            "status": "'verified'",
            "household_id": "g",
            "grid_id": random_grid,
            "joined_at": f"{now} - interval '300 days'",
            "verified_at": f"{now} - interval '299 days'",
            "verified_by_id": "NULL",
            "suspended_until": "NULL",
        },
    )
    fill.fill(
        "projects",
        n["projects"],
        {
            "id": "g",
            "community_id": community,
            "author_id": random_resident,
            "author_organisation_id": "NULL",
            "source_report_id": "NULL",
            "grid_id": random_grid,
            "title": "'微项目 ' || g || '：楼道改造'",
            "poll_id": "NULL",
            "created_at": f"{now} - r1 * interval '365 days'",
            "updated_at": now,
            "is_hidden": "false",
        },
    )

    # Polls go round the communities; every other round is open single-choice polls (eligibility:
    # verified residents) that bench/load.py can vote in, the others keep the demo template (closed,
    # frozen results), so every community has both (while there are at least two rounds).
    bpp, polls = n["ballots_per_poll"], n["polls"]
    is_open = f"mod((g - 1) / {c}, 2) = 1"
    open_poll = f"mod(({{poll}} - 1) / {c}, 2) = 1"
    fill.fill(
        "polls",
        polls,
        {
            "id": "g",
            "community_id": community,
            "grid_id": "NULL",
            "project_id": "NULL",
            "created_by_id": community,
            "voter_count": str(bpp),
            "created_at": f"{now} - r1 * interval '365 days'",
            "title": f"CASE WHEN {is_open} THEN '议题 ' || g || '：是否同意增设快递柜？' ELSE TEMPLATE END",
            "method": f"CASE WHEN {is_open} THEN 'single' ELSE TEMPLATE END",
            "budget_rule": f"CASE WHEN {is_open} THEN NULL ELSE TEMPLATE END",
            "budget_cents": f"CASE WHEN {is_open} THEN NULL ELSE TEMPLATE END",
            "max_choices": f"CASE WHEN {is_open} THEN NULL ELSE TEMPLATE END",
            "eligibility": f"CASE WHEN {is_open} THEN 'verified' ELSE TEMPLATE END",
            "opens_at": f"CASE WHEN {is_open} THEN {now} - interval '1 day' ELSE TEMPLATE END",
            "closes_at": f"CASE WHEN {is_open} THEN {now} + interval '90 days' ELSE TEMPLATE END",
            "state": f"CASE WHEN {is_open} THEN 'active' ELSE TEMPLATE END",
            "results": f"CASE WHEN {is_open} THEN NULL ELSE TEMPLATE END",
            "eligible_count": f"CASE WHEN {is_open} THEN NULL ELSE TEMPLATE END",
            "closed_at": f"CASE WHEN {is_open} THEN NULL ELSE TEMPLATE END",
            "allow_revote": f"CASE WHEN {is_open} THEN false ELSE TEMPLATE END",
        },
    )
    fill.fill(
        "poll_options",
        2 * polls,
        {
            "id": "g",
            "poll_id": "(g + 1) / 2",
            "position": "2 - mod(g, 2)",
            "label": "CASE WHEN mod(g, 2) = 1 THEN '赞成' ELSE '反对' END",
            "project_id": "NULL",
            "cost_cents": f"CASE WHEN {open_poll.format(poll='((g + 1) / 2)')} THEN NULL ELSE TEMPLATE END",
        },
    )
    # Row g of the roll: poll (g - 1) / bpp + 1, voter number v = (g - 1) % bpp of that poll's community.
    poll_of = f"((g - 1) / {bpp} + 1)"
    voter = f"(mod(g - 1, {bpp}) * {c} + mod({poll_of} - 1, {c}) + 1)"
    fill.fill(
        "poll_roll",
        polls * bpp,
        {
            "id": "g",
            "poll_id": poll_of,
            "voter_key": f"'u' || {voter}",
            "user_id": voter,
            "voted_at": f"{now} - r1 * interval '30 days'",
        },
    )
    fill.fill(
        "ballots",
        polls * bpp,
        {
            "id": "g",
            "poll_id": poll_of,
            "receipt_hash": "md5(g::text) || md5((-g)::text)",
            "choices": f"CASE WHEN {open_poll.format(poll=poll_of)} "
            f"THEN json_build_object('option_id', 2 * {poll_of} - 1) ELSE TEMPLATE END",
            "public_voter_id": "NULL",
        },
        template="ballots",
    )

    fill.fill(
        "reports",
        n["reports"],
        {
            "id": "g",
            "community_id": community,
            "grid_id": random_grid,
            "reporter_id": random_resident,
            "assignee_id": "NULL",
            "duplicate_of_id": "NULL",
            "project_id": "NULL",
            "created_at": f"{now} - r1 * interval '730 days'",
            "updated_at": f"{now} - r1 * interval '730 days'",
            "response_due_at": f"{now} - r1 * interval '730 days' + interval '1 day'",
            "resolve_due_at": f"{now} - r1 * interval '730 days' + interval '7 days'",
            "next_due_at": "NULL",
            "is_overdue": "false",
            "escalated_at": "NULL",
            "is_hidden": "false",
        },
    )
    fill.fill(
        "report_events",
        2 * n["reports"],
        {"id": "g", "report_id": "(g + 1) / 2", "actor_id": "NULL", "created_at": f"{now} - interval '1 day'"},
    )
    fill.fill(
        "aid_posts",
        n["aid_posts"],
        {
            "id": "g",
            "community_id": community,
            "author_id": random_resident,
            "grid_id": random_grid,
            "helper_id": "NULL",
            "accepted_response_id": "NULL",
            "status": "'open'",
            "created_at": f"{now} - r1 * interval '365 days'",
            "is_hidden": "false",
            "needed_at": "NULL",
        },
    )
    # Half the activities lie ahead (shifts open for sign-up), half in the past.
    starts = f"date_trunc('hour', {now} + (r1 * 360 - 180) * interval '1 day')"
    fill.fill(
        "activities",
        n["activities"],
        {
            "id": "g",
            "community_id": community,
            "organisation_id": community,
            "project_id": "NULL",
            "created_by_id": community,
            "starts_at": starts,
            "ends_at": f"{starts} + interval '3 hours'",
            "created_at": f"{starts} - interval '14 days'",
            "is_hidden": "false",
        },
    )
    # One shift per activity, at the activity's time.
    fill.fill(
        "shifts",
        n["activities"],
        {
            "id": "g",
            "activity_id": "g",
            "starts_at": "(SELECT a.starts_at FROM activities a WHERE a.id = g)",
            "ends_at": "(SELECT a.ends_at FROM activities a WHERE a.id = g)",
            "capacity": "10",
            "confirmed_count": "5",
            "checkin_code": "lpad(mod(g, 1000000)::text, 6, '0')",
        },
    )
    fill.fill(
        "shift_signups",
        5 * n["activities"],
        {
            "id": "g",
            "shift_id": "(g - 1) / 5 + 1",
            "user_id": signup_user("((g - 1) / 5 + 1)", "mod(g - 1, 5)", c, residents, sql=True),
            "status": "'confirmed'",
            "queued_at": f"{now} - interval '7 days'",
            "confirmed_at": f"{now} - interval '7 days'",
            "cancelled_at": "NULL",
            "checked_in_at": "NULL",
            "minutes": "NULL",
            "hours_reason": "NULL",
        },
    )
    user = f"(floor(r1 * {residents})::int + 1)"
    fill.fill(
        "notifications",
        n["notifications"],
        {
            "id": "g",
            "user_id": user,
            "community_id": f"(mod({user} - 1, {c}) + 1)",
            "created_at": f"{now} - r2 * interval '180 days'",
            "read_at": f"CASE WHEN mod(g, 3) = 0 THEN {now} ELSE NULL END",
        },
    )

    # The tables every page also reads, so EXPLAIN sees them at district size too: a discussion and
    # backers on every project, each community's notices, a signed-in device per resident, the audit trail.
    project_of = f"(mod(g - 1, {n['projects']}) + 1)"
    fill.fill(
        "comments",
        COMMENTS_PER_PROJECT * n["projects"],
        {
            "id": "g",
            "community_id": f"(mod({project_of} - 1, {c}) + 1)",
            "target_type": "'project'",
            "target_id": project_of,
            "parent_id": "NULL",
            "author_id": f"(floor(r1 * {per_community})::int * {c} + mod({project_of} - 1, {c}) + 1)",
            "body": "'支持！这件事拖了很久，希望尽快落实。（' || g || '）'",
            "replies_count": "0",
            "is_hidden": "false",
            "created_at": f"{now} - r2 * interval '365 days'",
            "edited_at": "NULL",
            "deleted_at": "NULL",
        },
    )
    fill.fill(
        "comment_threads",
        n["projects"],
        {"id": "g", "target_type": "'project'", "target_id": "g", "comments_count": str(COMMENTS_PER_PROJECT)},
    )
    supported = f"((g - 1) / {SUPPORTS_PER_PROJECT} + 1)"
    backer = f"mod({supported} * 13 + mod(g - 1, {SUPPORTS_PER_PROJECT}), {per_community})"  # distinct per project
    fill.fill(
        "project_supports",
        SUPPORTS_PER_PROJECT * n["projects"],
        {
            "id": "g",
            "project_id": supported,
            "user_id": f"({backer} * {c} + mod({supported} - 1, {c}) + 1)",
            "created_at": f"{now} - r1 * interval '365 days'",
        },
    )
    fill.fill(
        "notices",
        NOTICES_PER_COMMUNITY * c,
        {
            "id": "g",
            "community_id": community,
            "author_id": community,
            "title": "'社区通知 ' || g",
            "is_pinned": "mod(g, 50) = 0",
            "is_urgent": "false",
            "is_whole_community": "true",
            "publish_at": f"{now} - r1 * interval '365 days'",
            "notified_at": f"{now} - r1 * interval '365 days'",
            "created_at": f"{now} - r1 * interval '365 days'",
            "read_count": "0",
            "is_hidden": "false",
        },
    )
    fill.fill(
        "user_sessions",
        residents,
        {
            "id": "g",
            "user_id": "g",
            "token_hash": "md5(g::text) || md5((-g)::text)",
            "created_at": f"{now} - r1 * interval '20 days'",
            "revoked_at": "NULL",
        },
    )
    fill.fill(
        "audit_entries",
        n["audit_entries"],
        {
            "id": "g",
            "community_id": community,
            "actor_id": community,
            "target_id": "g",
            "created_at": f"{now} - r1 * interval '365 days'",
        },
    )

    _run_ddl(
        engine,
        "unique constraints",
        [f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for table, name, definition in before["unique"]],
    )
    _run_ddl(engine, "indexes", [definition for _, _, definition in before["index"]])
    _run_ddl(
        engine,
        "foreign keys (validated)",
        [
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in before["foreign"]
        ],
        workers=1,
    )
    with engine.connect() as connection:
        after = _catalogue(connection)
    if after != before:
        raise RuntimeError("constraints or indexes differ from the migrated schema after the load")

    counts = {**writer.counts, **fill.counts}
    started = time.perf_counter()
    with engine.begin() as connection:
        for table_name in counts:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{table_name}"), 1))'
                )
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    print(f"  {'sequences, VACUUM ANALYZE':30} {time.perf_counter() - started:12.1f} s", flush=True)
    return counts


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
