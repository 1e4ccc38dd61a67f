"""The project list's prebuilt read (backend/projects/reads.py) answers byte for byte what the services-and-schema
path answers (services.list_projects dumped by the page schema), for every role and both languages, every sort,
every page of a cursor walk, the public filters, empty pages; and the same refusals (no community, broken
cursors). `mine`, drafts and withdrawn projects still go through the services (checked to answer the same)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from backend.extensions import db
from backend.projects.models import Project
from tests.projects.conftest import ROLES

LOCALES = ("zh-CN", "en")
SORTS = ("newest", "most_supported", "closing_soon")


@pytest.fixture
def varied(app, world, make_project, make_member, client_for):
    """Projects in every public state and some that are not public; one hidden, one in a grid, one with photos
    and a fractional rating, one by an account since deleted; comments on one, the resident's support on two."""
    people = world.people
    ids = {
        "submitted": make_project("submitted", title="屋顶菜园 <b>试点</b> 🌱"),
        "submitted_2": make_project("submitted", title="楼道照明", category="environment"),
        "in_review": make_project("in_review"),
        "voting": make_project("voting"),
        "completed": make_project("completed", summary=""),
        "draft": make_project("draft"),
        "withdrawn": make_project("withdrawn"),
        "rejected": make_project("rejected"),
        "grid": make_project("submitted", grid_id=world.community.grid_ids[1]),
        "hidden": make_project("submitted", title="被隐藏的项目"),
        "residents_draft": make_project("draft", author=people["resident"]),
    }
    gone = make_member(world.community, display_name="搬走的邻居")
    ids["deleted_author"] = make_project("submitted", author=gone)
    resident = client_for(people["resident"])
    for key in ("submitted", "submitted_2"):
        assert resident.post(f"/api/v1/projects/{ids[key]}/supports").status_code in (200, 201)
    for body in ("好主意！", "支持 👍"):
        assert resident.post(f"/api/v1/projects/{ids['submitted']}/comments", json={"body": body}).status_code == 201
    from backend.accounts.models import User
    from backend.core.db import utcnow

    with app.app_context():
        db.session.execute(update(Project).where(Project.id == ids["hidden"]).values(is_hidden=True))
        db.session.execute(
            update(Project).where(Project.id == ids["completed"]).values(photo_ids=[3, 1], rating_average=13 / 3)
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


def _through_services(app, user, community_id, *, locale, **arguments) -> bytes:
    """The bytes the route gave before reads.py: services.list_projects dumped by the page schema."""
    from backend.accounts.models import User
    from backend.core.pagination import page_schema
    from backend.projects import services
    from backend.projects.schemas import ProjectSummarySchema

    with app.test_request_context(headers={"Accept-Language": locale}):
        viewer = db.session.get(User, user.id) if user is not None else None
        page = services.list_projects(viewer, community_id, **arguments)
        body = app.json.response(page_schema(ProjectSummarySchema)().dump(page)).get_data()
        db.session.rollback()
        return body


def _walk(app, client, person, community_id, locale, query: dict, *, limit: int):
    """Every page through the route, each compared with the services' bytes; the number of pages."""
    cursor, pages = None, 0
    while True:
        args = {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}
        path = f"/api/v1/communities/{community_id}/projects?" + "&".join(f"{k}={v}" for k, v in args.items())
        ours = client.get(path, headers={"Accept-Language": locale})
        assert ours.status_code == 200, (path, ours.get_json())
        arguments = {**query, "limit": limit, "cursor": cursor}
        arguments["mine"] = arguments.get("mine") == "true"
        expected = _through_services(app, person, community_id, locale=locale, **arguments)
        assert ours.get_data() == expected, (locale, path)
        cursor, pages = ours.get_json()["next_cursor"], pages + 1
        if not cursor:
            return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_the_bytes_of_the_services_path(app, world, varied, client_for, role):
    person = world.people[role]
    client = client_for(person)
    cid = world.community.id
    for locale in LOCALES:
        _set_locale(app, person, locale)
        for sort in SORTS:
            assert _walk(app, client, person, cid, locale, {"sort": sort}, limit=3) > 2
            _walk(app, client, person, cid, locale, {"sort": sort}, limit=100)
        for query in (
            {"status": "submitted"},
            {"status": "completed", "sort": "most_supported"},
            {"category": "environment"},
            {"grid_id": world.community.grid_ids[1]},
            {"status": "in_review", "category": "facilities", "grid_id": world.community.grid_ids[0]},
        ):
            _walk(app, client, person, cid, locale, query, limit=2)


@pytest.mark.parametrize("role", ["resident", "author", "committee"])
def test_lists_the_services_still_answer_are_unchanged(app, world, varied, client_for, role):
    person = world.people[role]
    client = client_for(person)
    for query in ({"mine": "true"}, {"status": "draft"}, {"status": "withdrawn"}):
        _walk(app, client, person, world.community.id, "zh-CN", query, limit=2)


def test_what_each_viewer_sees(app, world, varied, client_for):
    """The prebuilt statement keeps the services' rules: hidden only for its author and the committee, the
    viewer's own supports, counts of comments, the deleted author's placeholder in the viewer's language."""
    cid = world.community.id

    def listed(role, locale="zh-CN"):
        response = client_for(world.people[role]).get(
            f"/api/v1/communities/{cid}/projects?limit=100", headers={"Accept-Language": locale}
        )
        return {item["id"]: item for item in response.get_json()["items"]}

    assert varied["hidden"] not in listed("visitor") and varied["hidden"] not in listed("resident")
    assert listed("author")[varied["hidden"]]["is_hidden"] is True
    assert listed("committee")[varied["hidden"]]["is_hidden"] is True
    assert varied["draft"] not in listed("author") and varied["withdrawn"] not in listed("committee")
    resident = listed("resident")
    supported = {i for i, item in resident.items() if item["supported_by_me"]}
    assert supported == {varied["submitted"], varied["submitted_2"]}
    assert not any(item["supported_by_me"] for item in listed("author").values())
    assert resident[varied["submitted"]]["comments_count"] == 2
    assert resident[varied["deleted_author"]]["author"]["display_name"] == "原居民"
    assert listed("visitor", "en")[varied["deleted_author"]]["author"]["display_name"] == "Former resident"
    assert listed("other_committee") == listed("visitor")


def test_empty_pages_and_a_page_past_the_end(app, world, client_for, make_community):
    empty = make_community("空社区")
    visitor = client_for(None)
    response = visitor.get(f"/api/v1/communities/{empty.id}/projects")
    assert response.status_code == 200 and response.get_json() == {"items": [], "next_cursor": None}
    assert response.get_data() == _through_services(app, None, empty.id, locale="zh-CN")
    assert visitor.get("/api/v1/communities/987654/projects").status_code == 404


def test_refusals_are_unchanged(app, world, varied, client_for):
    resident = client_for(world.people["resident"])
    cid = world.community.id
    for cursor in ("garbage", "WyJ4Il0", "WzFdMQ", "W1tdXQ", "Wzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ", "x" * 501):
        refused = resident.get(f"/api/v1/communities/{cid}/projects?cursor={cursor}")
        assert refused.status_code == 422, cursor
        assert refused.headers["Content-Type"] == "application/problem+json"
        # An unknown community is 404 before the cursor is looked at, as the services answered.
        assert resident.get(f"/api/v1/communities/987654/projects?cursor={cursor}").status_code in (404, 422)
    assert resident.get("/api/v1/communities/987654/projects?cursor=garbage").status_code == 404
    assert resident.get(f"/api/v1/communities/{cid}/projects?status=nonsense").status_code == 422


def test_fewer_statements_than_the_services(app, world, varied, client_for, count_queries):
    resident = client_for(world.people["resident"])
    url = f"/api/v1/communities/{world.community.id}/projects?limit=10"
    resident.get(url)  # the session's user and membership warm, as on every later request
    with count_queries() as prebuilt:
        assert resident.get(url).status_code == 200
    with count_queries() as services_path:
        assert resident.get(url + "&status=draft").status_code == 200
    assert prebuilt.count == 1 < services_path.count


def test_a_committee_member_whose_suspension_ran_out_sees_hidden_projects(app, world, varied, client_for):
    """Membership.status reads an expired suspension as lifted; the folded-in committee check does the same."""
    from datetime import timedelta

    from backend.communities.models import Membership
    from backend.core.db import utcnow

    committee = world.people["committee"]
    url = f"/api/v1/communities/{world.community.id}/projects?limit=100"

    def shown(until):
        with app.app_context():
            db.session.execute(
                update(Membership)
                .where(Membership.user_id == committee.id)
                .values(recorded_status="suspended", suspended_until=until)
            )
            db.session.commit()
        ids = [item["id"] for item in client_for(committee).get(url).get_json()["items"]]
        assert client_for(committee).get(url).get_data() == _through_services(
            app, committee, world.community.id, locale="zh-CN", limit=100
        )
        return ids

    assert varied["hidden"] in shown(utcnow() - timedelta(minutes=1))
    assert varied["hidden"] not in shown(utcnow() + timedelta(days=1))


def test_huge_and_odd_query_values_are_answered_not_crashed(world, varied, client_for):
    """Values the prebuilt statement binds as they come: never a 500, the same answers as the filters promise."""
    resident = client_for(world.people["resident"])
    base = f"/api/v1/communities/{world.community.id}/projects"
    for query in (
        "grid_id=99999999999999999999999999",
        "grid_id=-1",
        "category=" + "路" * 40,
        "category=%00",
        "sort=closing_soon&limit=100",
    ):
        response = resident.get(f"{base}?{query}")
        assert response.status_code in (200, 422), (query, response.status_code)
        if response.status_code == 200 and "limit" not in query:
            assert response.get_json()["items"] == []
