"""The notice list's prebuilt read (backend/notices/reads.py) answers byte for byte what the services-and-schema
path answers (services.list_notices dumped by the page schema), for every role and both languages, every page of
a cursor walk; and the same refusals (visitors, other communities' members, broken cursors)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.core.db import utcnow
from backend.extensions import db
from backend.notices.models import Notice

LOCALES = ("zh-CN", "en")
ROLES = ("pending", "east", "west", "gridless", "suspended", "grid_worker", "committee")


@pytest.fixture
def town(make_community, make_member):
    community = make_community(grids=2)
    other = make_community(grids=1)
    return {
        "community": community,
        "cid": community.id,
        "grids": community.grid_ids,
        "committee": make_member(community, "committee", display_name="王主任"),
        "author_gone": make_member(community, "committee", display_name="老书记"),
        "east": make_member(community, grid=0, display_name="张阿姨"),
        "west": make_member(community, grid=1),
        "gridless": make_member(community, grid=None),
        "pending": make_member(community, status="pending", grid=0),
        "suspended": make_member(community, grid=0),
        "grid_worker": make_member(community, "grid_worker", grid=1),
        "other_committee": make_member(other, "committee"),
    }


@pytest.fixture
def notices(app, town, client_for):
    """Notices to everyone and to grids, pinned, urgent (this week and last month), scheduled, hidden by
    moderation, one by a committee member whose account was since deleted; the east resident read one."""
    committee = client_for(town["committee"])
    east, west = town["grids"]

    def publish(by=None, **body):
        payload = {"title": "停水通知", "body": "明天 9:00–15:00 停水，请提前储水。", **body}
        client = client_for(by) if by else committee
        response = client.post(f"/api/v1/communities/{town['cid']}/notices", json=payload)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    ids = {
        "everyone": publish(title="社区 <b>大扫除</b> 🧹"),
        "east": publish(title="东区停电", grid_ids=[east]),
        "both": publish(title="两区检修", grid_ids=[west, east]),
        "pinned": publish(title="置顶：物业电话", pinned=True),
        "urgent": publish(title="紧急：燃气泄漏", urgent=True),
        "old_urgent": publish(title="上月的紧急通知", urgent=True),
        "scheduled": publish(title="下周的通知", publish_at=(utcnow() + timedelta(days=3)).isoformat()),
        "hidden": publish(title="被隐藏的公告"),
        "by_gone": publish(by=town["author_gone"], title="老书记的公告", body="x" * 4000),
    }
    for n in range(6):
        ids[f"more_{n}"] = publish(title=f"日常通知 {n}")
    assert client_for(town["east"]).get(f"/api/v1/notices/{ids['everyone']}").status_code == 200
    from backend.accounts.models import User
    from backend.communities.models import Membership

    with app.app_context():
        db.session.execute(
            update(Notice).where(Notice.id == ids["old_urgent"]).values(publish_at=utcnow() - timedelta(days=30))
        )
        db.session.execute(update(Notice).where(Notice.id == ids["hidden"]).values(is_hidden=True))
        db.session.execute(
            update(User).where(User.id == town["author_gone"].id).values(deleted_at=utcnow(), display_name=None)
        )
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == town["suspended"].id)
            .values(recorded_status="suspended", suspended_until=utcnow() + timedelta(days=2))
        )
        db.session.commit()
    return ids


def _set_locale(app, user, locale):
    from backend.accounts.models import User

    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(locale=locale))
        db.session.commit()


def _through_services(app, user, community_id, *, locale, **arguments) -> bytes:
    """The bytes the route gave before reads.py: services.list_notices dumped by the page schema."""
    from backend.accounts.models import User
    from backend.core.pagination import page_schema
    from backend.notices import services
    from backend.notices.schemas import NoticeSchema

    with app.test_request_context(headers={"Accept-Language": locale}):
        viewer = db.session.get(User, user.id)
        page = services.list_notices(viewer, community_id, **arguments)
        body = app.json.response(page_schema(NoticeSchema)().dump(page)).get_data()
        db.session.rollback()
        return body


def _walk(app, client, person, community_id, locale, *, limit: int) -> int:
    """Every page through the route, each compared with the services' bytes; the number of pages."""
    cursor, pages = None, 0
    while True:
        path = f"/api/v1/communities/{community_id}/notices?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        ours = client.get(path, headers={"Accept-Language": locale})
        assert ours.status_code == 200, (path, ours.get_json())
        expected = _through_services(app, person, community_id, locale=locale, limit=limit, cursor=cursor)
        assert ours.get_data() == expected, (locale, path)
        cursor, pages = ours.get_json()["next_cursor"], pages + 1
        if not cursor:
            return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_the_bytes_of_the_services_path(app, town, notices, client_for, role):
    person = town[role]
    client = client_for(person)
    for locale in LOCALES:
        _set_locale(app, person, locale)
        assert _walk(app, client, person, town["cid"], locale, limit=3) > 1
        _walk(app, client, person, town["cid"], locale, limit=100)


