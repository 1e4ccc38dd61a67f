"""Secret ballots stay unlinkable in what is stored (issue 15): whoever reads the raw database files, the write-ahead
log or a backup made by `flask backup` must not be able to line ballots up with the roll.

The attack: 40 neighbours vote in a known order, each with a ballot that can be recognised in the bytes (a distinct
ranking, and its receipt hash). For every physical ordering of the ballot records an attacker could read (SQLite:
byte offset and page in the main file, in the WAL, in a backup; the rowid. PostgreSQL: ctid, xmin, the order of
`COPY ... TO`, the order of the rows in a dump made by our backup command), we compute Spearman's rank correlation
with the roll's orders (roll id and voted_at). Before this was fixed the WAL put the ballots in casting order
(|rho| = 1.000 on SQLite; ctid and xmin |rho| = 1.000 on PostgreSQL). Now every ordering must stay under the
99.9 % bound of a permutation test of the largest |rho| over all the orderings together (so the test's own false
alarm rate is 0.1 %, however many orderings it reads).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from backend.core.db import utcnow
from backend.extensions import db

N_VOTERS = 40
PERMUTATIONS = 3000
FALSE_ALARM = 0.001
OPTION_LABELS = ["东门", "西门", "南门", "北门", "侧门"]


# --- statistics ---------------------------------------------------------------------------------------------


def ranks(values: list) -> list[float]:
    """Ranks from 1, ties given their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    return 0.0 if sxx == 0 or syy == 0 else sxy / (sxx * syy) ** 0.5


def spearman(xs: list, ys: list) -> float:
    return pearson(ranks(xs), ranks(ys))


def largest_correlation(orderings: dict[str, dict[str, float]], roll_order: dict[str, float]) -> tuple[str, float]:
    """(name, rho) of the physical ordering that correlates most with `roll_order` (ballot key -> position)."""
    best = ("", 0.0)
    for name, positions in orderings.items():
        keys = sorted(positions)
        rho = spearman([positions[k] for k in keys], [roll_order[k] for k in keys])
        if abs(rho) >= abs(best[1]):
            best = (name, rho)
    return best


def permutation_bound(orderings: dict[str, dict[str, float]], voters: list[str], seed: int = 15) -> float:
    """The (1 - FALSE_ALARM) quantile of the largest |rho| over all orderings when the roll's order is random."""
    generator = random.Random(seed)
    ranked = {name: (sorted(p), ranks([p[k] for k in sorted(p)])) for name, p in orderings.items()}
    maxima = []
    for _ in range(PERMUTATIONS):
        shuffled = voters[:]
        generator.shuffle(shuffled)
        position = {key: index for index, key in enumerate(shuffled)}
        maxima.append(max(abs(pearson(r, ranks([position[k] for k in keys]))) for keys, r in ranked.values()))
    maxima.sort()
    return maxima[min(len(maxima) - 1, int(len(maxima) * (1 - FALSE_ALARM)))]


def test_the_statistic_sees_an_ordering_that_follows_the_roll():
    """The check itself can fail: storage in casting order (or reversed, or nearly) is far above the bound."""
    voters = [f"v{i}" for i in range(N_VOTERS)]
    roll = {v: i for i, v in enumerate(voters)}
    nearly = {v: i + random.Random(i).uniform(-4, 4) for i, v in enumerate(voters)}
    orderings = {"casting order": dict(roll), "reversed": {v: -i for v, i in roll.items()}, "nearly": nearly}
    bound = permutation_bound(orderings, voters)
    assert 0.3 < bound < 0.75
    for name in orderings:
        assert abs(largest_correlation({name: orderings[name]}, roll)[1]) > bound


# --- the election -------------------------------------------------------------------------------------------


