"""The schema comes only from migrations, and the models agree with them."""


from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from backend import create_app
from backend.extensions import db
from tests.conftest import SuiteConfig


def _fresh_app(tmp_path):
    class FreshConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'fresh.db'}"

    return create_app(FreshConfig)


def test_upgrade_from_empty_database_to_head(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
    assert {"users", "communities", "grids", "memberships", "households", "invites"} <= tables
    assert "alembic_version" in tables


def test_models_match_migrations(tmp_path):
    """Autogenerate finds nothing to do: every model change came with its migration."""
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_sqlite_database_runs_in_wal_mode_with_foreign_keys(app):
    with app.app_context():
        with db.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
