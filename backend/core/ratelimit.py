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


GUESS_REFUSALS = (404, 409, 422)  # an unknown, used or expired code; a wrong check-in code


def _guessed_wrong(response) -> bool:
    return response.status_code in GUESS_REFUSALS


def code_guesses():
    """Route decorator for endpoints that take a short secret code (invite codes, check-in codes): wrong guesses
    are limited per account (RATELIMIT_CODE_GUESSES_ACCOUNT) and per client address
    (RATELIMIT_CODE_GUESSES_ADDRESS), so that neither many accounts behind one address nor one account over
    many addresses can try codes one after another. Only refusals count: typing the right code is never held
    back by earlier successes."""
    per_account = limiter.limit(
        lambda: current_app.config.get("RATELIMIT_CODE_GUESSES_ACCOUNT", "10 per hour"),
        key_func=lambda: f"guess:{user_or_address()}",
        deduct_when=_guessed_wrong,
    )
    per_address = limiter.limit(
        lambda: current_app.config.get("RATELIMIT_CODE_GUESSES_ADDRESS", "30 per hour"),
        key_func=lambda: f"guess-address:{get_remote_address()}",
        deduct_when=_guessed_wrong,
    )

    def decorate(view):
        return per_account(per_address(view))

    return decorate


def check_limits_only_where_declared(app) -> bool:
    """Drop Flask-Limiter's before_request hook when it can only ever find nothing (issue 17: 2-4% of a read).

    Every limit here is a route decorator (per_user, code_guesses, @limiter.limit), and a decorator checks
    its own limits when its view runs; the hook evaluates only default, application and blueprint limits,
    and meta limits. With none of them configured it checks an empty list on every request, so it goes
    (after every blueprint is registered); if an operator configures any, it stays. True when dropped.
    """
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or manager._blueprint_limits or limiter._meta_limits:
        return False
    hooks = app.before_request_funcs.get(None, [])
    kept = [hook for hook in hooks if hook != limiter._check_request_limit]
    if len(kept) == len(hooks):
        return False
    app.before_request_funcs[None] = kept
    return True
