"""My reports as a prebuilt read (backend/reports/reads.py) answer byte for byte what the services-and-schema
path answers (services.list_reports(mine=True) dumped by the page schema), for each kind of viewer and both
languages, every page of a cursor walk; the same refusals (visitors, unknown communities, broken cursors); the
board, the worker's queue and filtered lists still go through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.core.db import utcnow
from backend.extensions import db
from backend.reports.models import Report
from tests.reports.conftest import IN_EAST, OUTSIDE

LOCALES = ("zh-CN", "en")
VIEWERS = ("reporter", "neighbour", "worker", "committee", "pending", "stranger")


@pytest.fixture
def reports(app, place, new_report, act, client_for, make_member, make_community):
    """The reporter's reports in several states: assigned to the grid worker, resolved and rated, rejected,
    hidden by moderation, overdue, in the other grid, outside every grid, with a photo, without a point; the
    neighbour's one report; an assignee whose account was since deleted."""
    from tests.uploads.test_uploads import jpeg_bytes, post_file

    photo = post_file(client_for(place.reporter), jpeg_bytes()).json
    ids = {
        "plain": new_report(description="路灯 <b>不亮</b> 💡")["id"],
        "photo": new_report(photo_ids=[photo["id"]], category="rubbish", description="垃圾没人清")["id"],
        "east": new_report(lat=IN_EAST[0], lng=IN_EAST[1])["id"],
        "outside": new_report(lat=OUTSIDE[0], lng=OUTSIDE[1])["id"],
        "no_point": new_report(lat=None, lng=None, location_text="3号楼楼道")["id"],
        "assigned": new_report()["id"],
        "resolved": new_report()["id"],
        "rejected": new_report()["id"],
        "hidden": new_report()["id"],
        "overdue": new_report()["id"],
        "gone_assignee": new_report()["id"],
        "neighbours": new_report(by=place.neighbour)["id"],
    }
    assert act(place.committee, ids["assigned"], "assign", assignee_id=place.worker.id).status_code == 200
    for step in ("accept", "start", "resolve"):
        assert act(place.worker, ids["resolved"], step, note="已处理").status_code == 200
    done = client_for(place.reporter).post(f"/api/v1/reports/{ids['resolved']}/confirm", json={"stars": 5})
    assert done.status_code == 200, done.json
    assert act(place.committee, ids["rejected"], "reject", reason="cannot_reproduce").status_code == 200
    helper = make_member(place.community, "grid_worker", grid=1, display_name="临时网格员")
    assert act(place.committee, ids["gone_assignee"], "assign", assignee_id=helper.id).status_code == 200
    from backend.accounts.models import User

    with app.app_context():
        db.session.execute(update(Report).where(Report.id == ids["hidden"]).values(is_hidden=True))
        db.session.execute(
            update(Report).where(Report.id == ids["overdue"]).values(next_due_at=utcnow() - timedelta(hours=2))
        )
        db.session.execute(update(User).where(User.id == helper.id).values(deleted_at=utcnow(), display_name=None))
        db.session.commit()
    return ids


@pytest.fixture
def viewers(place, make_community, make_member):
    stranger = make_member(make_community(grids=1), display_name="外社区居民")
    return {"stranger": stranger, **{name: getattr(place, name) for name in VIEWERS if name != "stranger"}}


def _set_locale(app, user, locale):
    from backend.accounts.models import User

    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(locale=locale))
        db.session.commit()


def _through_services(app, user, community_id, *, locale, **arguments) -> bytes:
    """The bytes the route gave before reads.py: services.list_reports dumped by the page schema."""
    from backend.accounts.models import User
    from backend.core.pagination import page_schema
    from backend.reports import services
    from backend.reports.schemas import ReportSchema

    with app.test_request_context(headers={"Accept-Language": locale}):
        viewer = db.session.get(User, user.id)
        page = services.list_reports(viewer, community_id, **arguments)
        body = app.json.response(page_schema(ReportSchema)().dump(page)).get_data()
        db.session.rollback()
        return body


