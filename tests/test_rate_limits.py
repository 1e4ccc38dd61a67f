"""Rate limits on posting, flagging, invites and push subscriptions (per user), and ProxyFix.

Flask-Limiter counts in before_request, so every attempt counts whatever its outcome: the bodies
sent here may be refused (403/422) and still use up the budget, as an abusive client would.
"""

import pytest

from backend import register_proxy

LIMITED_WRITES = [
    ("RATELIMIT_POSTING", "POST", "/api/v1/communities/{cid}/projects"),
    ("RATELIMIT_POSTING", "POST", "/api/v1/communities/{cid}/reports"),
    ("RATELIMIT_POSTING", "POST", "/api/v1/communities/{cid}/aid"),
    ("RATELIMIT_POSTING", "POST", "/api/v1/projects/1/comments"),
    ("RATELIMIT_FLAGGING", "POST", "/api/v1/flags"),
    ("RATELIMIT_INVITES", "POST", "/api/v1/communities/{cid}/invites"),
    ("RATELIMIT_PUSH_SUBSCRIPTIONS", "POST", "/api/v1/push/subscriptions"),
]
BUDGET = 3


@pytest.fixture
def small_limits(app, monkeypatch):
    for setting in {setting for setting, _, _ in LIMITED_WRITES}:
        monkeypatch.setitem(app.config, setting, f"{BUDGET} per minute")


@pytest.mark.parametrize("setting,method,path", LIMITED_WRITES, ids=[p for _, _, p in LIMITED_WRITES])
def test_limit_answers_429_rate_limited_after_the_budget(
    small_limits, client_for, make_community, make_member, setting, method, path
):
    community = make_community()
    url = path.format(cid=community.id)
    first, second = client_for(make_member(community)), client_for(make_member(community))
    statuses = [first.open(url, method=method, json={}).status_code for _ in range(BUDGET)]
    assert 429 not in statuses
    refused = first.open(url, method=method, json={})
    assert refused.status_code == 429
    problem = refused.get_json()
    assert problem["code"] == "rate_limited"
    assert refused.mimetype == "application/problem+json"
    # Per user, not per address: a neighbour on the same address still has their own budget.
    assert second.open(url, method=method, json={}).status_code != 429


def test_rate_limit_message_is_generic(client, make_user):
    """The breach says "too many requests", never whether the account exists."""
    make_user(email="known@example.test")
    for login in ["known@example.test"] * 10 + ["unknown@example.test"]:
        response = client.post("/api/v1/auth/login", json={"login": login, "password": "wrong-password-1"})
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert response.get_json()["code"] == "rate_limited" and "example.test" not in body


def test_sign_in_errors_do_not_reveal_whether_the_account_exists(client, make_user):
    make_user(email="known@example.test")
    known = client.post("/api/v1/auth/login", json={"login": "known@example.test", "password": "wrong-password-1"})
    unknown = client.post("/api/v1/auth/login", json={"login": "nobody@example.test", "password": "wrong-password-1"})
    assert known.status_code == unknown.status_code == 401
    assert known.get_json() == unknown.get_json()


def test_the_password_reset_does_not_reveal_accounts(app, client, make_user):
    """The one reset route takes a one-time code, and asking for one answers alike for known and unknown
    accounts (tests/accounts/test_login_codes.py attacks it further: timing, guessing, reuse, floods)."""
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    assert [rule for rule in rules if "reset" in rule or "forgot" in rule] == ["/api/v1/auth/password-reset"]
    make_user(email="known@example.test")
    answers = [
        client.post("/api/v1/auth/codes", json={"login": login, "purpose": "reset_password"})
        for login in ("known@example.test", "nobody@example.test")
    ]
    assert [a.status_code for a in answers] == [202, 202] and answers[0].get_json() == answers[1].get_json()
    resets = [
        client.post(
            "/api/v1/auth/password-reset",
            json={"login": login, "code": "123456", "new_password": "a-strong-new-pass-1"},
        )
        for login in ("known@example.test", "nobody@example.test")
    ]
    assert [r.status_code for r in resets] == [401, 401] and resets[0].get_json() == resets[1].get_json()


def _sign_in_attempts(client, addresses):
    return [
        client.post(
            "/api/v1/auth/login",
            json={"login": f"someone{n}@example.test", "password": "x" * 12},
            headers={"X-Forwarded-For": address},
        ).status_code
        for n, address in enumerate(addresses)
    ]


def test_forwarded_for_is_ignored_without_trusted_proxies(app, client):
    """With TRUSTED_PROXIES=0 a client cannot pick a new address per request to dodge the limit."""
    assert app.config["TRUSTED_PROXIES"] == 0
    statuses = _sign_in_attempts(client, [f"203.0.113.{n}" for n in range(11)])
    assert statuses[-1] == 429


def test_forwarded_for_is_honoured_with_one_trusted_proxy(app, client, monkeypatch):
    """Behind one proxy the limit counts the real clients the proxy reports."""
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored after the test
    register_proxy(app)
    assert 429 not in _sign_in_attempts(client, [f"203.0.113.{n}" for n in range(11)])
    # The same real client is still limited, whatever port or proxy it comes through.
    assert _sign_in_attempts(client, ["198.51.100.7"] * 11)[-1] == 429
