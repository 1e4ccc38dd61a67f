"""Cookie sessions backed by a server-side record: sign-in, sign-out, and the Flask-Login loader.

The signed cookie holds the user id, a random session token and when the session was last seen.
The token's record makes revocation real (a copied cookie dies at sign-out); "last seen" gives an
idle timeout without writing to the database on every request.
"""

import time
from datetime import timedelta

from flask import current_app, session
from flask_login import login_user, logout_user

from backend.accounts import services
from backend.core.csrf import SESSION_KEY as CSRF_KEY
from backend.core.csrf import csrf_token

TOKEN_KEY = "sid"
SEEN_KEY = "seen"
SEEN_REFRESH_SECONDS = 300  # rewrite the cookie at most every 5 minutes


def sign_in(user) -> None:
    """A fresh session for `user` (nothing carried over but the page's CSRF token)."""
    token = csrf_token()
    session.clear()
    session[CSRF_KEY] = token
    session[TOKEN_KEY] = services.start_session(user)
    session[SEEN_KEY] = int(time.time())
    session.permanent = True
    login_user(user)


def sign_out() -> None:
    services.end_session(session.get(TOKEN_KEY))
    logout_user()
    session.pop(TOKEN_KEY, None)
    session.pop(SEEN_KEY, None)


def load_user(user_id: str):
    """Flask-Login's user_loader: refuse idle, expired and revoked sessions."""
    now = int(time.time())
    seen = session.get(SEEN_KEY, 0)
    if now - seen > current_app.config["SESSION_IDLE_SECONDS"]:
        return None
    user = services.load_session_user(
        user_id, session.get(TOKEN_KEY), max_age=timedelta(seconds=current_app.config["SESSION_ABSOLUTE_SECONDS"])
    )
    if user is not None and now - seen > SEEN_REFRESH_SECONDS:
        session[SEEN_KEY] = now
    return user
