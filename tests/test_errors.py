"""Every error is problem+json with a stable code, in the request's language, with no traceback."""

import pytest
from flask import Blueprint


@pytest.fixture
def boom_client(app):
    """A separate app (same database) with a route that raises, so the suite's app stays clean."""
    from backend import create_app
    from tests.conftest import ApiClient, SuiteConfig

    boom_app = create_app(SuiteConfig)
    bp = Blueprint("boom", __name__)

    @bp.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    boom_app.register_blueprint(bp)
    return ApiClient(boom_app, boom_app.response_class, use_cookies=True)


def assert_problem(response, status: int, code: str):
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.json
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


def test_unexpected_error_is_500_without_traceback(boom_client, caplog):
    response = boom_client.get("/api/v1/_boom")
    body = assert_problem(response, 500, "internal_error")
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "hunter2" not in text and "RuntimeError" not in text
    assert "unhandled error" in caplog.text  # it is logged for us, not shown to them
    assert set(body) == {"type", "title", "status", "code", "detail"}


def test_not_found_in_english_and_chinese(client):
    english = assert_problem(
        client.get("/api/v1/communities/999", headers={"Accept-Language": "en-GB,en;q=0.9"}), 404, "not_found"
    )
    chinese = assert_problem(
        client.get("/api/v1/communities/999", headers={"Accept-Language": "zh-CN"}), 404, "not_found"
    )
    assert english["title"] == "Not found"
    assert chinese["title"] == "未找到"


def test_default_language_is_chinese(client):
    assert assert_problem(client.get("/api/v1/communities/999"), 404, "not_found")["title"] == "未找到"


def test_unknown_api_path_is_problem_json(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_validation_error_lists_fields(client):
    body = assert_problem(client.post("/api/v1/auth/register", json={"password": 1}), 422, "validation_failed")
    assert {"password", "display_name"} <= set(body["errors"])


def test_unknown_field_is_refused(client):
    body = assert_problem(
        client.post("/api/v1/auth/login", json={"login": "a@b.cn", "password": "x" * 10, "admin": 1}),
        422,
        "validation_failed",
    )
    assert "admin" in body["errors"]


def test_malformed_json_is_an_error_not_a_crash(client):
    response = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.content_type == "application/problem+json"


def test_auth_required_and_forbidden(client_for, make_user, make_community):
    community = make_community()
    assert_problem(client_for().get("/api/v1/me"), 401, "auth_required")
    outsider = client_for(make_user())
    body = assert_problem(outsider.get(f"/api/v1/communities/{community.id}/members"), 403, "forbidden")
    assert body["reason"] == "not_a_member"


def test_wrong_method_is_problem_json(client):
    response = client.delete("/api/v1/auth/session")
    assert response.status_code == 405
    assert response.content_type == "application/problem+json"


def test_field_messages_follow_the_request_language(client):
    body = {"display_name": "x" * 41, "password": "short", "email": "a@b.cn"}
    chinese = client.post("/api/v1/auth/register", json=body, headers={"Accept-Language": "zh-CN"}).json
    english = client.post("/api/v1/auth/register", json=body, headers={"Accept-Language": "en"}).json
    assert chinese["errors"]["display_name"] == ["长度须在 1 到 40 之间。"]
    assert english["errors"]["display_name"] == ["Length must be between 1 and 40."]
    unknown = client.post(
        "/api/v1/auth/login", json={"login": "a", "password": "b", "x": 1}, headers={"Accept-Language": "zh-CN"}
    ).json
    assert unknown["errors"]["x"] == ["不允许的字段。"]


def test_a_busy_database_answers_503_with_retry_after(app):
    """SQLite's write lock held past busy_timeout: 503 that the outbox retries, not a 500."""
    from sqlalchemy.exc import OperationalError

    from backend import create_app
    from tests.conftest import ApiClient, SuiteConfig

    busy_app = create_app(SuiteConfig)
    bp = Blueprint("busy", __name__)

    @bp.post("/api/v1/_busy")
    def busy():
        raise OperationalError("INSERT ...", {}, Exception("database is locked"))

    busy_app.register_blueprint(bp)
    response = ApiClient(busy_app, busy_app.response_class, use_cookies=True).post("/api/v1/_busy")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.json["code"] == "service_unavailable"