@pytest.fixture
def election(app, client_for, make_community, make_member):
    """40 neighbours cast distinct rankings in a secret poll, one after the other (the order is the roll's)."""
    community = make_community("阳光小区")
    committee = make_member(community, "committee")
    now = utcnow()
    poll = (
        client_for(committee)
        .post(
            f"/api/v1/communities/{community.id}/polls",
            json={
                "title": "新门禁开在哪里",
                "method": "ranked",
                "options": [{"label": label} for label in OPTION_LABELS],
                "opens_at": (now - timedelta(minutes=5)).isoformat(),
                "closes_at": (now + timedelta(days=3)).isoformat(),
                "eligibility": "verified",
                "secret": True,
            },
        )
        .json
    )
    option_ids = [option["id"] for option in poll["options"]]
    rankings = random.Random(1515).sample(list(itertools.permutations(option_ids)), N_VOTERS)
    ballots = []  # in casting order: (voter id, receipt hash, ranking)
    for ranking in rankings:
        voter = make_member(community)
        response = client_for(voter).post(f"/api/v1/polls/{poll['id']}/ballots", json={"ranking": list(ranking)})
        assert response.status_code == 201, response.json
        ballots.append((voter.id, response.json["receipt_hash"], list(ranking)))
    return poll, ballots


def roll_orders(app, poll_id: int, ballots) -> dict[str, dict[str, float]]:
    """The roll's two orders, as positions of each ballot (keyed by its receipt hash, which only the test knows)."""
    from backend.voting.models import RollEntry

    with app.app_context():
        rows = db.session.execute(
            select(RollEntry.user_id, RollEntry.id, RollEntry.voted_at).where(RollEntry.poll_id == poll_id)
        ).all()
    by_voter = {user_id: (roll_id, voted_at.timestamp()) for user_id, roll_id, voted_at in rows}
    return {
        "roll id": {digest: by_voter[voter][0] for voter, digest, _ in ballots},
        "voted_at": {digest: by_voter[voter][1] for voter, digest, _ in ballots},
    }


def close(app, poll_id: int) -> None:
    """The window ends and the close job runs, as the scheduler runs it (its commit starts what waits for it)."""
    from backend.jobs import run_job
    from backend.voting.models import Poll

    with app.app_context():
        now = utcnow()
        db.session.execute(
            update(Poll).where(Poll.id == poll_id).values(opens_at=now - timedelta(days=2), closes_at=now)
        )
        db.session.commit()
        run_job("backend.voting.services:close_due_polls")


