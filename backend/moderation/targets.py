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
# Types whose items cannot be hidden (a person's profile): only warn / suspend apply.
_unhideable: set[str] = set()


def register_target(name: str, loader: Callable[[int], Moderatable | None], *, hideable: bool = True) -> None:
    _loaders[name] = loader
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
