"""The schema comes only from migrations, and the models agree with them."""

import json
import os
import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from backend import create_app
from backend.extensions import db
from backend.search.models import not_in_models
from tests.conftest import SuiteConfig


@pytest.fixture
def empty_database_url(tmp_path):
    """A new, empty database of the kind the suite runs on (SQLite file or PostgreSQL database)."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"linli_migrate_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _fresh_app(url):
    class FreshConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(FreshConfig)


def test_upgrade_from_empty_database_to_head(empty_database_url):
    app = _fresh_app(empty_database_url)
    with app.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
    assert {"users", "communities", "grids", "memberships", "households", "invites"} <= tables
    assert "alembic_version" in tables
    with app.app_context():
        db.engine.dispose()


def test_models_match_migrations(empty_database_url):
    """Autogenerate finds nothing to do: every model change came with its migration."""
    app = _fresh_app(empty_database_url)
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            opts = {"compare_type": True, "include_object": not_in_models}  # as migrations/env.py does
            context = MigrationContext.configure(connection, opts=opts)
            differences = compare_metadata(context, db.metadata)
    assert differences == []
    with app.app_context():
        db.engine.dispose()


def test_sqlite_database_runs_in_wal_mode_with_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings")
        with db.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_form_one_line_of_history(app):
    """One head: a revision that forgot to follow the last one would make `flask db upgrade` refuse."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_stored_target_types_become_the_registry_kinds_and_back(empty_database_url):
    """Do 0011's renames reach comments, their threads, uploads and comment notifications, and undo cleanly?"""
    from flask_migrate import downgrade

    def target_type_of(context) -> str:  # a dict on PostgreSQL, JSON text on SQLite
        return (context if isinstance(context, dict) else json.loads(context))["target_type"]

    app = _fresh_app(empty_database_url)
    rows = {
        "users": "INSERT INTO users (id, password_hash, locale, care_mode, timezone, is_platform_admin, created_at) "
        "VALUES (1, '!', 'zh-CN', false, 'Asia/Shanghai', false, '2026-01-01')",
        "communities": "INSERT INTO communities (id, name, description, settings, created_at) "
        "VALUES (1, 'c', '', '{}', '2026-01-01')",
        "comments": "INSERT INTO comments (id, community_id, target_type, target_id, author_id, body, replies_count, "
        "is_hidden, created_at) VALUES (1, 1, 'activities', 5, 1, 'x', 0, false, '2026-01-01')",
        "comment_threads": "INSERT INTO comment_threads (id, target_type, target_id, comments_count) "
        "VALUES (1, 'projects', 5, 1)",
        "uploads": "INSERT INTO uploads (id, uploader_id, storage_key, source_format, width, height, byte_size, "
        "created_at, target_type, target_id) VALUES (1, 1, 'k', 'jpeg', 1, 1, 1, '2026-01-01', "
        "'project_events', 5)",
        "notifications": "INSERT INTO notifications (id, user_id, kind, context, is_urgent, created_at) VALUES "
        '(1, 1, \'comment_posted\', \'{"target_type": "notices", "target_id": 5}\', false, '
        "'2026-01-01')",
    }
    stored = (
        "SELECT (SELECT target_type FROM comments), (SELECT target_type FROM comment_threads), "
        "(SELECT target_type FROM uploads), (SELECT context FROM notifications)"
    )
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            for statement in rows.values():
                connection.execute(text(statement))
        upgrade(revision="0011_arch")
        with db.engine.connect() as connection:
            comment, thread, upload, context = connection.execute(text(stored)).one()
        assert (comment, thread, upload) == ("activity", "project", "project_event")
        assert target_type_of(context) == "notice"
        downgrade(revision="0010")
        with db.engine.connect() as connection:
            comment, thread, upload, context = connection.execute(text(stored)).one()
        assert (comment, thread, upload) == ("activities", "projects", "project_events")
        assert target_type_of(context) == "notices"
        db.engine.dispose()
