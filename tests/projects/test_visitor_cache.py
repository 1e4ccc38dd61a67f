"""Visitors' shared copies of public pages (backend/core/visitor_cache.py): the next visitor is answered
without the database, with the same bytes the view would build; any write shows on the very next request;
signed-in people never get or fill the copies; each language has its own; ETag and 304.

The suite's app runs with the cache off (its clean-up empties tables behind the app's back); `cached` is a
second app on the same database with the cache on and a store of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from backend import create_app
from backend.extensions import db
from tests.conftest import ApiClient, SuiteConfig
from tests.projects.conftest import load


@pytest.fixture
def cached(app, tmp_path):
    class Cached(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = str(tmp_path / "instance")
        UPLOAD_DIR = app.config["UPLOAD_DIR"]
        VISITOR_CACHE_SECONDS = 30
        REDIS_URL = None  # the embedded default's store; the PostgreSQL pass covers Redis in the next test

    return create_app(Cached)


@pytest.fixture
def cached_on_redis(app, tmp_path):
    if not app.config.get("REDIS_URL"):
        pytest.skip("needs Redis: TEST_REDIS_URL (scripts/test-services sets it)")

    class CachedRedis(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        INSTANCE_DIR = str(tmp_path / "instance")
        UPLOAD_DIR = app.config["UPLOAD_DIR"]
        VISITOR_CACHE_SECONDS = 30

    return create_app(CachedRedis)


class Statements:
    """Counts the SQL statements an app's engine runs."""

    def __init__(self, application):
        self.count = 0
        with application.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _visitor(application) -> ApiClient:
    return ApiClient(application, application.response_class, use_cookies=True)


def _hide(application, world, project_id):
    """The committee hides the project, as a request or job of `application` (a worker with the cache) would."""
    from backend.core.db import commit
    from backend.moderation import services as moderation

    with application.app_context():
        moderation.act(
            load(world.people["committee"]), target_type="project", target_id=project_id, action="hide", reason="广告"
        )
        commit()


def test_the_next_visitor_is_answered_from_the_copy_with_the_same_bytes(app, cached, world, make_project):
    make_project("ready")
    path = f"/api/v1/communities/{world.community.id}/projects"
    first = _visitor(cached).get(path)
    statements = Statements(cached)
    try:
        second = _visitor(cached).get(path)
    finally:
        statements.close()
    assert first.status_code == second.status_code == 200
    assert statements.count == 0
    assert second.get_data() == first.get_data() == _visitor(app).get(path).get_data()
    assert second.headers["ETag"] and "Set-Cookie" not in second.headers


def test_a_write_shows_to_the_next_visitor_at_once(app, cached, world, make_project):
    project_id = make_project("ready")
    list_path = f"/api/v1/communities/{world.community.id}/projects"
    detail_path = f"/api/v1/projects/{project_id}"
    visitor = _visitor(cached)
    assert project_id in [p["id"] for p in visitor.get(list_path).get_json()["items"]]
    assert visitor.get(detail_path).status_code == 200
    _hide(cached, world, project_id)
    assert project_id not in [p["id"] for p in visitor.get(list_path).get_json()["items"]]
    hidden = visitor.get(detail_path)
    assert hidden.status_code == _visitor(app).get(detail_path).status_code != 200


def test_signed_in_people_never_get_or_fill_the_copies(app, cached, world, make_project, client_for):
    make_project("ready")
    path = f"/api/v1/communities/{world.community.id}/projects"
    assert _visitor(cached).get(path).status_code == 200  # the visitors' copy exists
    resident = client_for(world.people["resident"])
    twin = ApiClient(cached, cached.response_class, use_cookies=True)
    with resident.session_transaction() as session:
        values = dict(session)
    with twin.session_transaction() as session:
        session.update(values)
    statements = Statements(cached)
    try:
        theirs = twin.get(path)
    finally:
        statements.close()
    assert statements.count > 0  # built for them, not taken from the visitors' copy
    assert theirs.get_data() == resident.get(path).get_data()
    assert "ETag" not in theirs.headers


def test_each_language_has_its_own_copy(app, cached, world, make_project):
    make_project("ready")
    path = f"/api/v1/communities/{world.community.id}/projects"
    for _round in range(2):  # the second round is answered from the copies
        for language in ("en", "zh-CN", "en"):
            headers = {"Accept-Language": language}
            ours = _visitor(cached).get(path, headers=headers)
            assert ours.get_data() == _visitor(app).get(path, headers=headers).get_data()


def test_etag_and_304_until_something_changes(app, cached, world, make_project):
    project_id = make_project("ready")
    path = f"/api/v1/projects/{project_id}"
    visitor = _visitor(cached)
    etag = visitor.get(path).headers["ETag"]
    again = visitor.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    _hide(cached, world, project_id)
    assert visitor.get(path, headers={"If-None-Match": etag}).status_code != 304


@pytest.mark.parametrize("which", ["cached", "cached_on_redis"])
def test_every_shared_page_matches_the_view(request, app, which, world, make_project):
    application = request.getfixturevalue(which)
    project_id = make_project("ready")
    cid = world.community.id
    paths = [
        f"/api/v1/communities/{cid}/projects?limit=5",
        f"/api/v1/communities/{cid}/reports",
        f"/api/v1/communities/{cid}/open-data.json",
        f"/api/v1/projects/{project_id}",
    ]
    for path in paths:
        fresh = _visitor(app).get(path)
        for _ in range(2):
            ours = _visitor(application).get(path)
            assert (ours.status_code, _comparable(ours)) == (fresh.status_code, _comparable(fresh)), path


