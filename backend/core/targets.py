"""One registry of the things people act on: what can be flagged and hidden, commented, followed and
illustrated with photos, and who may see it.

Each domain registers its kinds in its own ``backend/<domain>/targets.py`` (named in its manifest and
imported by the app factory before any request). Comments, uploads, moderation and notifications ask
this registry and never import the domains they serve. A kind is one singular word, the same in every
table that stores it (``comments.target_type``, ``uploads.target_type``, ``follows.target_type``...)::

    targets.register("report", model=Report, can_see=services.can_see, path="reports",
                     author_id=lambda report: report.reporter_id, title=lambda report: report.description[:60],
                     flaggable=True, hideable=True, followable=True, commentable=True, photos=True)

What a kind declares:

- ``load(id)`` / ``load_many(ids)``: the item or None / ``{id: item}`` (by primary key when ``model`` is given);
- ``community_id(item)``, ``author_id(item)``, ``title(item)``, ``excerpt(item)`` (what the moderation
  queue shows), ``follower_ids(item)`` (people told of new comments besides the author);
- ``can_see(actor, item)``: whether this person may see it (anonymous visitors included);
- ``path``: the plural URL segment of its comment thread (``/api/v1/reports/{id}/comments``: API contract);
- capabilities: ``flaggable`` (moderation accepts flags and actions on it), ``hideable`` (moderation may
  hide it: the item has a settable ``is_hidden``), ``followable``, ``commentable``, ``photos``;
- ``official(item)``: whether it speaks in the committee's name (a notice): flags never hide it on their
  own, they go to the committee's queue (content by committee members is treated alike by moderation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from backend.core.errors import NotFound, ValidationFailed

CAPABILITIES = ("flaggable", "hideable", "followable", "commentable", "photos")


@dataclass(frozen=True)
class Target:
    kind: str
    load: Callable[[int], Any | None]
    load_many: Callable[[list[int]], dict[int, Any]]
    can_see: Callable[[Any, Any], bool]
    community_id: Callable[[Any], int]
    author_id: Callable[[Any], int | None]
    title: Callable[[Any], str]
    excerpt: Callable[[Any], str]
    follower_ids: Callable[[Any], Iterable[int]]
    official: Callable[[Any], bool] = lambda _item: False
    path: str | None = None
    flaggable: bool = False
    hideable: bool = False
    followable: bool = False
    commentable: bool = False
    photos: bool = False

    def get(self, target_id: int) -> Any:
        """:raises NotFound: no such item"""
        item = self.load(target_id)
        if item is None:
            raise NotFound()
        return item

    def get_visible(self, actor, target_id: int) -> Any:
        """:raises NotFound: no such item, or one the actor may not see (it does not exist for them)"""
        item = self.get(target_id)
        if not self.can_see(actor, item):
            raise NotFound()
        return item


_registry: dict[str, Target] = {}


def _attribute(name: str, default=None) -> Callable[[Any], Any]:
    return lambda item: getattr(item, name, default)


def excerpt_of(*fields: str) -> Callable[[Any], str]:
    """What the moderation queue shows of an item: its fields joined, cut at 200 characters."""
    return lambda item: " — ".join(str(getattr(item, name) or "") for name in fields)[:200]


def _by_primary_key(model):
    from sqlalchemy import select

    from backend.extensions import db

    def load(target_id: int):
        return db.session.get(model, target_id)

    def load_many(ids: list[int]) -> dict[int, Any]:
        if not ids:
            return {}
        return {item.id: item for item in db.session.scalars(select(model).where(model.id.in_(list(ids))))}

    return load, load_many


def register(
    kind: str,
    *,
    can_see: Callable[[Any, Any], bool],
    model=None,
    load: Callable[[int], Any | None] | None = None,
    load_many: Callable[[list[int]], dict[int, Any]] | None = None,
    community_id: Callable[[Any], int] | None = None,
    author_id: Callable[[Any], int | None] | None = None,
    title: Callable[[Any], str] | None = None,
    excerpt: Callable[[Any], str] | None = None,
    follower_ids: Callable[[Any], Iterable[int]] | None = None,
    official: Callable[[Any], bool] | None = None,
    path: str | None = None,
    **capabilities: bool,
) -> Target:
    """Add a kind (once: a second registration of the same kind is a programming error)."""
    if kind in _registry:
        raise ValueError(f"target kind {kind!r} is registered twice")
    unknown = set(capabilities) - set(CAPABILITIES)
    if unknown:
        raise ValueError(f"unknown capabilities {sorted(unknown)}; known: {CAPABILITIES}")
    if capabilities.get("commentable") and not path:
        raise ValueError(f"commentable kind {kind!r} needs the `path` of its comment thread")
    if model is not None:
        by_key, many_by_key = _by_primary_key(model)
        load, load_many = load or by_key, load_many or many_by_key
    if load is None:
        raise ValueError(f"target kind {kind!r} needs `model` or `load`")
    if load_many is None:
        load_many = _one_by_one(load)
    title = title or _attribute("title", "")
    target = Target(
        kind=kind,
        load=load,
        load_many=load_many,
        can_see=can_see,
        community_id=community_id or _attribute("community_id"),
        author_id=author_id or _attribute("author_id"),
        title=title,
        excerpt=excerpt or (lambda item: str(title(item))[:200]),
        follower_ids=follower_ids or (lambda _item: ()),
        official=official or (lambda _item: False),
        path=path,
        **capabilities,
    )
    _registry[kind] = target
    return target


def register_timeline_step(kind: str, model, *, parent: Target, parent_id: str) -> Target:
    """A step on a parent's public timeline (a progress update, a handling step), for the photos it
    carries: seen by whoever sees the parent, in the parent's community, written by its actor."""

    def parent_of(step):
        return parent.get(getattr(step, parent_id))

    return register(
        kind,
        model=model,
        can_see=lambda actor, step: parent.can_see(actor, parent_of(step)),
        community_id=lambda step: parent.community_id(parent_of(step)),
        author_id=lambda step: step.actor_id,
        photos=True,
    )


