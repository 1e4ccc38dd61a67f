"""Keeps the search index in step with the content: in the same flush as the change, so in the same
transaction. A row of a searchable kind that is inserted, whose words change, or that is deleted through
the session has its document written or removed before the flush ends; a rolled-back request leaves no
stale words behind. Rows changed by a bulk UPDATE (a state change, an expiry) keep their words: the index
holds words only, and who may open a row is asked of its domain at search time (backend/core/search.py).
"""

from __future__ import annotations

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from backend.core import search as registry
from backend.core.manifest import installed, resolve
from backend.core.search import Searchable
from backend.extensions import db
from backend.search.models import SearchDocument

TITLE_MAX = 200
BODY_MAX = 10_000  # the longest body any domain accepts is shorter; a bound all the same
_LOADED = False


def load_domain_kinds() -> None:
    """Import every domain's `search` module (named in its manifest) once: each registers its kinds."""
    global _LOADED
    if _LOADED:
        return
    for domain in installed():
        if domain.search:
            resolve(domain.search)
    _LOADED = True


def document_of(spec: Searchable, item) -> dict:
    return {
        "kind": spec.kind,
        "item_id": item.id,
        "community_id": spec.community_id(item),
        "title": " ".join((spec.title(item) or "").split())[:TITLE_MAX],
        "body": (spec.body(item) or "")[:BODY_MAX],
        "at": spec.at(item),
    }


def _words_changed(spec: Searchable, item) -> bool:
    state = inspect(item)
    return any(state.attrs[name].history.has_changes() for name in spec.words)


@event.listens_for(Session, "after_flush")
def _index_flushed_rows(session: Session, _flush_context) -> None:
    written: list[tuple[Searchable, object]] = []
    removed: list[tuple[str, int]] = []
    for item in session.new:
        spec = registry.of_model(type(item))
        if spec is not None:
            written.append((spec, item))
    for item in session.dirty:
        spec = registry.of_model(type(item))
        if spec is not None and _words_changed(spec, item):
            written.append((spec, item))
    for item in session.deleted:
        spec = registry.of_model(type(item))
        if spec is not None:
            removed.append((spec.kind, item.id))
    if not written and not removed:
        return
    connection = session.connection()
    for kind, item_id in removed + [(spec.kind, item.id) for spec, item in written]:
        connection.execute(delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.item_id == item_id))
    if written:
        connection.execute(insert(SearchDocument), [document_of(spec, item) for spec, item in written])


def reindex_all(batch: int = 500) -> int:
    """Rebuild the index from every searchable kind (job `search-reindex`): after a restore, a bulk import
    that bypassed the session, or a change of what a kind indexes. Returns the number of documents."""
    load_domain_kinds()
    count = 0
    for spec in registry.all_kinds():
        db.session.execute(delete(SearchDocument).where(SearchDocument.kind == spec.kind))
        ids = list(db.session.scalars(select(spec.model.id).order_by(spec.model.id)))
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            items = db.session.scalars(select(spec.model).where(spec.model.id.in_(chunk))).all()
            if items:
                db.session.execute(insert(SearchDocument), [document_of(spec, item) for item in items])
                count += len(items)
            db.session.expunge_all()  # a district's worth of rows never sits in the session at once
    return count
