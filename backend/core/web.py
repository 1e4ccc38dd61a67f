"""Small helpers for routes (the HTTP layer only)."""

from flask_login import current_user


def actor():
    """The acting user for services: a User, or Flask-Login's anonymous user."""
    return current_user._get_current_object()
