"""EXPLAIN the statements the main read endpoints run on a generated database; flag full scans of big tables.

    .venv/bin/python bench/explain_pg.py DATABASE_URL [output file]   (default bench/output/explain.txt)

Signs in as the committee chair of community 1 (user 1 in bench/generate.py data), GETs the main lists
and details in-process with the Flask test client, captures every statement with its parameters
(SQLAlchemy cursor event), and runs EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) on
every distinct statement, most frequent first (past the first ten most run once, and ties at one run
would make a top ten arbitrary). Exit status 1 when a table of more than 10,000 rows is scanned
sequentially. The in-process scheduler is off, so nothing but these reads touches the data.
"""

from __future__ import annotations

import collections
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LINLI_INSTANCE_DIR", tempfile.mkdtemp(prefix="linli-explain-"))

URLS = [
    "/api/v1/communities/1/projects",
    "/api/v1/communities/1/reports",
    "/api/v1/communities/1/aid",
    "/api/v1/communities/1/activities",
    "/api/v1/communities/1/polls",
    "/api/v1/polls/1/results",
    "/api/v1/notifications",
    "/api/v1/communities/1/notices",
    "/api/v1/communities/1/members",
    "/api/v1/projects/1",
    "/api/v1/reports/1",
    "/api/v1/communities/1/moderation/queue",
    "/api/v1/communities/1/audit-log",
    "/api/v1/me/volunteering",
]
BIG_TABLE_ROWS = 10_000


def main() -> int:
    url = sys.argv[1]
    out = Path(sys.argv[2] if len(sys.argv) > 2 else Path(__file__).parent / "output" / "explain.txt")
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import event, text

    from backend import create_app
    from backend.extensions import db
    from config import Config

    class ExplainConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_ENABLED = False
        SECRET_KEY = "explain"
        SCHEDULER_IN_PROCESS = False  # no sweeps or poll closing on the measured data while it is read

    app = create_app(ExplainConfig)
    captured: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    with app.app_context():
        from backend.accounts.models import User
        from backend.accounts.services import start_session
        from backend.core.db import commit

        user = db.session.get(User, 1)
        token = start_session(user)
        commit()
        engine = db.engine
        sizes = {name: db.session.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in db.metadata.tables}
    client = app.test_client()
    with client.session_transaction() as session:
        session.update({"_user_id": "1", "_fresh": True, "csrf_token": "x", "sid": token, "seen": int(time.time())})
    event.listen(engine, "before_cursor_execute", record)
    for target in URLS:
        response = client.get(target)
        print(f"{response.status_code} {target}")
    event.remove(engine, "before_cursor_execute", record)

    shapes = collections.Counter(statement for statement, _ in captured)
    lines, scans = [], []
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, frequency in shapes.most_common():  # the ten most frequent first, then every other one
            parameters = next(p for s, p in captured if s == statement)
            cursor = raw.cursor()
            if engine.dialect.name == "postgresql":
                cursor.execute("EXPLAIN ANALYZE " + statement, parameters)
                plan = [row[0] for row in cursor.fetchall()]
                scanned = re.findall(r"Seq Scan on (\w+)", "\n".join(plan))
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = [row[-1] for row in cursor.fetchall()]
                scanned = [m for m in re.findall(r"^SCAN (\w+)(?! USING)", "\n".join(plan), re.MULTILINE)]
                scanned = [t for t, line in zip(scanned, plan, strict=False) if "USING" not in line]
            big = [t for t in scanned if sizes.get(t, 0) > BIG_TABLE_ROWS]
            scans += [(t, statement.split("\n")[0][:100]) for t in big]
            lines += [
                (
                    f"-- {frequency}x  (sequential scans: {', '.join(scanned) or 'none'}; "
                    f"on big tables: {', '.join(big) or 'none'})"
                ),
                statement,
                *plan,
                "",
            ]
    out.parent.mkdir(parents=True, exist_ok=True)
    header = [
        f"EXPLAIN on {engine.dialect.name}, {sum(sizes.values()):,} rows; big tables: "
        + ", ".join(f"{k}={v:,}" for k, v in sorted(sizes.items(), key=lambda kv: -kv[1]) if v > BIG_TABLE_ROWS),
        "",
    ]
    out.write_text("\n".join(header + lines))
    slowest = max((float(m) for m in re.findall(r"Execution Time: ([\d.]+) ms", "\n".join(lines))), default=0.0)
    print(
        f"wrote {out}; {len(captured)} statements, {len(shapes)} distinct, slowest {slowest:.1f} ms; "
        f"sequential scans on big tables: {scans or 'none'}"
    )
    return 1 if scans else 0


if __name__ == "__main__":
    sys.exit(main())
