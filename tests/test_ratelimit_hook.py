"""Rate limits are checked by the routes that declare them, not by a hook on every request (issue 17).

Flask-Limiter's before_request hook only ever evaluates default, application, blueprint and meta limits;
Linli declares none, so `check_limits_only_where_declared` drops it. The declared limits must keep working
(tests/test_rate_limits.py attacks them), and the hook must stay as soon as any of those limits exists."""

from __future__ import annotations

from flask import Flask

from backend.core.ratelimit import check_limits_only_where_declared
from backend.extensions import limiter


def test_the_hook_is_gone_and_declared_limits_still_answer_429(app, client):
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])
    statuses = [
        client.post("/api/v1/auth/login", json={"login": f"nobody{n}@example.test", "password": "x" * 12}).status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:10]  # RATELIMIT_LOGIN: 10 per minute per address
    assert client.get("/api/v1/auth/session").status_code == 200  # an undeclared route: never limited


def test_a_declared_limit_still_sends_its_headers(app, client):
    answered = client.post("/api/v1/auth/login", json={"login": "nobody@example.test", "password": "x" * 12})
    assert answered.headers["X-RateLimit-Limit"] == "10"
    assert "X-RateLimit-Limit" not in client.get("/api/v1/auth/session").headers


def test_the_hook_stays_when_any_limit_would_need_it(monkeypatch):
    """Default (or application, blueprint, meta) limits set by an operator: the hook is what checks them."""
    bare = Flask(__name__)
    bare.before_request(limiter._check_request_limit)
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [[object()]])  # groups of limits
    assert check_limits_only_where_declared(bare) is False
    assert limiter._check_request_limit in bare.before_request_funcs[None]
    monkeypatch.undo()
    assert check_limits_only_where_declared(bare) is True
    assert limiter._check_request_limit not in bare.before_request_funcs[None]