def _comparable(response):
    """The body, but for open data's `generated_at` (a copy says when it was built: seconds ago)."""
    body = response.get_json()
    if isinstance(body, dict) and "generated_at" in body:
        body.pop("generated_at")
        return body
    return response.get_data()


# --- the front (VisitorFront): copies answered before Flask's request machinery ------------------------------


class RequestsThroughFlask:
    """Counts the requests that reach an app's before_request hooks (the front answers without them)."""

    def __init__(self, application):
        self.count = 0

        def seen():
            self.count += 1

        application.before_request_funcs.setdefault(None, []).insert(0, seen)


def _raw(application) -> ApiClient:
    """A client that sends the Cookie header it is given (a cookie-jar client replaces it with its jar's)."""
    return ApiClient(application, application.response_class, use_cookies=False)


def _headers(response) -> list[tuple[str, str]]:
    """Every header but Date (each answer has its own: checked apart)."""
    assert response.headers["Date"]
    return sorted((name, value) for name, value in response.headers.items() if name != "Date")


@pytest.mark.parametrize("which", ["cached", "cached_on_redis"])
def test_the_front_answers_the_next_visitor_with_what_the_app_sent(request, app, which, world, make_project):
    application = request.getfixturevalue(which)
    project_id = make_project("ready")
    through_flask = RequestsThroughFlask(application)
    for path in (f"/api/v1/communities/{world.community.id}/projects", f"/api/v1/projects/{project_id}"):
        first = _visitor(application).get(path)
        before = through_flask.count
        statements = Statements(application)
        try:
            second = _visitor(application).get(path)
        finally:
            statements.close()
        assert (through_flask.count - before, statements.count) == (0, 0), path  # neither Flask nor the database
        assert first.status_code == second.status_code == 200
        assert second.get_data() == first.get_data()
        # Security headers, Vary, Cache-Control, ETag: exactly what the whole app sent.
        assert _headers(second) == _headers(first)
        assert second.headers["Content-Security-Policy"] and second.headers["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in second.headers


def test_the_fronts_304_is_the_apps_304(app, cached, world, make_project):
    project_id = make_project("ready")
    path = f"/api/v1/projects/{project_id}"
    etag = _visitor(cached).get(path).headers["ETag"]  # through the app: the front keeps it
    from_front = _visitor(cached).get(path, headers={"If-None-Match": etag})
    # The same 304 as the app's own, which a request with any cookie gets (not the front's).
    through_flask = RequestsThroughFlask(cached)
    from_app = _raw(cached).get(path, headers={"If-None-Match": etag, "Cookie": "linli_session=forged"})
    assert through_flask.count == 1
    assert from_front.status_code == from_app.status_code == 304
    assert from_front.get_data() == from_app.get_data() == b""
    assert _headers(from_front) == _headers(from_app)
    assert _visitor(cached).get(path, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_a_session_cookie_always_goes_through_the_app(app, cached, world, make_project, client_for):
    """Signed in (or claiming to be, with a forged cookie): never the front's copy; Flask decides."""
    make_project("ready")
    path = f"/api/v1/communities/{world.community.id}/projects"
    assert _visitor(cached).get(path).status_code == 200
    assert _visitor(cached).get(path).status_code == 200  # the front's copy exists
    through_flask = RequestsThroughFlask(cached)
    resident = client_for(world.people["resident"])
    twin = ApiClient(cached, cached.response_class, use_cookies=True)
    with resident.session_transaction() as session:
        values = dict(session)
    with twin.session_transaction() as session:
        session.update(values)
    theirs = twin.get(path)
    assert through_flask.count == 1 and "ETag" not in theirs.headers
    assert theirs.get_data() == resident.get(path).get_data()
    cookie_name = cached.config["SESSION_COOKIE_NAME"]
    for cookie in (f"{cookie_name}=forged", f"a=1; {cookie_name}=x", "remember_token=1|forged"):
        forged = _raw(cached).get(path, headers={"Cookie": cookie})
        assert forged.status_code == 200  # a visitor's page from the app (the view's shared copy)
    assert through_flask.count == 4


def test_the_front_keeps_languages_queries_and_versions_apart(app, cached, world, make_project):
    project_id = make_project("ready")
    cid = world.community.id
    paths = [f"/api/v1/communities/{cid}/projects", f"/api/v1/communities/{cid}/projects?limit=1"]
    for _round in range(2):  # the second round is answered by the front
        for path in paths:
            for language in ("en", "zh-CN", "zh-Hans-CN,zh;q=0.9", "fr, en;q=0.5"):
                headers = {"Accept-Language": language}
                assert _visitor(cached).get(path, headers=headers).get_data() == (
                    _visitor(app).get(path, headers=headers).get_data()
                ), (path, language)
    _hide(cached, world, project_id)  # a write: the next visitor sees it
    listed = _visitor(cached).get(paths[0]).get_json()["items"]
    assert project_id not in [p["id"] for p in listed]


def test_what_is_not_shared_is_left_to_the_app(app, cached, world):
    """Members-only pages, unknown paths, other methods: the front lets them through to the app's answer."""
    through_flask = RequestsThroughFlask(cached)
    cid = world.community.id
    cases = [
        ("GET", f"/api/v1/communities/{cid}/notices"),
        ("GET", "/api/v1/no-such-page"),
        ("HEAD", f"/api/v1/communities/{cid}/projects"),
        ("GET", "/healthz"),
    ]
    for _round in range(2):
        for method, path in cases:
            ours = _visitor(cached).open(path, method=method)
            theirs = _visitor(app).open(path, method=method)
            assert ours.status_code == theirs.status_code, path
    assert through_flask.count == 2 * len(cases)
