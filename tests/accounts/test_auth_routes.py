"""Sign-up, sign-in, sign-out, session and CSRF through the API."""

import pytest

from tests.conftest import PASSWORD


def register(client, **body):
    payload = {"password": PASSWORD, "display_name": "Neighbour", **body}
    return client.post("/api/v1/auth/register", json=payload)


def test_register_with_email_signs_in_and_normalises(client):
    response = register(client, email="  Mei.Lin@Example.COM ")
    assert response.status_code == 201
    assert response.json["email"] == "mei.lin@example.com"
    session = client.get("/api/v1/auth/session").json
    assert session["user"]["id"] == response.json["id"]


@pytest.mark.parametrize("typed", ["138 1234 5678", "+86 138-1234-5678", "008613812345678", "8613812345678"])
def test_register_with_phone_normalises_to_e164(client, typed):
    response = register(client, phone=typed)
    assert response.status_code == 201
    assert response.json["phone"] == "+8613812345678"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+1 415 555 0100"}, "phone"),
        ({}, "email"),
        ({"email": "a@b.cn", "phone": "13812345678"}, "email"),
        ({"email": "short@example.com", "password": "short"}, "password"),
        ({"email": "same@example.com", "password": "aaaaaaaaaaaa"}, "password"),
    ],
)
def test_register_refuses_bad_input_with_field_errors(client, body, field):
    response = register(client, **body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.json["errors"]


def test_register_refuses_unknown_fields(client):
    response = register(client, email="x@example.com", is_platform_admin=True)
    assert response.status_code == 422
    assert "is_platform_admin" in response.json["errors"]


def test_duplicate_email_or_phone_is_a_conflict(client, client_for):
    assert register(client, email="dup@example.com").status_code == 201
    assert register(client_for(), email="DUP@example.com").json["code"] == "account.account_exists"
    assert register(client_for(), phone="13900001111").status_code == 201
    response = register(client_for(), phone="+86 139 0000 1111")
    assert response.status_code == 409 and response.json["code"] == "account.account_exists"


def test_login_with_email_or_phone_then_logout(client, make_user):
    make_user(email="li@example.com")
    make_user(phone="13700001234")
    assert client.post("/api/v1/auth/login", json={"login": "LI@example.com", "password": PASSWORD}).status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/auth/session").json["user"] is None
    response = client.post("/api/v1/auth/login", json={"login": "137 0000 1234", "password": PASSWORD})
    assert response.status_code == 200 and response.json["phone"] == "+8613700001234"


def test_wrong_password_and_unknown_account_give_the_same_answer(client, make_user):
    make_user(email="known@example.com")
    wrong = client.post("/api/v1/auth/login", json={"login": "known@example.com", "password": "wrong-password-1"})
    unknown = client.post("/api/v1/auth/login", json={"login": "nobody@example.com", "password": "wrong-password-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["code"] == unknown.json["code"] == "invalid_credentials"
    assert wrong.json["detail"] == unknown.json["detail"]


def test_state_changing_request_without_csrf_token_is_refused(raw_client, make_user):
    make_user(email="csrf@example.com")
    raw = raw_client
    raw.get("/api/v1/auth/session")
    response = raw.post("/api/v1/auth/login", json={"login": "csrf@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert response.json["code"] == "csrf_failed"
    wrong = raw.post(
        "/api/v1/auth/login",
        json={"login": "csrf@example.com", "password": PASSWORD},
        headers={"X-CSRF-Token": "forged"},
    )
    assert wrong.status_code == 403


def test_csrf_token_from_session_endpoint_is_accepted_and_survives_sign_in(raw_client, make_user):
    make_user(email="flow@example.com")
    raw = raw_client
    token = raw.get("/api/v1/auth/session").json["csrf_token"]
    response = raw.post(
        "/api/v1/auth/login", json={"login": "flow@example.com", "password": PASSWORD}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200
    assert raw.get("/api/v1/auth/session").json["csrf_token"] == token
    assert raw.patch("/api/v1/me", json={"care_mode": True}, headers={"X-CSRF-Token": token}).status_code == 200


def test_sign_in_is_rate_limited(client, make_user):
    make_user(email="limited@example.com")
    statuses = [
        client.post(
            "/api/v1/auth/login", json={"login": "limited@example.com", "password": "bad-password-x"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    last = client.post("/api/v1/auth/login", json={"login": "limited@example.com", "password": PASSWORD})
    assert last.status_code == 429 and last.json["code"] == "rate_limited"


def test_sign_up_is_rate_limited(client):
    statuses = [register(client, email=f"burst{i}@example.com").status_code for i in range(6)]
    assert statuses == [201] * 5 + [429]


def test_password_change_signs_out_other_sessions(client_for, make_user):
    user = make_user(email="pw@example.com")
    phone, laptop = client_for(user), client_for(user)
    response = phone.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "a-brand-new-secret"}
    )
    assert response.status_code == 204
    assert phone.get("/api/v1/me").status_code == 200
    assert laptop.get("/api/v1/me").status_code == 401


def test_per_account_limit_holds_across_addresses_and_spellings(app, client, make_user, monkeypatch):
    """Can many addresses grind one account's password by writing its number differently? No."""
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "3 per hour")
    make_user(phone="13912345678")
    spellings = ["13912345678", "+86 139 1234 5678", "0086-139-1234-5678", "139 1234 5678"]
    statuses = [
        client.post(
            "/api/v1/auth/login",
            json={"login": typed, "password": "wrong-password-1"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        ).status_code
        for i, typed in enumerate(spellings)
    ]
    assert statuses == [401, 401, 401, 429]
