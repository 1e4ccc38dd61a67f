"""Hidden content, type by type: distinct flaggers reach the threshold, the item disappears for neighbours
(lists and detail) and stays for its author (marked hidden) and the committee; restoring brings it back;
the word filter holds a new item; only the item's own committee may act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from backend.core.db import utcnow
from backend.extensions import db


@dataclass
class Kind:
    """How to make one item of a content type and where neighbours would find it."""

    target_type: str
    author: str  # which person of the place writes it
    create: Callable  # (place, author user) -> item id
    list_url: Callable  # (place) -> list path
    detail_url: Callable | None  # (item id) -> detail path, if the type has a page
    committee_sees_in_list: bool = True


def _project(place, author):
    from backend.projects import services as projects

    return projects.create_project(
        author, place.cid, title=place.text("修长椅"), category="facilities", summary="3号楼前", submit=True
    ).id


def _report(place, author):
    from backend.reports import services as reports

    return reports.create_report(
        author, place.cid, category="rubbish", description=place.text("垃圾堆满了"), location_text="北门"
    ).id


def _aid(place, author):
    from backend.aid import services as aid

    return aid.create_post(author, place.cid, kind="offer", category="lending", title=place.text("借电钻")).id


def _notice(place, author):
    from backend.notices import services as notices

    return notices.create_notice(author, place.cid, title=place.text("停水通知"), body="周六上午停水").id


def _organisation(place, author):
    from backend.volunteering import services as volunteering

    organisation = volunteering.create_organisation(author, place.cid, name=place.text("阳光志愿队"))
    volunteering.verify_organisation(place.load(place.committee), organisation.id)
    return organisation.id


def _activity(place, author):
    from backend.volunteering import services as volunteering

    starts = utcnow() + timedelta(days=3)
    return volunteering.create_activity(
        author,
        _organisation(place, author),
        title=place.text("陪老人聊天"),
        description="",
        location="活动室",
        skills=[],
        grid_ids=[],
        shifts=[{"starts_at": starts, "ends_at": starts + timedelta(hours=2), "capacity": 4}],
    ).id


def _comment(place, author):
    from backend.comments import services as comments

    return comments.post_comment(author, "project", place.project_id, body=place.text("说得对")).id


KINDS = [
    Kind(
        "project",
        "author",
        _project,
        lambda p: f"/api/v1/communities/{p.cid}/projects",
        lambda i: f"/api/v1/projects/{i}",
    ),
    Kind(
        "report", "author", _report, lambda p: f"/api/v1/communities/{p.cid}/reports", lambda i: f"/api/v1/reports/{i}"
    ),
    Kind("aid", "author", _aid, lambda p: f"/api/v1/communities/{p.cid}/aid", lambda i: f"/api/v1/aid/{i}"),
    Kind(
        "notice",
        "committee",
        _notice,
        lambda p: f"/api/v1/communities/{p.cid}/notices",
        lambda i: f"/api/v1/notices/{i}",
    ),
    Kind(
        "organisation",
        "author",
        _organisation,
        lambda p: f"/api/v1/communities/{p.cid}/organisations",
        lambda i: f"/api/v1/organisations/{i}",
    ),
    Kind(
        "activity",
        "author",
        _activity,
        lambda p: f"/api/v1/communities/{p.cid}/activities",
        lambda i: f"/api/v1/activities/{i}",
    ),
    # The committee reviews hidden comments in its queue, not in the thread.
    Kind(
        "comment",
        "author",
        _comment,
        lambda p: f"/api/v1/projects/{p.project_id}/comments",
        None,
        committee_sees_in_list=False,
    ),
]


class Place:
    """A community with an author, a committee, three neighbours who flag and one who only reads."""

    def __init__(self, app, make_community, make_member, settings=None):
        self.app = app
        community = make_community(settings=settings)
        self.cid = community.id
        self.author = make_member(community)
        self.committee = make_member(community, "committee")
        self.flaggers = [make_member(community) for _ in range(3)]
        self.reader = make_member(community)
        self.stranger_committee = make_member(make_community(), "committee")
        self._n = 0
        with app.app_context():
            self.project_id = _project(self, self.load(self.committee))
            db.session.commit()

    def text(self, words: str) -> str:
        self._n += 1
        return f"{words} {self._n}"

    def load(self, user):
        from backend.accounts.models import User

        return db.session.get(User, user.id)

    def make(self, kind: Kind) -> int:
        with self.app.app_context():
            item_id = kind.create(self, self.load(getattr(self, kind.author)))
            db.session.commit()
            return item_id


@pytest.fixture
def place(app, make_community, make_member):
    return Place(app, make_community, make_member)


def listed(client, url) -> dict[int, dict]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"]: item for item in response.json["items"]}


def flag(client, kind: Kind, item_id: int, reason="offensive"):
    return client.post("/api/v1/flags", json={"target_type": kind.target_type, "target_id": item_id, "reason": reason})


def act(client, kind: Kind, item_id: int, action: str, reason="核实后处理"):
    return client.post(
        "/api/v1/moderation/actions",
        json={"target_type": kind.target_type, "target_id": item_id, "action": action, "reason": reason},
    )


def assert_visible_to_everyone(client_for, place, kind, item_id):
    for person in (place.reader, place.author if kind.author == "author" else place.committee, place.committee):
        client = client_for(person)
        if kind.committee_sees_in_list or person is not place.committee:
            assert item_id in listed(client, kind.list_url(place))
        if kind.detail_url:
            assert client.get(kind.detail_url(item_id)).status_code == 200


# What the committee issues (notices) is never hidden by flags alone: tests/trust/test_flags.py.
HIDDEN_BY_FLAGS = [k for k in KINDS if k.author != "committee"]


@pytest.mark.parametrize("kind", HIDDEN_BY_FLAGS, ids=[k.target_type for k in HIDDEN_BY_FLAGS])
def test_distinct_flaggers_hide_an_item_from_neighbours_but_not_its_author_or_the_committee(client_for, place, kind):
    """Do three different neighbours (not one neighbour three times) hide it, and for whom exactly?"""
    item_id = place.make(kind)
    first = client_for(place.flaggers[0])
    assert flag(first, kind, item_id).status_code == 201
    assert flag(first, kind, item_id, reason="spam").status_code == 409  # the same person counts once
    assert flag(client_for(place.flaggers[1]), kind, item_id).status_code == 201
    assert_visible_to_everyone(client_for, place, kind, item_id)  # two distinct flaggers: below the threshold

    assert flag(client_for(place.flaggers[2]), kind, item_id).status_code == 201

    reader = client_for(place.reader)
    assert item_id not in listed(reader, kind.list_url(place))
    if kind.detail_url:
        assert reader.get(kind.detail_url(item_id)).status_code == 404
    author = client_for(place.author if kind.author == "author" else place.committee)
    mine = listed(author, kind.list_url(place))
    assert mine[item_id]["is_hidden"] is True
    if kind.detail_url:
        assert author.get(kind.detail_url(item_id)).json["is_hidden"] is True
    committee = client_for(place.committee)
    if kind.committee_sees_in_list:
        assert item_id in listed(committee, kind.list_url(place))
    if kind.detail_url:
        assert committee.get(kind.detail_url(item_id)).status_code == 200
    queue = committee.get(f"/api/v1/communities/{place.cid}/moderation/queue").json["items"]
    case = next(c for c in queue if c["target_type"] == kind.target_type and c["target_id"] == item_id)
    assert case["state"] == "hidden" and case["flag_count"] == 3 and case["is_hidden"] is True


@pytest.mark.parametrize("kind", KINDS, ids=[k.target_type for k in KINDS])
def test_restore_brings_it_back_and_only_this_communitys_committee_may_act(client_for, place, kind):
    """After a hide, can a resident or another community's committee restore it? Can ours?"""
    item_id = place.make(kind)
    committee = client_for(place.committee)
    assert act(committee, kind, item_id, "hide", reason="含有他人电话").status_code == 201
    reader = client_for(place.reader)
    assert item_id not in listed(reader, kind.list_url(place))

    assert act(reader, kind, item_id, "restore").status_code == 403
    assert act(client_for(place.stranger_committee), kind, item_id, "restore").status_code == 403
    assert act(client_for(place.stranger_committee), kind, item_id, "hide").status_code == 403
    assert item_id not in listed(reader, kind.list_url(place))

    assert act(committee, kind, item_id, "restore", reason="已删除电话，恢复").status_code == 201
    assert_visible_to_everyone(client_for, place, kind, item_id)
    queue = committee.get(f"/api/v1/communities/{place.cid}/moderation/queue?state=resolved").json["items"]
    case = next(c for c in queue if c["target_type"] == kind.target_type and c["target_id"] == item_id)
    assert case["flag_count"] == 0  # restoring clears the flags


