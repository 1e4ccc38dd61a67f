"""Who is acting: services take the actor explicitly (a User, or Flask-Login's anonymous user)."""

from __future__ import annotations

from backend.core.errors import AuthRequired


def is_signed_in(actor) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def actor_id(actor) -> int | None:
    """The signed-in person's id, None for a visitor."""
    return actor.id if is_signed_in(actor) else None


def require_user(actor):
    """The signed-in user, or 401."""
    if not is_signed_in(actor):
        raise AuthRequired()
    return actor
