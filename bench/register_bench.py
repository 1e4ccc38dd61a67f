"""Resident register import benchmark: 10,000 residents in 4,000 households, preview then confirm, then the
same file again (nothing to change), with wall time and peak memory (prints figures; not a test).

    .venv/bin/python bench/register_bench.py                                  # a new SQLite file
    .venv/bin/python bench/register_bench.py --database-url "$TEST_DATABASE_URL"   # an empty PostgreSQL database
    .venv/bin/python bench/register_bench.py --rows 10000 --format xlsx

The database is migrated to the head first; the community and its committee member are inserted directly.
Times are of the services (parse, check, plan, write, flush, commit), as the two requests run them, without
HTTP around them: wall time and the process's CPU time (the database's own work on PostgreSQL is in the wall
time only). With BENCH_MEMORY=1: the peak of Python allocations during each step (tracemalloc) instead, and
in every run the process's maximum resident size at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "桂英建国秀兰玉珍小明志强丽华淑芬德福海燕"


def make_file(rows: int, file_format: str) -> bytes:
    header = ["居民编号", "姓名", "楼栋", "单元", "房号", "网格", "性别", "出生日期", "电话", "与户主关系", "备注"]
    table = []
    for n in range(rows):
        household = n * 2 // 5  # 2.5 people per household
        building, unit, room = 1 + household // 100, 1 + household // 50 % 2, 101 + household % 50
        name = SURNAMES[n % 20] + GIVEN[(n * 7) % 16] + GIVEN[(n * 3) % 16]
        table.append(
            [
                f"R{n:06d}",
                f"{name}{n}",
                str(building),
                str(unit),
                str(room),
                str(1 + household % 4),
                "女" if n % 2 else "男",
                f"{1930 + n % 80}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                f"139{n:08d}",
                "户主" if n % 5 in (0, 2) else "家属",
                "",
            ]
        )
    if file_format == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for row in table:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    return ("\ufeff" + "\n".join(",".join(row) for row in [header, *table])).encode()


MEASURE_MEMORY = os.environ.get("BENCH_MEMORY") == "1"


def timed(label: str, func):
    """Wall time and this process's CPU time (steadier on a shared machine); with BENCH_MEMORY=1 the peak of
    Python allocations instead (tracemalloc slows Python down: times from such a run are not comparable)."""
    if MEASURE_MEMORY:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = func()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if MEASURE_MEMORY:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{label:38} peak Python memory {peak / 2**20:6.1f} MB")
    else:
        print(f"{label:38} {seconds:7.2f} s wall, {cpu:6.2f} s CPU")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="linli-register-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.db"
    os.environ.setdefault("LINLI_INSTANCE_DIR", workdir)
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["SCHEDULER_IN_PROCESS"] = "0"

    from flask_migrate import upgrade

    from backend import create_app
    from backend.accounts.models import User
    from backend.communities.models import Community, Grid, Membership
    from backend.core.db import commit, utcnow
    from backend.extensions import db
    from backend.register import services

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        community = Community(name="基准社区", description="", settings={})
        db.session.add(community)
        db.session.flush()
        for number in range(1, 5):
            db.session.add(Grid(community_id=community.id, number=number, name=f"第{number}网格"))
        staff = User(email=f"bench{time.time_ns()}@example.test", display_name="委员", password_hash="x")
        db.session.add(staff)
        db.session.flush()
        db.session.add(
            Membership(
                user_id=staff.id, community_id=community.id, role="committee", status="verified", verified_at=utcnow()
            )
        )
        commit()
        data = make_file(args.rows, args.format)
        app.config["REGISTER_IMPORT_MAX_BYTES"] = max(len(data), 5 * 2**20)
        print(f"{db.engine.dialect.name}: {args.rows} residents, {args.format} of {len(data) / 2**20:.1f} MB")

        def preview():
            result = services.preview_import(staff, community.id, data, file_name=f"bench.{args.format}")
            commit()
            return result

        def confirm(import_id):
            result = services.confirm_import(staff, import_id)
            commit()
            return result

        first = timed("preview (read, check, plan, store)", preview)
        assert first.counts["invalid"] == 0, first.errors[:3]
        print("   ", first.counts)
        print("   ", timed("confirm (write the register)", lambda: confirm(first.id)))
        again = timed("preview of the same file again", preview)
        print("   ", again.counts)
        print("   ", timed("confirm of the same file again", lambda: confirm(again.id)))
    print(f"maximum resident size of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