@pytest.mark.parametrize("kind", KINDS, ids=[k.target_type for k in KINDS])
def test_the_word_filter_holds_a_new_item_for_review(app, client_for, make_community, make_member, kind):
    """Is an item containing a filtered word held (hidden, in the queue) instead of published?"""
    place = Place(app, make_community, make_member, settings={"word_filter": ["代开发票"]})
    original = place.text
    place.text = lambda words: original(f"{words} 代开发票")
    item_id = place.make(kind)
    assert item_id not in listed(client_for(place.reader), kind.list_url(place))
    queue = client_for(place.committee).get(f"/api/v1/communities/{place.cid}/moderation/queue").json["items"]
    case = next(c for c in queue if c["target_type"] == kind.target_type and c["target_id"] == item_id)
    assert case["is_held_by_filter"] is True and case["state"] == "hidden"


def test_a_held_notice_is_announced_only_once_restored(app, client_for, make_community, make_member):
    """Does a notice held by the word filter wait (no notification) until the committee restores it?"""
    from backend.notices.services import publish_due_notices
    from backend.notifications.models import Notification

    place = Place(app, make_community, make_member, settings={"word_filter": ["代开发票"]})
    with app.app_context():
        from backend.notices import services as notices

        notice = notices.create_notice(place.load(place.committee), place.cid, title="代开发票", body="广告")
        db.session.commit()
        notice_id = notice.id
        assert not db.session.scalar(db.select(Notification.id).filter_by(kind="notice_published"))
        assert publish_due_notices() == 0
        db.session.commit()
    notice_kind = next(k for k in KINDS if k.target_type == "notice")
    assert act(client_for(place.committee), notice_kind, notice_id, "restore", reason="误判").status_code == 201
    with app.app_context():
        assert publish_due_notices() == 1
        db.session.commit()
