"""The search index: one row of words per searchable item, found by the database's own text engine.

SQLite: an FTS5 table with the trigram tokenizer (`search_documents_fts`, external content over this table,
kept in step by triggers), so any run of three characters, Chinese or not, is found through the index.
PostgreSQL: pg_trgm GIN indexes on the title and the body, used by ILIKE. Both are made by the migration
(0013_search): they are not in the metadata, and `not_in_models` keeps Alembic's comparison off them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

FTS_TABLE = "search_documents_fts"
TRIGRAM_INDEXES = ("ix_search_documents_title_trgm", "ix_search_documents_body_trgm")


class SearchDocument(db.Model):
    """The words of one item (kind, item_id) of a community, and the time it is ordered by."""

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "item_id"),
        Index("ix_search_documents_community_kind", "community_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(Integer)
    community_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def not_in_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: leave out what the migration makes by hand (the FTS5 table and its shadow
    tables, the trigram indexes), so that comparing models with migrations stays exact."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name in TRIGRAM_INDEXES)
