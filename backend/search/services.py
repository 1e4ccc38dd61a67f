"""Search a community: what the person may open, ranked by relevance then recency, matched words marked.

A query is split on spaces into terms; every term must be found, in the title or the body, as typed
(a substring: Chinese needs no segmenting, 路灯 finds 3栋门口路灯不亮了). Terms of three characters or more are
looked up through the index (SQLite FTS5 trigram MATCH; PostgreSQL ILIKE on pg_trgm GIN indexes); shorter
terms, which no trigram can hold, are matched with LIKE within the community's documents (and, on SQLite,
within the rows the longer terms found). Relevance counts where the terms are: a term in the title weighs
three, in the body one. Who may open a row is asked of its domain in SQL (backend/core/search.py), so
nothing the person may not open reaches a result, a page or a count.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_, select, text

from backend.communities import services as communities
from backend.core import search as registry
from backend.core.errors import ValidationFailed
from backend.extensions import db
from backend.search.indexer import load_domain_kinds
from backend.search.models import FTS_TABLE, SearchDocument

MAX_TERMS = 5
MAX_OFFSET = 200  # ten pages of twenty: enough to find something, not a way to walk the whole index
EXCERPT_LENGTH = 90
EXCERPT_LEAD = 20  # characters shown before the first match in the excerpt
TITLE_WEIGHT, BODY_WEIGHT = 3, 1


@dataclass
class Hit:
    type: str
    id: int
    title: str
    excerpt: str
    at: datetime | None
    highlights: dict = field(default_factory=dict)
    href: str | None = None  # the app's page of the item


@dataclass
class Results:
    items: list[Hit]
    next_cursor: str | None


def terms_of(query: str) -> list[str]:
    """The distinct terms of a query, in order, at most MAX_TERMS."""
    terms: list[str] = []
    for term in query.split():
        if term.casefold() not in (t.casefold() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def search(
    actor, community_id: int, *, q: str, types: list[str] | None = None, limit: int = 20, cursor: str | None = None
) -> Results:
    """The items of this community that match every term of `q` and that this person may open.

    :raises NotFound: no such community.
    :raises ValidationFailed: an empty query, an unknown type or a bad cursor.
    """
    load_domain_kinds()
    communities.get_community(community_id)
    terms = terms_of(q or "")
    if not terms:
        raise ValidationFailed({"q": ["type something to search for"]})
    kinds = _kinds(types)
    offset = _offset_of(cursor)
    if offset >= MAX_OFFSET:
        return Results([], None)
    found = db.session.execute(_statement(actor, community_id, terms, kinds).offset(offset).limit(limit + 1)).all()
    more = len(found) > limit and offset + limit < MAX_OFFSET
    items = [_hit(row, terms) for row in found[:limit]]
    return Results(items, _cursor_of(offset + limit) if more else None)


def kinds(*, locale: str) -> list[dict]:
    """What search can find, for the app's filter chips and result rows: each kind's name in `locale`, its
    icon and its page (so that a new searchable domain needs no change in the app)."""
    load_domain_kinds()
    return [
        {
            "type": kind.kind,
            "label": kind.label(locale),
            "label_plural": kind.label(locale, plural=True),
            "icon": kind.icon,
            "screen": kind.screen,
        }
        for kind in registry.all_kinds()
    ]


def _kinds(types: list[str] | None) -> list[str]:
    known = registry.kinds()
    if not types:
        return list(known)
    unknown = [t for t in types if t not in known]
    if unknown:
        raise ValidationFailed({"types": [f"unknown type: {', '.join(unknown)} (one of {', '.join(known)})"]})
    return list(dict.fromkeys(types))


def _offset_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed({"cursor": ["not a cursor of this search"]}) from None
    if offset < 0:
        raise ValidationFailed({"cursor": ["not a cursor of this search"]})
    return offset


def _cursor_of(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _like(column, term: str):
    """`column` contains `term` as typed (case folded), with LIKE's own characters taken literally."""
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if _postgres():
        return column.ilike(pattern, escape="\\")
    return column.like(pattern, escape="\\")  # SQLite's LIKE folds ASCII case


