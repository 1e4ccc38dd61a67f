"""Backups: `flask --app wsgi backup [--output PATH]` and `flask --app wsgi restore PATH --yes`.

A backup is two files side by side: the database (`linli-<UTC time>.sqlite3`, or `.pgdump` on
PostgreSQL) and the uploads directory as `linli-<UTC time>.uploads.tar`.

- SQLite: `VACUUM INTO` writes a fresh database from one read transaction, so the copy is a consistent
  snapshot while gunicorn goes on writing (WAL lets writers continue meanwhile); being rebuilt in key
  order, it keeps no trace of the order in which secret ballots were cast.
- PostgreSQL: `pg_dump --format=custom` dumps inside one repeatable-read snapshot; the password goes to
  pg_dump through PGPASSWORD, never on a command line or in output.
- Uploads are archived after the database snapshot: uploaded files are written before the rows that
  name them, so every file the snapshot refers to is already there.

Restore copies a backup back into the live database (SQLite: the backup API again, through SQLite's
locks, so running workers see the restored data; PostgreSQL: `pg_restore --clean --if-exists` in a
single transaction, so a failed restore changes nothing) and replaces the uploads directory. Before
it overwrites anything, it takes a backup of the current state ("pre-restore") in the backup folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.engine import URL, make_url

SQLITE_SUFFIX = ".sqlite3"
PGDUMP_SUFFIX = ".pgdump"
UPLOADS_SUFFIX = ".uploads.tar"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
BUSY_TIMEOUT_SECONDS = 30


class BackupError(click.ClickException):
    """A backup or restore that could not be done; the message says why (and never holds a password)."""


@dataclass
class BackupResult:
    database: Path
    uploads: Path | None
    seconds: float

    def describe(self) -> str:
        text = f"database {self.database} ({_size(self.database)})"
        if self.uploads:
            text += f", uploads {self.uploads} ({_size(self.uploads)})"
        return f"{text} in {self.seconds:.2f} s"


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size} B" if size < 1024 else f"{size / 1024:.1f} KiB" if size < 1024**2 else f"{size / 1024**2:.1f} MiB"


def _database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _dialect(url: URL) -> str:
    name = url.get_backend_name()
    if name not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def default_backup_dir() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "backups"


def _timestamped_path(directory: Path, prefix: str, suffix: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{prefix}-{stamp}{suffix}"
    counter = 1
    while path.exists() or _uploads_path(path).exists():
        path = directory / f"{prefix}-{stamp}-{counter}{suffix}"
        counter += 1
    return path


def _uploads_path(database_file: Path) -> Path:
    """The uploads archive that belongs to a database backup file: same name, `.uploads.tar`."""
    name = database_file.name
    for suffix in (SQLITE_SUFFIX, PGDUMP_SUFFIX):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return database_file.with_name(name + UPLOADS_SUFFIX)


# --- backup -------------------------------------------------------------------------------------


def backup(output: str | Path | None = None, *, prefix: str = "linli") -> BackupResult:
    """Back up the database and the uploads; `output` is a file or a folder (default instance/backups)."""
    url = _database_url()
    dialect = _dialect(url)
    suffix = SQLITE_SUFFIX if dialect == "sqlite" else PGDUMP_SUFFIX
    target = Path(output) if output else default_backup_dir()
    # A folder unless it names a file: an existing folder, a trailing slash, or no suffix at all.
    if output is None or target.is_dir() or str(output).endswith(os.sep) or not target.suffix:
        target.mkdir(parents=True, exist_ok=True)
        target = _timestamped_path(target, prefix, suffix)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # Written under a temporary name and renamed: an interrupted backup never looks like a good one.
    partial = target.with_name(target.name + ".partial")
    try:
        if dialect == "sqlite":
            _backup_sqlite(_sqlite_path(url), partial)
        else:
            _backup_postgresql(url, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    uploads = _archive_uploads(_uploads_path(target))
    return BackupResult(target, uploads, time.perf_counter() - started)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: nothing to back up")
    return Path(url.database)


def _backup_sqlite(source_path: Path, destination: Path) -> None:
    if not source_path.exists():
        raise BackupError(f"SQLite database {source_path} does not exist")
    source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        # VACUUM INTO writes a new database from one read transaction (a consistent snapshot while others write),
        # table by table in key order. Not a copy of the pages: those hold the ballots of a poll still open in the
        # order they were cast, which the roll also records; rebuilt in key order (a ballot's key is random), the
        # backup keeps no trace of that order (issue 15; tests/trust/test_ballot_files.py).
        source.execute("VACUUM INTO ?", (str(destination),))
    finally:
        source.close()
    copy = sqlite3.connect(destination)
    try:
        # A backup is one self-contained file: no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        _check_sqlite(copy, destination)
    finally:
        copy.close()


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")


def _postgres_bin(tool: str) -> str:
    """pg_dump/pg_restore: the newest of /usr/lib/postgresql/*/bin (a newer client dumps older servers), else PATH."""

    def version(path: str) -> tuple[int, ...]:
        number = Path(path).parent.parent.name
        return tuple(int(part) for part in number.split(".") if part.isdigit())

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), key=version, reverse=True)
    found = next((path for path in candidates if os.access(path, os.X_OK)), None) or shutil.which(tool)
    if not found:
        raise BackupError(f"{tool} not found in /usr/lib/postgresql/*/bin or PATH (Debian package postgresql-client)")
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries the password."""
    bare = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port, database=url.database, query=url.query
    )
    conninfo = bare.render_as_string(hide_password=False)
    env = {**os.environ}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _run_postgres_tool(args: list[str], env: dict[str, str], url: URL) -> None:
    done = subprocess.run(args, check=False, env=env, capture_output=True, text=True)
    if done.returncode:
        where = url.render_as_string(hide_password=True)  # libpq's own messages never repeat the password
        raise BackupError(
            f"{Path(args[0]).name} failed for {where} ({done.returncode}):\n{done.stderr.strip()[-2000:]}"
        )


def _backup_postgresql(url: URL, destination: Path) -> None:
    conninfo, env = _libpq(url)
    _run_postgres_tool(
        [
            _postgres_bin("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={destination}",
            f"--dbname={conninfo}",
        ],
        env,
        url,
    )


def _upload_dir() -> Path | None:
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else None


def _archive_uploads(archive: Path) -> Path | None:
    uploads = _upload_dir()
    if uploads is None:
        return None
    partial = archive.with_name(archive.name + ".partial")
    try:
        # Plain tar: photos are compressed already, gzip would only cost time.
        with tarfile.open(partial, "w") as tar:
            if uploads.exists():
                tar.add(uploads, arcname="uploads")
            else:
                empty = tarfile.TarInfo("uploads")
                empty.type, empty.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(empty)
        os.replace(partial, archive)
    finally:
        partial.unlink(missing_ok=True)
    return archive


# --- restore ------------------------------------------------------------------------------------


def restore(path: str | Path, *, safety_backup: bool = True) -> BackupResult:
    """Bring a backup back: the database file `path` and, when it lies beside it, its uploads archive."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{source} is not a backup file")
    url = _database_url()
    dialect = _dialect(url)
    kind = _backup_kind(source)
    if kind != dialect:
        raise BackupError(f"{source} is a {kind} backup but the database is {dialect}")
    if safety_backup:
        saved = backup(prefix="pre-restore")
        click.echo(f"current state saved first: {saved.database}", err=True)
    started = time.perf_counter()
    from backend.extensions import db

    db.session.remove()
    if dialect == "sqlite":
        _restore_sqlite(source, _sqlite_path(url))
    else:
        _restore_postgresql(source, url)
    # Pooled connections may hold statements prepared against the tables that were just replaced.
    db.engine.dispose()
    archive = _uploads_path(source)
    uploads = _restore_uploads(archive) if archive.exists() else None
    return BackupResult(source, uploads, time.perf_counter() - started)


