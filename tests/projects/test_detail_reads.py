"""A project's page as a prebuilt read (backend/projects/reads.project_view) answers byte for byte what the
services-and-schema path answers (services.project_detail dumped by ProjectSchema), for every role, both
languages and every state (drafts, withdrawn and hidden projects included); the same 404 where the services
refuse; one statement for the page."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from backend.core.errors import NotFound
from backend.extensions import db
from backend.projects.models import Project
from tests.projects.conftest import ROLES

LOCALES = ("zh-CN", "en")
STATES = ("draft", "submitted", "in_review", "ready", "voting", "approved", "in_progress", "completed", "withdrawn")


@pytest.fixture
def varied(app, world, make_project, make_member, client_for):
    """A project in each state; one hidden, one in a grid with photos, one by a deleted account, one drafted by
    the resident; the resident supports one, rates the completed one and comments on one."""
    people = world.people
    ids = {state: make_project(state) for state in STATES}
    ids["rejected"] = make_project("rejected")
    ids["hidden"] = make_project("submitted", title="被隐藏的项目")
    ids["hidden_withdrawn"] = make_project("withdrawn")
    ids["grid"] = make_project("in_progress", grid_id=world.community.grid_ids[1], title="屋顶 <b>菜园</b> 🌱")
    ids["residents_draft"] = make_project("draft", author=people["resident"])
    gone = make_member(world.community, display_name="搬走的邻居")
    ids["deleted_author"] = make_project("submitted", author=gone)
    resident = client_for(people["resident"])
    assert resident.post(f"/api/v1/projects/{ids['submitted']}/supports").status_code in (200, 201)
    rated = resident.post(f"/api/v1/projects/{ids['completed']}/rating", json={"stars": 4, "comment": "很好 👍"})
    assert rated.status_code == 201, rated.get_json()
    for body in ("好主意！", "支持"):
        assert resident.post(f"/api/v1/projects/{ids['submitted']}/comments", json={"body": body}).status_code == 201
    from backend.accounts.models import User
    from backend.core.db import utcnow

    with app.app_context():
        for key in ("hidden", "hidden_withdrawn"):
            db.session.execute(update(Project).where(Project.id == ids[key]).values(is_hidden=True))
        db.session.execute(
            update(Project).where(Project.id == ids["grid"]).values(photo_ids=[3, 1], rating_average=13 / 3)
        )
        db.session.execute(update(User).where(User.id == gone.id).values(deleted_at=utcnow(), display_name=None))
        db.session.commit()
    return ids


def _set_locale(app, user, locale):
    from backend.accounts.models import User

    if user is None:
        return
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(locale=locale))
        db.session.commit()


def _through_services(app, user, project_id, *, locale) -> bytes | None:
    """The bytes the route gave before reads.project_view (None where the services raised NotFound)."""
    from backend.accounts.models import User
    from backend.projects import services
    from backend.projects.schemas import ProjectSchema

    with app.test_request_context(headers={"Accept-Language": locale}):
        viewer = db.session.get(User, user.id) if user is not None else None
        try:
            project = services.project_detail(viewer, project_id)
        except NotFound:
            db.session.rollback()
            return None
        body = app.json.response(ProjectSchema().dump(project)).get_data()
        db.session.rollback()
        return body


@pytest.mark.parametrize("role", ROLES)
def test_every_project_is_the_bytes_of_the_services_path(app, world, varied, client_for, role):
    person = world.people[role]
    client = client_for(person)
    shown = 0
    for locale in LOCALES:
        _set_locale(app, person, locale)
        for key, project_id in varied.items():
            ours = client.get(f"/api/v1/projects/{project_id}", headers={"Accept-Language": locale})
            expected = _through_services(app, person, project_id, locale=locale)
            if expected is None:
                assert ours.status_code == 404, (role, key)
                assert ours.headers["Content-Type"] == "application/problem+json"
            else:
                assert ours.status_code == 200, (role, key)
                assert ours.get_data() == expected, (role, locale, key)
                shown += 1
    assert shown >= 2 * 9


def test_what_each_viewer_sees(app, world, varied, client_for):
    def page(role, key):
        return client_for(world.people[role]).get(f"/api/v1/projects/{varied[key]}")

    assert page("visitor", "draft").status_code == 404 and page("committee", "draft").status_code == 404
    assert page("author", "draft").get_json()["can"]["submit"] is True
    assert page("resident", "hidden").status_code == 404 and page("committee", "hidden").get_json()["is_hidden"]
    assert page("other_committee", "hidden_withdrawn").status_code == 404
    assert page("committee", "withdrawn").status_code == 200 and page("resident", "withdrawn").status_code == 404
    resident = page("resident", "submitted").get_json()
    assert resident["supported_by_me"] and resident["can"]["unsupport"] and resident["comments_count"] == 2
    assert page("author", "submitted").get_json()["supported_by_me"] is False
    completed = page("resident", "completed").get_json()
    assert completed["my_rating"]["stars"] == 4 and completed["can"]["rate"] is False
    assert page("committee", "completed").get_json()["my_rating"] is None
    assert page("visitor", "deleted_author").get_json()["author"]["display_name"] == "原居民"
    assert page("committee", "in_review").get_json()["can"]["review"] is True
    assert page("other_committee", "in_review").get_json()["can"]["review"] is False


def test_unknown_and_odd_ids(world, varied, client_for):
    resident = client_for(world.people["resident"])
    for path in ("987654", "0", "99999999999999999999999999"):
        response = resident.get(f"/api/v1/projects/{path}")
        assert response.status_code == 404, path
        assert response.headers["Content-Type"] == "application/problem+json"


def test_one_statement_for_the_page(app, world, varied, client_for, count_queries):
    """The page, its author, grid, the viewer's support and rating and the comment count in one SELECT; the
    membership for `can` is the session's (asked once per request at most)."""
    visitor = client_for(None)
    url = f"/api/v1/projects/{varied['grid']}"
    with count_queries() as seen:
        assert visitor.get(url).status_code == 200
    assert sum("FROM projects" in s for s in seen.statements) == 1
    assert not any("FROM memberships" in s for s in seen.statements)
    resident = client_for(world.people["resident"])
    resident.get(url)
    with count_queries() as signed_in:
        assert resident.get(url).status_code == 200
    assert sum("FROM projects" in s for s in signed_in.statements) == 1
    assert not any("project_supports" in s and "FROM projects" not in s for s in signed_in.statements)
    assert not any("comment_threads" in s and "FROM projects" not in s for s in signed_in.statements)
