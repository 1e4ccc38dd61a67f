"""The registry of what search finds: each domain registers its searchable kinds in its own `search.py`
(named by `search=` in its manifest), as it registers its targets with backend.core.targets.

A kind declares:

- ``model``: the mapped class whose rows are documents; the search domain's indexer copies their words into
  its index whenever a row is inserted, its words change, or it is deleted, in the same flush (and so the
  same transaction) as the change itself;
- ``title(item)``, ``body(item)``: the words of the document (plain text, as people wrote them);
- ``words``: the attributes whose change re-indexes the row (the columns title and body read);
- ``screen``: the app's page of one item, with ``{id}`` (``"/polls/{id}"``): results link there;
- ``labels``: per locale, the kind's name for one result and for the filter chip
  (``{"zh-CN": ("投票", "投票"), "en": ("Poll", "Polls")}``), and ``icon``, the app's icon name: the search
  screen learns every kind from ``GET /search/kinds``, so a new domain needs no change in the app;
- ``visible_ids(actor, community_id)``: a SELECT of the ids of this kind the person may open in this
  community, in SQL, so that what they may not open never reaches a result, a page or a count. The index
  stores words only: who may see a row is always asked of its domain at the time of the search.

The search domain (backend/search) owns the index table and the query; the domains never import it, and it
never imports their tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.sql import Select


@dataclass(frozen=True)
class Searchable:
    kind: str
    model: type
    title: Callable[[Any], str]
    body: Callable[[Any], str]
    words: tuple[str, ...]
    visible_ids: Callable[[Any, int], Select]
    community_id: Callable[[Any], int]
    at: Callable[[Any], Any]  # the time results of equal relevance are ordered by (newest first)
    screen: str | None = None  # the app's page of one item, "/polls/{id}"
    labels: dict[str, tuple[str, str]] | None = None  # locale -> (one result's kind, the filter chip)
    icon: str = "search"

    def href(self, item_id: int) -> str | None:
        return self.screen.format(id=item_id) if self.screen else None

    def label(self, locale: str, *, plural: bool = False) -> str:
        names = (self.labels or {}).get(locale) or (self.labels or {}).get("zh-CN") or (self.kind, self.kind)
        return names[1 if plural else 0]


_KINDS: dict[str, Searchable] = {}
_BY_MODEL: dict[type, Searchable] = {}


def register(
    kind: str,
    *,
    model: type,
    title: Callable[[Any], str],
    body: Callable[[Any], str],
    words: tuple[str, ...],
    visible_ids: Callable[[Any, int], Select],
    community_id: Callable[[Any], int] = lambda item: item.community_id,
    at: Callable[[Any], Any] = lambda item: item.created_at,
    screen: str | None = None,
    labels: dict[str, tuple[str, str]] | None = None,
    icon: str = "search",
) -> Searchable:
    """Make `kind` searchable. Registering a kind twice is a mistake and fails at import."""
    if kind in _KINDS:
        raise ValueError(f"search kind {kind!r} registered twice")
    found = Searchable(kind, model, title, body, tuple(words), visible_ids, community_id, at, screen, labels, icon)
    _KINDS[kind] = found
    _BY_MODEL[model] = found
    return found


def kinds() -> tuple[str, ...]:
    return tuple(_KINDS)


def get(kind: str) -> Searchable:
    return _KINDS[kind]


def of_model(model: type) -> Searchable | None:
    return _BY_MODEL.get(model)


def all_kinds() -> tuple[Searchable, ...]:
    return tuple(_KINDS.values())
