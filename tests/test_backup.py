"""Backup and restore (`flask backup` / `flask restore`): consistent while writers run, and restored equal.

Runs on the suite's database: SQLite by default, PostgreSQL (pg_dump / pg_restore) when
TEST_DATABASE_URL is set by scripts/test-services.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from backend import backup as backups
from backend.extensions import db
from tests.conftest import PASSWORD

GRIDS_PER_COMMUNITY = 3
_rounds = itertools.count(0)


def fingerprint(connection) -> dict[str, tuple[int, str, frozenset[str]]]:
    """Every table (Alembic's too): row count, a hash of its whole content, and the hash of each row."""
    result = {}
    for table in sorted(inspect(connection).get_table_names()):
        row_hashes = sorted(
            hashlib.sha256(repr(tuple(row)).encode()).hexdigest()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        )
        whole = hashlib.sha256("".join(row_hashes).encode()).hexdigest()
        result[table] = (len(row_hashes), whole, frozenset(row_hashes))
    return result


def live_fingerprint(app):
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as connection:
            return fingerprint(connection)


def file_fingerprint(path: Path):
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return fingerprint(connection)
    finally:
        engine.dispose()


def torn_communities(connection) -> list:
    """Communities whose grids were not all written with them (each writer transaction adds all three)."""
    return list(
        connection.execute(
            text(
                "SELECT c.id, count(g.id) FROM communities c LEFT JOIN grids g ON g.community_id = c.id "
                "GROUP BY c.id HAVING count(g.id) <> :grids"
            ),
            {"grids": GRIDS_PER_COMMUNITY},
        )
    )


class Writers:
    """Threads that keep committing: sign-ups (accounts service) and communities with their grids."""

    def __init__(self, app, threads: int = 3):
        self.app = app
        self.round = next(_rounds)  # unique e-mails across rounds of writers
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.commits = 0
        self.errors: list[Exception] = []
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        assert not self.errors, self.errors

    def wait_for(self, commits: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < commits:
            assert time.monotonic() < deadline, f"writers made only {self.count()} commits"
            assert not self.errors, self.errors
            time.sleep(0.01)

    def count(self) -> int:
        with self.lock:
            return self.commits

    def _run(self, thread: int) -> None:
        from backend.accounts import services as accounts
        from backend.communities.models import Community, Grid
        from backend.core.db import commit

        try:
            with self.app.app_context():
                sequence = 0
                number = f"{self.round}.{thread}"
                while not self.stop.is_set():
                    sequence += 1
                    if sequence % 2:
                        accounts.register(
                            email=f"writer{number}-{sequence}@example.test",
                            password=PASSWORD,
                            display_name=f"写入者 {number}-{sequence}",
                        )
                    else:
                        community = Community(name=f"社区 {number}-{sequence}", description="", settings={})
                        db.session.add(community)
                        db.session.flush()
                        for grid in range(1, GRIDS_PER_COMMUNITY + 1):
                            db.session.add(Grid(community_id=community.id, number=grid, name=f"第{grid}网格"))
                    commit()
                    with self.lock:
                        self.commits += 1
        except Exception as error:  # noqa: BLE001  (a thread reports its failure to the test in __exit__)
            self.errors.append(error)


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """A private uploads folder with a few files (the suite's shared one stays untouched)."""
    folder = tmp_path / "uploads"
    (folder / "reports" / "2026").mkdir(parents=True)
    (folder / "reports" / "2026" / "photo.jpg").write_bytes(bytes(range(256)) * 40)
    (folder / "notices.txt").write_text("公告附件", encoding="utf-8")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    return folder


def folder_content(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_backup_during_writes_is_a_consistent_snapshot_and_restores_equal(app, tmp_path, uploads):
    """Back up while three threads commit; restore; the database equals the snapshot, untorn."""
    with Writers(app) as writers:
        writers.wait_for(30)
        before = writers.count()
        with app.app_context():
            started = time.perf_counter()
            made = backups.backup(tmp_path / "during")
            seconds = time.perf_counter() - started
        after = writers.count()
        writers.wait_for(after + 30)  # and the writers go on after it
    final = live_fingerprint(app)
    print(
        f"backup during writes: {made.database.stat().st_size} B in {seconds * 1000:.0f} ms "
        f"({before}..{after} commits while it ran; {writers.count()} in all)"
    )

    with app.app_context():
        restored = backups.restore(made.database, safety_backup=False)
    assert restored.uploads is not None
    now = live_fingerprint(app)

    users_in_snapshot = now["users"][0]
    assert 0 < users_in_snapshot < final["users"][0], "the snapshot holds some but not all of the writes"
    for table, (count, _whole, rows) in now.items():
        # Writers only insert: every restored row is exactly a row that was committed.
        assert rows <= final[table][2], f"{table}: restored rows that were never committed"
        assert count <= final[table][0]
    with app.app_context(), db.engine.connect() as connection:
        assert torn_communities(connection) == [], "a transaction was half in the backup"
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # The backup file is readable on its own: what was restored is exactly what it holds.
        assert {t: v[:2] for t, v in file_fingerprint(made.database).items()} == {t: v[:2] for t, v in now.items()}


def test_restore_brings_back_exactly_the_backup_and_its_uploads(app, tmp_path, uploads):
    """Quiet backup → more writes, changed uploads → `flask restore --yes`: every table and file as backed up."""
    with Writers(app, threads=2) as writers:
        writers.wait_for(20)
    first_sign_up = f"writer{writers.round}.0-1@example.test"
    snapshot = live_fingerprint(app)
    files = folder_content(uploads)
    runner = app.test_cli_runner()

    made = runner.invoke(args=["backup", "--output", str(tmp_path / "quiet")])
    assert made.exit_code == 0, made.output
    database = next(path for path in (tmp_path / "quiet").iterdir() if not path.name.endswith(".uploads.tar"))
    assert (tmp_path / "quiet" / backups._uploads_path(database).name).exists()
    assert "password" not in made.output.lower()

    with Writers(app, threads=2) as writers:
        writers.wait_for(20)
    (uploads / "notices.txt").write_text("changed", encoding="utf-8")
    (uploads / "reports" / "2026" / "photo.jpg").unlink()
    (uploads / "later.png").write_bytes(b"\x89PNG later")
    assert live_fingerprint(app) != snapshot

    started = time.perf_counter()
    restored = runner.invoke(args=["restore", str(database), "--yes"])
    seconds = time.perf_counter() - started
    assert restored.exit_code == 0, restored.output
    print(f"restore: {database.stat().st_size} B database in {seconds * 1000:.0f} ms")

    after = live_fingerprint(app)
    assert {t: v[:2] for t, v in after.items()} == {t: v[:2] for t, v in snapshot.items()}
    assert folder_content(uploads) == files
    # The state it replaced was saved first, in instance/backups.
    with app.app_context():
        assert list(backups.default_backup_dir().glob("pre-restore-*"))
    # And the app works on the restored database.
    from backend.accounts import services as accounts

    with app.app_context():
        assert accounts.authenticate(first_sign_up, PASSWORD).email == first_sign_up


def test_restore_refuses_without_yes_and_refuses_a_foreign_file(app, tmp_path):
    runner = app.test_cli_runner()
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    refused = runner.invoke(args=["restore", str(not_a_backup)], input="n\n")
    assert refused.exit_code != 0
    wrong = runner.invoke(args=["restore", str(not_a_backup), "--yes", "--no-safety-backup"])
    assert wrong.exit_code != 0
    assert "neither a SQLite database nor a pg_dump" in wrong.output


def test_postgresql_tools_get_no_password_on_the_command_line(monkeypatch):
    """The password travels in PGPASSWORD; the URL given to pg_dump and shown in errors has none."""
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://linli:s3cret-pass@db.example:5433/linli?sslmode=require")
    conninfo, env = backups._libpq(url)
    assert "s3cret-pass" not in conninfo
    assert conninfo == "postgresql://linli@db.example:5433/linli?sslmode=require"
    assert env["PGPASSWORD"] == "s3cret-pass"


@pytest.mark.skipif(
    not __import__("os").environ.get("TEST_DATABASE_URL"),
    reason="PostgreSQL only: runs when scripts/test-services sets TEST_DATABASE_URL",
)
def test_postgresql_backup_is_a_custom_format_dump(app, tmp_path):
    with app.app_context():
        made = backups.backup(tmp_path)
    assert made.database.suffix == ".pgdump"
    assert made.database.read_bytes()[:5] == b"PGDMP"
