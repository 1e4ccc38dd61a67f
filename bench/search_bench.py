"""Search benchmark: p50 and p95 of GET /communities/{cid}/search per query (prints figures; not a test).

    .venv/bin/python bench/search_bench.py --database-url sqlite:////tmp/demo.db            # the demo
    .venv/bin/python bench/search_bench.py --database-url "$TEST_DATABASE_URL" --repeat 30  # a district

The database must be migrated and hold data: the demo (`flask seed-demo`) or the district data set of
bench/generate.py. The generator bulk-inserts past the session, so when the index is empty this fills it
server-side first (the statements of the 0013_search migration, timed). Each query then runs `--repeat`
times, after one warm-up, through the HTTP API (Flask test client: routing, the service, the JSON dump) as
a visitor and as a verified resident of the first community; the figures are per query and person.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Words of the demo and of the generated district (whose rows repeat a few demo texts: 站牌 is in every one of
# a community's 10,000 reports, the worst case for ranking), two characters (the short-term path), three
# and more (the trigram index), one character, two terms, mixed Chinese and digits, English, and a word
# found nowhere (nothing for an index to stop at).
QUERIES = ("路灯", "站牌", "垃圾分类", "婴儿推车", "楼道改造", "公交站 站牌", "微项目 12", "灯", "WiFi", "没有这个词语")

BACKFILL = (
    ("project", "projects", "title", "coalesce(summary, '') || {nl} || coalesce(body, '')"),
    ("report", "reports", "substr(description, 1, 60)", "description || {nl} || coalesce(location_text, '')"),
    ("aid", "aid_posts", "title", "coalesce(body, '')"),
    ("notice", "notices", "title", "coalesce(body, '')"),
    ("activity", "activities", "title", "coalesce(description, '')"),
    ("poll", "polls", "title", "coalesce(description, '')"),
)


def fill_index_if_empty(db) -> tuple[int, float]:
    from sqlalchemy import text

    count = db.session.scalar(text("SELECT count(*) FROM search_documents"))
    if count:
        return count, 0.0
    started = time.perf_counter()
    nl = "chr(10)" if db.engine.dialect.name == "postgresql" else "char(10)"
    for kind, table, title, body in BACKFILL:
        db.session.execute(
            text(
                f"INSERT INTO search_documents (kind, item_id, community_id, title, body, at) "
                f"SELECT '{kind}', id, community_id, {title}, {body.format(nl=nl)}, created_at FROM {table}"
            )
        )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE search_documents"))
        db.session.commit()
    return db.session.scalar(text("SELECT count(*) FROM search_documents")), time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("LINLI_INSTANCE_DIR", tempfile.mkdtemp(prefix="linli-search-bench-"))
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("RATELIMIT_ENABLED", "0")
    os.environ["SCHEDULER_IN_PROCESS"] = "0"  # no job thread competing with the timings

    from sqlalchemy import select, text

    from backend import create_app
    from backend.communities.models import Membership
    from backend.extensions import db

    app = create_app()
    with app.app_context():
        documents, fill_seconds = fill_index_if_empty(db)
        cid = db.session.scalar(select(Membership.community_id).order_by(Membership.community_id).limit(1))
        resident = db.session.scalar(
            select(Membership.user_id).where(
                Membership.community_id == cid, Membership.role == "resident", Membership.recorded_status == "verified"
            )
        )
        in_community = db.session.scalar(
            text("SELECT count(*) FROM search_documents WHERE community_id = :c"), {"c": cid}
        )
        dialect = db.engine.dialect.name
    print(f"{dialect}: {documents:,} documents ({in_community:,} in community {cid})", end="")
    print(f", index filled in {fill_seconds:.1f} s" if fill_seconds else "")

    from backend.accounts.services import start_session

    people = {"visitor": app.test_client(), "resident": app.test_client()}
    with app.app_context():
        from backend.accounts.models import User

        token = start_session(db.session.get(User, resident))
        db.session.commit()
    with people["resident"].session_transaction() as session:
        session.update({"_user_id": str(resident), "_fresh": True, "sid": token, "seen": int(time.time())})

    print(f"\n{'query':14} {'person':9} {'results':>7} {'p50 ms':>8} {'p95 ms':>8}")
    worst = 0.0
    for query in QUERIES:
        for who, client in people.items():
            url = f"/api/v1/communities/{cid}/search"
            first = client.get(url, query_string={"q": query})
            assert first.status_code == 200, first.get_data(as_text=True)
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url, query_string={"q": query})
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            p95 = percentile(timings, 0.95)
            worst = max(worst, p95)
            found = len(first.get_json()["items"])
            print(f"{query:14} {who:9} {found:>7} {statistics.median(timings):>8.1f} {p95:>8.1f}")
    # The floor: the same client, the same person, a GET that reads one row (the community's page).
    floor = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        people["resident"].get(f"/api/v1/communities/{cid}")
        floor.append((time.perf_counter() - started) * 1000)
    print(f"{'(floor: GET /communities/{cid})':24} {statistics.median(floor):>17.1f} {percentile(floor, 0.95):>8.1f}")
    if dialect == "postgresql":  # how the database answers the widest short and long terms
        with app.app_context():
            for query in ("站牌", "公交站"):
                from backend.search.services import _statement

                statement = _statement(None, cid, [query], ["project", "report", "aid", "activity", "poll"]).limit(20)
                compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
                plan = db.session.execute(text(f"EXPLAIN (ANALYZE, COSTS OFF) {compiled}")).scalars().all()
                print(f"\nEXPLAIN ANALYZE, visitor, q={query}:")
                print("\n".join(plan[:30]))
    load = os.getloadavg()[0]
    print(f"\nworst p95: {worst:.1f} ms ({args.repeat} runs per query and person; load average {load:.1f})")


if __name__ == "__main__":
    main()