def _one_by_one(load):
    def load_many(ids: list[int]) -> dict[int, Any]:
        found = {}
        for target_id in ids:
            item = load(target_id)
            if item is not None:
                found[target_id] = item
        return found

    return load_many


def get(kind: str) -> Target | None:
    return _registry.get(kind)


def kinds(capability: str | None = None) -> list[str]:
    """Registered kinds (with `capability`), in registration order (the order of backend/domains.py)."""
    return [kind for kind, target in _registry.items() if capability is None or getattr(target, capability)]


def require(kind: str, capability: str, field: str = "target_type") -> Target:
    """The kind's registration if it has `capability`.

    :raises ValidationFailed: an unknown kind, or one without the capability
    """
    target = _registry.get(kind)
    if target is None or not getattr(target, capability):
        raise ValidationFailed({field: [f"one of {', '.join(kinds(capability))}"]})
    return target


def by_path(path: str) -> Target | None:
    """The commentable kind whose thread lives under /api/v1/<path>/<id>/comments."""
    return next((t for t in _registry.values() if t.commentable and t.path == path), None)


def register_path_converter(app, api) -> None:
    """`<target_path:target>` in a route: the plural segment of a commentable kind (projects, reports, ...),
    handed to the view as the kind. Registered before the blueprints: the rule compiles the segments
    registered by then (the app factory imports every domain's targets first)."""
    import re

    from werkzeug.routing import BaseConverter

    class TargetPathConverter(BaseConverter):
        def __init__(self, url_map, *args, **kwargs):
            super().__init__(url_map, *args, **kwargs)
            paths = [t.path for t in _registry.values() if t.commentable]
            self.regex = "(?:" + "|".join(re.escape(p) for p in paths) + ")" if paths else "(?!)"

        def to_python(self, value: str) -> str:
            return by_path(value).kind

        def to_url(self, value: str) -> str:
            return _registry[value].path

    app.url_map.converters["target_path"] = TargetPathConverter
    api.register_converter(
        TargetPathConverter,
        lambda _converter: {"type": "string", "enum": [t.path for t in _registry.values() if t.commentable]},
    )