def test_what_each_member_sees(app, town, notices, client_for):
    """The folded-in addressing keeps the services' rules: grids, schedule, moderation, urgent first, receipts."""

    def listed(role):
        response = client_for(town[role]).get(f"/api/v1/communities/{town['cid']}/notices?limit=100")
        assert response.status_code == 200
        return response.get_json()["items"]

    east = {item["id"]: item for item in listed("east")}
    assert notices["east"] in east and notices["both"] in east
    assert notices["east"] not in {item["id"] for item in listed("west")}
    gridless = {item["id"] for item in listed("gridless")}
    assert notices["east"] not in gridless and notices["both"] not in gridless and notices["everyone"] in gridless
    for hidden_from_residents in ("scheduled", "hidden"):
        assert notices[hidden_from_residents] not in east
    committee = listed("committee")
    assert {notices["scheduled"], notices["hidden"]} <= {item["id"] for item in committee}
    assert [item["id"] for item in committee[:2]] == [notices["urgent"], notices["pinned"]]
    assert east[notices["everyone"]]["is_read"] is True and east[notices["pinned"]]["is_read"] is False
    assert east[notices["everyone"]]["read_count"] is None
    assert {item["id"]: item for item in committee}[notices["everyone"]]["read_count"] == 1
    assert east[notices["both"]]["grid_ids"] == sorted(town["grids"])
    assert east[notices["by_gone"]]["author"]["display_name"] == "原居民"
    assert all(item["can"] == {"comment": False} for item in listed("suspended"))
    assert all(item["can"] == {"comment": True} for item in listed("pending"))


def test_refusals_are_unchanged(app, town, notices, client_for):
    path = f"/api/v1/communities/{town['cid']}/notices"
    for who, status in ((None, 401), ("other_committee", 403)):
        refused = client_for(town[who] if who else None).get(path)
        assert refused.status_code == status
        assert refused.headers["Content-Type"] == "application/problem+json"
    assert client_for(town["east"]).get("/api/v1/communities/987654/notices").status_code == 403
    east = client_for(town["east"])
    for cursor in ("garbage", "WyJ4Il0", "WzFdMQ", "W1tdXQ", "WzEseyJkdCI6IngifSwxXQ", "x" * 501):
        refused = east.get(f"{path}?cursor={cursor}")
        assert refused.status_code == 422, cursor
        assert refused.headers["Content-Type"] == "application/problem+json"
    for query in ("limit=0", "limit=101", "limit=x"):
        assert east.get(f"{path}?{query}").status_code == 422


def test_fewer_statements_than_the_services(app, town, notices, client_for, count_queries):
    """One statement for the page, one more only when it holds a notice sent to some grids."""
    gridless = client_for(town["gridless"])
    url = f"/api/v1/communities/{town['cid']}/notices?limit=100"
    gridless.get(url)  # the session's user warm, as on every later request
    with count_queries() as prebuilt:
        assert gridless.get(url).status_code == 200
    page_statements = [s for s in prebuilt.statements if "FROM notices" in s]
    assert len(page_statements) == 1 and not any("notice_grids" in s for s in prebuilt.statements)
    east = client_for(town["east"])
    east.get(url)
    with count_queries() as with_grids:
        assert east.get(url).status_code == 200
    assert sum("notice_grids.grid_id" in s for s in with_grids.statements) == 2  # the filter and the grids' list