def _caseless(term: str) -> bool:
    """Chinese characters and digits have no case: such a term is compared as it is, without lower()."""
    return term.lower() == term.upper()


def _has(column, term: str):
    """`column` contains `term`, without LIKE: what scoring, and short terms on PostgreSQL, use (cheaper
    per row than a pattern, and never an index lookup)."""
    if _postgres():
        found = func.strpos(column, term) if _caseless(term) else func.strpos(func.lower(column), term.lower())
        return found > 0
    return func.instr(column, term) > 0 if _caseless(term) else _like(column, term)


def _contains(column, term: str):
    """The match condition of one term. On PostgreSQL a term of three characters or more is an ILIKE, which
    the trigram indexes answer; a shorter one is written so that the planner cannot take the trigram index
    for it (no trigram to look up: the index would return every row of every community to be checked again)
    and it reads the community's rows instead. On SQLite the FTS5 MATCH narrows the rows (long terms) and
    this only confirms."""
    if _postgres() and len(term) >= 3:
        return _like(column, term)
    return _has(column, term)


def _fts_query(terms: list[str]) -> str:
    """An FTS5 query: every long term as a quoted phrase (a substring under the trigram tokenizer)."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _statement(actor, community_id: int, terms: list[str], kinds: list[str]):
    doc = SearchDocument
    visible = or_(
        *(
            and_(doc.kind == kind, doc.item_id.in_(registry.get(kind).visible_ids(actor, community_id)))
            for kind in kinds
        )
    )
    matches = [or_(_contains(doc.title, term), _contains(doc.body, term)) for term in terms]
    score = sum(
        (case((_has(doc.title, term), TITLE_WEIGHT), else_=0) + case((_has(doc.body, term), BODY_WEIGHT), else_=0))
        for term in terms
    )
    conditions = [doc.community_id == community_id, doc.kind.in_(kinds), *matches]
    long_terms = [term for term in terms if len(term) >= 3]
    if long_terms and not _postgres():
        # The trigram index narrows the rows first; the LIKEs above then only confirm and score them.
        in_index = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts").bindparams(
            fts=_fts_query(long_terms)
        )
        conditions.append(doc.id.in_(in_index))
    conditions.append(visible)
    relevance = (score + literal(0)).label("relevance")
    return (
        select(doc.kind, doc.item_id, doc.title, doc.body, doc.at, relevance)
        .where(*conditions)
        .order_by(relevance.desc(), doc.at.desc(), doc.id.desc())
    )


def _hit(row, terms: list[str]) -> Hit:
    body = " ".join((row.body or "").split())
    if row.title and body.startswith(row.title):  # a report's title is its description's start: no echo
        body = body[len(row.title) :].strip()
    excerpt = excerpt_of(body, terms)
    return Hit(
        type=row.kind,
        id=row.item_id,
        title=row.title,
        excerpt=excerpt,
        at=row.at,
        href=registry.get(row.kind).href(row.item_id),
        highlights={"title": ranges_of(row.title, terms), "excerpt": ranges_of(excerpt, terms)},
    )


def ranges_of(words: str, terms: list[str]) -> list[list[int]]:
    """Where the terms are in `words`: sorted, merged [start, end) ranges in characters (code points)."""
    spans = sorted((m.start(), m.end()) for term in terms for m in re.finditer(re.escape(term), words, re.IGNORECASE))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def excerpt_of(body: str, terms: list[str]) -> str:
    """A short stretch of the body around its first match (its beginning when the match is in the title)."""
    flat = " ".join((body or "").split())
    firsts = [m.start() for term in terms if (m := re.search(re.escape(term), flat, re.IGNORECASE))]
    start = max(0, min(firsts) - EXCERPT_LEAD) if firsts else 0
    piece = flat[start : start + EXCERPT_LENGTH]
    return ("…" if start > 0 else "") + piece + ("…" if start + EXCERPT_LENGTH < len(flat) else "")
