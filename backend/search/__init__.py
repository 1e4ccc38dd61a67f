"""Search: one search box over the community's projects, reports, aid posts, notices, activities and polls.
Each domain registers what it offers in its own `search.py` (backend/core/search.py); this package keeps the
index (SQLite FTS5 trigram, PostgreSQL pg_trgm), fills it in the same transaction as the content, and asks
each domain who may open what."""

from backend.core.manifest import Domain, Job

DOMAIN = Domain(
    "search",
    layer="overview",
    models="backend.search.models",
    blueprints=("backend.search.routes:blp",),
    jobs=(
        Job(
            "search-reindex",
            "backend.search.indexer:reindex_all",
            None,
            description="rebuild the search index from every searchable kind (after a restore or a bulk import)",
        ),
    ),
)