def byte_orderings(name: str, content: bytes, ballots, page_size: int | None = None) -> dict[str, dict[str, float]]:
    """Where each ballot's bytes are in a file: first and last offset of its stored ranking (the table record) and
    of its receipt hash (the table record and the unique index), and the page of the first ranking."""
    found: dict[str, dict[str, float]] = {}
    for _voter, digest, ranking in ballots:
        for marker, needle in (("ranking", json.dumps({"ranking": ranking}).encode()), ("hash", digest.encode())):
            offsets = [m.start() for m in re.finditer(re.escape(needle), content)]
            if not offsets:
                continue
            found.setdefault(f"{name}: first {marker} offset", {})[digest] = offsets[0]
            found.setdefault(f"{name}: last {marker} offset", {})[digest] = offsets[-1]
            if page_size and marker == "ranking":
                found.setdefault(f"{name}: page", {})[digest] = offsets[0] // page_size
    # An ordering of a few ballots says little either way; the check wants most of them.
    return {key: value for key, value in found.items() if len(value) >= N_VOTERS // 2}


def sqlite_orderings(app, ballots, backup_file: Path) -> dict[str, dict[str, float]]:
    with app.app_context():
        main = Path(db.engine.url.database)
        page_size = db.session.execute(text("PRAGMA page_size")).scalar()
        rowids = dict(db.session.execute(text("SELECT receipt_hash, rowid FROM ballots")).all())
    wal = main.with_name(main.name + "-wal")
    orderings = {"rowid": {digest: rowids[digest] for _v, digest, _r in ballots}}
    orderings |= byte_orderings("main file", main.read_bytes(), ballots, page_size)
    orderings |= byte_orderings("WAL", wal.read_bytes() if wal.exists() else b"", ballots)
    orderings |= byte_orderings("backup", backup_file.read_bytes(), ballots, page_size)
    return orderings


def postgresql_orderings(app, ballots, backup_file: Path) -> dict[str, dict[str, float]]:
    with app.app_context():
        rows = db.session.execute(
            text("SELECT receipt_hash, (ctid::text::point)[0], (ctid::text::point)[1], xmin::text::bigint FROM ballots")
        ).all()
        raw = db.engine.raw_connection()
        try:
            with raw.driver_connection.cursor() as cursor, cursor.copy("COPY ballots TO STDOUT") as copy:
                dumped = b"".join(bytes(chunk) for chunk in copy)
            raw.driver_connection.rollback()
        finally:
            raw.close()
        # The table's own file on disk, dead tuples and all (readable when the server runs on this machine).
        db.session.execute(text("CHECKPOINT"))
        heap = Path(
            db.session.execute(
                text("SELECT current_setting('data_directory') || '/' || pg_relation_filepath('ballots')")
            ).scalar()
        )
        db.session.rollback()
    mine = {digest for _v, digest, _r in ballots}
    orderings = {
        "ctid": {digest: block * 10_000 + item for digest, block, item, _x in rows if digest in mine},
        "xmin": {digest: xmin for digest, _b, _i, xmin in rows if digest in mine},
    }
    orderings |= byte_orderings("COPY TO", dumped, ballots)
    if os.access(heap, os.R_OK):
        orderings |= byte_orderings("heap file", heap.read_bytes(), ballots, 8192)
    restore = Path(os.environ.get("TEST_PG_BIN", "")) / "pg_restore"
    restore = str(restore) if restore.is_file() else shutil.which("pg_restore")
    if restore:  # the rows of our backup, in the order the dump holds them
        plain = subprocess.run([restore, "--data-only", "-f", "-", str(backup_file)], capture_output=True, check=True)
        orderings |= byte_orderings("backup", plain.stdout, ballots)
    return orderings


def stored_orderings(app, ballots, tmp_path: Path) -> dict[str, dict[str, float]]:
    from backend.backup import backup

    with app.app_context():
        made = backup(tmp_path / "backups")
        dialect = db.engine.dialect.name
    reader = sqlite_orderings if dialect == "sqlite" else postgresql_orderings
    return reader(app, ballots, made.database)


def assert_unlinkable(orderings, roll, ballots, label: str) -> None:
    voters = [digest for _v, digest, _r in ballots]
    bound = permutation_bound(orderings, voters)
    report = []
    worst = ("", 0.0, "")
    for roll_name, roll_order in roll.items():
        for name in orderings:
            rho = largest_correlation({name: orderings[name]}, roll_order)[1]
            report.append(f"{name} ~ {roll_name}: rho={rho:+.3f}")
            if abs(rho) >= abs(worst[1]):
                worst = (name, rho, roll_name)
    print(f"\n{label}: {len(orderings)} orderings, bound |rho| <= {bound:.3f}; " + "; ".join(report))
    print(f"{label}: largest |rho| = {abs(worst[1]):.3f} ({worst[0]} ~ {worst[2]})")
    assert abs(worst[1]) <= bound, f"{worst[0]} follows the {worst[2]}: rho = {worst[1]:+.3f} > {bound:.3f}"


def test_a_closed_secret_poll_leaves_no_ordering_that_follows_the_roll(app, election, tmp_path):
    """After the close (and its compaction), neither the files nor a backup order ballots as the roll does."""
    poll, ballots = election
    close(app, poll["id"])
    roll = roll_orders(app, poll["id"], ballots)
    orderings = stored_orderings(app, ballots, tmp_path)
    assert orderings, "no ballot found in the stored files: the test would prove nothing"
    with app.app_context():
        dialect = db.engine.dialect.name
        if dialect == "sqlite":  # the log of the vote is gone, and the database file holds one copy of each ballot
            main = Path(db.engine.url.database)
            wal = main.with_name(main.name + "-wal")
            assert not wal.exists() or wal.stat().st_size == 0
            content = main.read_bytes()
            for _voter, _digest, ranking in ballots:
                assert content.count(json.dumps({"ranking": ranking}).encode()) == 1
    assert_unlinkable(orderings, roll, ballots, f"closed poll ({dialect})")


def test_a_backup_taken_while_the_poll_is_open_does_not_order_ballots_like_the_roll(app, election, tmp_path):
    """A backup made by `flask backup` in the middle of the vote (SQLite: rebuilt by VACUUM INTO in key order)."""
    poll, ballots = election
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("pg_dump copies the heap in its physical order: not protected while a poll is open (docs)")
        from backend.backup import backup

        made = backup(tmp_path / "backups")
        page_size = db.session.execute(text("PRAGMA page_size")).scalar()
    orderings = byte_orderings("backup", made.database.read_bytes(), ballots, page_size)
    assert orderings, "no ballot found in the backup: the test would prove nothing"
    assert_unlinkable(orderings, roll_orders(app, poll["id"], ballots), ballots, "backup of an open poll")
