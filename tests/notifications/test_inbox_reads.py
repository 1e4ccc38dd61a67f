"""The inbox's prebuilt read (backend/notifications/reads.py) answers byte for byte what the services-and-schema
path answers (services.list_inbox dumped by InboxPageSchema), for every role and both languages, every page of
a cursor walk, the unread filter, empty pages; and the same refusals (visitors, broken cursors)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from backend.core.pagination import _encode
from backend.extensions import db

LOCALES = ("zh-CN", "en")
QUERIES = ("", "?unread=true", "?limit=2", "?limit=2&unread=true", "?limit=100", "?limit=1")


@pytest.fixture
def people(make_community, make_member):
    """A person in each role of one community, and a committee member of another."""
    home, other = make_community("阳光社区"), make_community("月亮社区")
    return {
        "pending": make_member(home, status="pending"),
        "resident": make_member(home),
        "grid_worker": make_member(home, "grid_worker"),
        "committee": make_member(home, "committee"),
        "other_community": make_member(other, "committee"),
    }


def _fill_inboxes(app, send, people):
    """Each inbox: several kinds, one urgent, user text with markup and emoji; the oldest rows read; one person
    in another time zone. Everyone gets the same rows, so a leak between inboxes would show as a count."""
    from backend.accounts.models import User
    from backend.notifications.models import Notification

    everyone = list(people.values())
    send(everyone, "poll_opened", {"poll_id": 1, "poll_title": "加装电梯 <b>投票</b>"})
    send(everyone, "report_status_changed", {"report_id": 2, "report_title": "路灯 💡", "status": "resolved"})
    send(everyone, "notice_published", {"notice_id": 3, "notice_title": "停水通知", "urgent": True})
    send(everyone, "aid_thanked", {"aid_id": 4, "aid_title": "借梯子"})
    send(everyone, "no_such_kind", {"whatever": 1})
    send(everyone[:2], "aid_thanked", {"aid_id": 5})
    with app.app_context():
        oldest = db.session.query(Notification.id).order_by(Notification.id).limit(len(everyone) * 2)
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(oldest.scalar_subquery()))
            .values(read_at=Notification.created_at)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(update(User).where(User.id == people["committee"].id).values(timezone="Europe/Paris"))
        db.session.commit()


def _set_locale(app, user, locale):
    from backend.accounts.models import User

    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(locale=locale))
        db.session.commit()


def _through_services(app, user, *, limit=20, cursor=None, unread=False, locale) -> bytes:
    """The bytes the route gave before reads.py: services.list_inbox dumped by the schema, as flask-smorest does."""
    from backend.accounts.models import User
    from backend.notifications import services
    from backend.notifications.schemas import InboxPageSchema

    with app.test_request_context():
        reader = db.session.get(User, user.id)
        page = services.list_inbox(reader, limit=limit, cursor=cursor, unread=unread, locale=locale)
        body = app.json.response(InboxPageSchema().dump(page)).get_data()
        db.session.rollback()
        return body


def _arguments(query: str) -> dict:
    found = {"limit": 20, "unread": False}
    for pair in query.lstrip("?").split("&") if query else []:
        name, value = pair.split("=")
        found[name] = value == "true" if name == "unread" else int(value)
    return found


@pytest.mark.parametrize("role", ["pending", "resident", "grid_worker", "committee", "other_community"])
def test_every_page_is_the_bytes_of_the_services_path(app, client_for, send, people, role):
    _fill_inboxes(app, send, people)
    person = people[role]
    client = client_for(person)
    for locale in LOCALES:
        _set_locale(app, person, locale)
        for query in QUERIES:
            args = _arguments(query)
            cursor, pages = None, 0
            while True:
                path = "/api/v1/notifications?" + "&".join(
                    part for part in (query.lstrip("?"), f"cursor={cursor}" if cursor else "") if part
                )
                ours = client.get(path)
                assert ours.status_code == 200, (path, ours.get_json())
                expected = _through_services(app, person, cursor=cursor, locale=locale, **args)
                assert ours.get_data() == expected, (role, locale, path)
                cursor, pages = ours.get_json()["next_cursor"], pages + 1
                if not cursor:
                    break
            if args["limit"] < 6:
                assert pages > 1  # the walk did page


def test_an_empty_inbox_and_a_page_past_the_end(app, client_for, send, people):
    person = people["resident"]
    client = client_for(person)
    empty = client.get("/api/v1/notifications")
    assert empty.get_data() == _through_services(app, person, locale="zh-CN")
    assert empty.get_json() == {"items": [], "next_cursor": None, "unread_count": 0}
    _fill_inboxes(app, send, people)
    unread = client.get("/api/v1/notifications?limit=100&unread=true").get_json()["items"]
    after_the_last = _encode([unread[-1]["id"]])  # a cursor as the server writes them, past every row
    past = client.get(f"/api/v1/notifications?unread=true&cursor={after_the_last}")
    expected = _through_services(app, person, cursor=after_the_last, unread=True, locale="zh-CN")
    assert past.get_data() == expected
    # The count, from its own query when the page has no row to carry it.
    assert past.get_json()["items"] == [] and past.get_json()["unread_count"] == len(unread) > 0


def test_refusals_are_unchanged(app, client, client_for, people):
    assert client.get("/api/v1/notifications").status_code == 401
    resident = client_for(people["resident"])
    for cursor in ("garbage", "WyJ4Il0", "WzFdMQ", "W1tdXQ", "Wzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ", "x" * 501):
        refused = resident.get(f"/api/v1/notifications?cursor={cursor}")
        assert refused.status_code == 422, cursor
        assert refused.headers["Content-Type"] == "application/problem+json"
