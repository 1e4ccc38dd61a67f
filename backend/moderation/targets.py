"""What can be flagged and moderated: each content domain registers a loader for its type.

A loader takes an id and returns the item or None. The item satisfies `Moderatable`: the domain's
model has `community_id`, `author_id`, a settable `is_hidden` and `moderation_excerpt()`. Domains call
`register_target` at import time, so moderation never reads their tables itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from backend.core.errors import NotFound, ValidationFailed


class Moderatable(Protocol):
    id: int
    community_id: int
    author_id: int | None
    is_hidden: bool

    def moderation_excerpt(self) -> str: ...


_loaders: dict[str, Callable[[int], Moderatable | None]] = {}
# Optional batch loaders (ids -> {id: item}), so a page of the queue costs one query per type, not per row.
_batch_loaders: dict[str, Callable[[list[int]], dict[int, Moderatable]]] = {}
# Types whose items cannot be hidden (a person's profile): only warn / suspend apply.
_unhideable: set[str] = set()


def register_target(name: str, loader: Callable[[int], Moderatable | None], *, hideable: bool = True,
                    many: Callable[[list[int]], dict[int, Moderatable]] | None = None) -> None:
    _loaders[name] = loader
    if many is not None:
        _batch_loaders[name] = many
    if not hideable:
        _unhideable.add(name)


def target_types() -> list[str]:
    return sorted(_loaders)


def is_hideable(name: str) -> bool:
    return name not in _unhideable


def load_target(name: str, target_id: int) -> Moderatable:
    """:raises ValidationFailed: unknown type; :raises NotFound: no such item"""
    loader = _loaders.get(name)
    if loader is None:
        raise ValidationFailed({"target_type": [f"one of {', '.join(target_types())}"]})
    item = loader(target_id)
    if item is None:
        raise NotFound()
    return item


def by_ids(model) -> Callable[[list[int]], dict[int, Moderatable]]:
    """A batch loader for a model whose rows are the items: one SELECT ... WHERE id IN (...)."""
    from sqlalchemy import select

    from backend.extensions import db

    def load(ids: list[int]) -> dict[int, Moderatable]:
        return {item.id: item for item in db.session.scalars(select(model).where(model.id.in_(ids)))}

    return load


def load_targets(name: str, ids: list[int]) -> dict[int, Moderatable]:
    """{id: item} for the ids that exist (missing ones are left out); one query when a batch loader exists."""
    if name in _batch_loaders:
        return _batch_loaders[name](list(ids))
    found = {}
    for target_id in ids:
        try:
            found[target_id] = load_target(name, target_id)
        except NotFound:
            pass
    return found
