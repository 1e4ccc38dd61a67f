"""CSRF: a per-session token that every state-changing API request sends in X-CSRF-Token.

The token lives in the (signed) session for the whole session, so a PWA left open all day keeps
working; it survives sign-in so that a form fetched before signing in is still valid after.
"""

import hmac
import secrets

from flask import request, session

from backend.core.db import SAFE_METHODS
from backend.core.errors import DomainError

CSRF_HEADER = "X-CSRF-Token"
SESSION_KEY = "csrf_token"


def csrf_token() -> str:
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def check_csrf() -> None:
    """before_request: refuse an unsafe API request whose header does not match the session's token."""
    if request.method in SAFE_METHODS or not request.path.startswith("/api/"):
        return
    expected = session.get(SESSION_KEY)
    sent = request.headers.get(CSRF_HEADER, "")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise DomainError("csrf_failed", status=403)
