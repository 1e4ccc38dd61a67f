"""Per-person rate limits for writes: counted per user when signed in, else per client address.

Counting per user (not per address) means neighbours behind one NAT or phone carrier do not share a
budget, and one person cannot dodge the limit by changing networks. The counters live in the
limiter's storage (Redis when REDIS_URL is set, else a SQLite file in instance/: core/ratelimit_store.py),
so every gunicorn worker shares them. A breach answers 429 `rate_limited` with a generic message that names no account.
"""

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from backend.extensions import limiter


def user_or_address() -> str:
    """The limiter key: `user:<id>` when signed in, else `address:<client ip>` (ProxyFix-corrected)."""
    if getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


def per_user(setting: str):
    """Route decorator: the limit in config[`setting`] (e.g. "30 per minute"), per user."""
    return limiter.limit(lambda: current_app.config[setting], key_func=user_or_address)
