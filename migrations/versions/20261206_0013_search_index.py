"""search: one index of words per searchable item, with each database's own text engine

SQLite: search_documents plus an FTS5 table with the trigram tokenizer over it (external content), kept
in step by triggers, so every insert, update and delete of a document updates the index in the same
transaction. PostgreSQL: the pg_trgm extension and GIN trigram indexes on the title and the body, which
ILIKE '%...%' uses. Existing content is indexed here once (`flask jobs run search-reindex` rebuilds it).

Revision ID: 0013_search
Revises: 0011_arch
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_search"
down_revision = "0011_arch"
branch_labels = None
depends_on = None

FTS = "search_documents_fts"


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "item_id", name=op.f("uq_search_documents_kind_item_id")),
    )
    op.create_index("ix_search_documents_community_kind", "search_documents", ["community_id", "kind"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_search_documents_title_trgm ON search_documents USING gin (title gin_trgm_ops)")
        op.execute("CREATE INDEX ix_search_documents_body_trgm ON search_documents USING gin (body gin_trgm_ops)")
    else:
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, body, content='search_documents', content_rowid='id', "
            "tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
            f"INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body); END"
        )
        op.execute(
            f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
            f"INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END"
        )
        op.execute(
            f"CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
            f"INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
            f"INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body); END"
        )
    _index_existing_content()


def _index_existing_content():
    """The words of what exists already, straight from the tables (the app's indexer does it from now on)."""
    sources = [
        ("project", "projects", "title", "coalesce(summary, '') || char(10) || coalesce(body, '')"),
        ("report", "reports", "substr(description, 1, 60)", "description || char(10) || coalesce(location_text, '')"),
        ("aid", "aid_posts", "title", "coalesce(body, '')"),
        ("notice", "notices", "title", "coalesce(body, '')"),
        ("activity", "activities", "title", "coalesce(description, '')"),
        ("poll", "polls", "title", "coalesce(description, '')"),
    ]
    postgres = op.get_bind().dialect.name == "postgresql"
    for kind, table, title, body in sources:
        if postgres:
            body = body.replace("char(10)", "chr(10)")
        op.execute(
            f"INSERT INTO search_documents (kind, item_id, community_id, title, body, at) "
            f"SELECT '{kind}', id, community_id, {title}, {body}, created_at FROM {table}"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_documents_body_trgm")
        op.execute("DROP INDEX IF EXISTS ix_search_documents_title_trgm")
    else:
        for trigger in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_index("ix_search_documents_community_kind", table_name="search_documents")
    op.drop_table("search_documents")