def _walk(app, client, person, community_id, locale, *, limit: int, query: str = "mine=true") -> int:
    cursor, pages = None, 0
    while True:
        path = f"/api/v1/communities/{community_id}/reports?{query}&limit={limit}" + (
            f"&cursor={cursor}" if cursor else ""
        )
        ours = client.get(path, headers={"Accept-Language": locale})
        assert ours.status_code == 200, (path, ours.get_json())
        arguments = dict(pair.split("=") for pair in query.split("&"))
        arguments = {key: (True if value == "true" else value) for key, value in arguments.items()}
        expected = _through_services(app, person, community_id, locale=locale, limit=limit, cursor=cursor, **arguments)
        assert ours.get_data() == expected, (locale, path)
        cursor, pages = ours.get_json()["next_cursor"], pages + 1
        if not cursor:
            return pages


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_page_is_the_bytes_of_the_services_path(app, place, reports, viewers, client_for, viewer):
    person = viewers[viewer]
    client = client_for(person)
    for locale in LOCALES:
        _set_locale(app, person, locale)
        pages = _walk(app, client, person, place.cid, locale, limit=3)
        assert pages > 3 if viewer == "reporter" else pages == 1
        _walk(app, client, person, place.cid, locale, limit=100)


def test_what_the_reporter_sees(app, place, reports, client_for):
    items = client_for(place.reporter).get(f"/api/v1/communities/{place.cid}/reports?mine=true&limit=100").json
    by_id = {item["id"]: item for item in items["items"]}
    assert reports["neighbours"] not in by_id and reports["hidden"] in by_id and by_id[reports["hidden"]]["is_hidden"]
    assert all(item["position_precision"] == "exact" and item["is_mine"] for item in by_id.values())
    assert by_id[reports["photo"]]["photos"][0]["url"].endswith("/display.jpg")
    assert by_id[reports["overdue"]]["is_overdue"] is True and by_id[reports["plain"]]["is_overdue"] is False
    assert by_id[reports["assigned"]]["assignee"]["display_name"] == "李网格员"
    assert by_id[reports["gone_assignee"]]["assignee"]["display_name"] == "原居民"
    assert by_id[reports["outside"]]["grid"] is None and by_id[reports["outside"]]["reporter_label"] == "一位居民"
    assert by_id[reports["resolved"]]["rating_stars"] == 5


def test_refusals_are_unchanged(app, place, reports, client_for):
    base = f"/api/v1/communities/{place.cid}/reports?mine=true"
    visitor = client_for(None)
    assert visitor.get(base).status_code == 401
    assert visitor.get("/api/v1/communities/987654/reports?mine=true").status_code == 404
    reporter = client_for(place.reporter)
    assert reporter.get("/api/v1/communities/987654/reports?mine=true").status_code == 404
    for cursor in ("garbage", "WyJ4Il0", "W1tdXQ", "Wzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ", "x" * 501):
        refused = reporter.get(f"{base}&cursor={cursor}")
        assert refused.status_code == 422, cursor
        assert refused.headers["Content-Type"] == "application/problem+json"
    assert reporter.get("/api/v1/communities/987654/reports?mine=true&cursor=garbage").status_code == 404


def test_lists_the_services_still_answer_are_unchanged(app, place, reports, client_for):
    for person, query in (
        (place.reporter, "mine=true&status=resolved"),
        (place.reporter, "mine=true&category=rubbish"),
        (place.worker, "assigned_to=me"),
        (place.committee, "status=submitted"),
    ):
        _walk(app, client_for(person), person, place.cid, "zh-CN", limit=2, query=query)


def test_two_statements_for_the_page(app, place, reports, client_for, count_queries):
    """The page with grids, the reporter's and assignee's names in one SELECT, the photos in a second; no
    community or membership lookup."""
    reporter = client_for(place.reporter)
    url = f"/api/v1/communities/{place.cid}/reports?mine=true&limit=20"
    reporter.get(url)  # the session's user warm, as on every later request
    with count_queries() as prebuilt:
        assert reporter.get(url).status_code == 200
    assert sum("FROM reports" in s for s in prebuilt.statements) == 1
    assert sum("FROM uploads" in s for s in prebuilt.statements) == 1
    assert not any("FROM communities" in s or "FROM memberships" in s for s in prebuilt.statements)