def _backup_kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom-format archive")


def _restore_sqlite(source_path: Path, live_path: Path) -> None:
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        _check_sqlite(source, source_path)
        live = sqlite3.connect(live_path, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            # Through SQLite's own locking: waits for running writers, and readers then see the new pages.
            source.backup(live, pages=-1)
        finally:
            live.close()
    finally:
        source.close()


def _restore_postgresql(source: Path, url: URL) -> None:
    conninfo, env = _libpq(url)
    _run_postgres_tool(
        [
            _postgres_bin("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(source),
        ],
        env,
        url,
    )


def _restore_uploads(archive: Path) -> Path | None:
    uploads = _upload_dir()
    if uploads is None:
        return None
    uploads.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=uploads.parent))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")  # "data": no absolute paths, links out or devices
        old = uploads.with_name(uploads.name + ".before-restore")
        shutil.rmtree(old, ignore_errors=True)
        if uploads.exists():
            uploads.rename(old)
        (staging / "uploads").rename(uploads)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return archive


# --- CLI ----------------------------------------------------------------------------------------


def register_backup_commands(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option(
        "--output",
        "-o",
        type=click.Path(),
        default=None,
        help="Backup file or folder (default: instance/backups/linli-<UTC time>.*).",
    )
    def backup_command(output: str | None):
        """Back up the database (consistent while the app runs) and the uploads."""
        result = backup(output)
        click.echo(f"backup: {result.describe()}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask: overwrite the current database and uploads.")
    @click.option("--no-safety-backup", is_flag=True, help="Do not back up the current state first.")
    def restore_command(path: str, yes: bool, no_safety_backup: bool):
        """Replace the database (and uploads, when their archive lies beside PATH) with a backup."""
        if not yes:
            click.confirm(f"Replace the current database and uploads with {path}?", abort=True)
        result = restore(path, safety_backup=not no_safety_backup)
        click.echo(f"restored: {result.describe()}")
