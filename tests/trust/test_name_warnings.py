"""The committee is told when someone joins, or renames themselves, with a name that imitates one of theirs
(issue 15): once per person and name, never the residents, never the person themselves.

Before: the warning (`imitates`) waited in the member list for a committee member who happened to look.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from backend.extensions import db


def _told(app, user_id, kind="name_imitation"):
    from backend.notifications.models import Notification

    with app.app_context():
        return list(db.session.scalars(select(Notification).filter_by(user_id=user_id, kind=kind)))


def _join(client_for, user, community):
    joined = client_for(user).post(
        f"/api/v1/communities/{community.id}/join", json={"building": "5", "unit": "2", "room": "301"}
    )
    assert joined.status_code == 201, joined.json
    return joined


@pytest.fixture
def estate(make_community, make_member):
    """A community whose committee has Wang Fang and 李主任, and a verified resident."""
    community = make_community()
    wang = make_member(community, "committee", display_name="Wang Fang")
    li = make_member(community, "committee", display_name="李主任")
    resident = make_member(community, display_name="张阿姨")
    return community, wang, li, resident


def test_a_cyrillic_look_alike_who_joins_is_reported_to_the_committee_only(app, client_for, make_user, estate):
    """Can 'Wаng Fang' (Cyrillic а) join without the committee hearing of it? Do residents hear of it?"""
    community, wang, li, resident = estate
    impostor = make_user(display_name="W\u0430ng Fang")
    _join(client_for, impostor, community)

    for member in (wang, li):  # every committee member is told, with the name imitated
        [told] = _told(app, member.id)
        assert told.context["imitated_name"] == "Wang Fang" and told.context["user_id"] == impostor.id
        assert told.community_id == community.id
    assert _told(app, resident.id) == [] and _told(app, impostor.id) == []

    inbox = client_for(li).get("/api/v1/notifications").json["items"]
    [item] = [n for n in inbox if n["kind"] == "name_imitation"]
    assert item["url"] == "/committee/members"
    assert "Wang Fang" in item["body"] and "null" not in item["body"] and "{" not in item["body"]


def test_a_normal_name_tells_nobody(app, client_for, make_user, estate):
    community, wang, li, resident = estate
    _join(client_for, make_user(display_name="王芳芳的邻居小刘"), community)
    _join(client_for, make_user(display_name="Wang Li"), community)
    assert _told(app, wang.id) == [] and _told(app, li.id) == []


def test_a_rename_is_reported_once_per_name(app, client_for, estate):
    """Renaming to 李 主任 tells the committee; the same look-alike again (or spaced differently) does not,
    a different imitation does, and so does coming back to the first one after another."""
    community, wang, li, resident = estate
    me = client_for(resident)

    assert me.patch("/api/v1/me", json={"display_name": "李 主任"}).status_code == 200
    assert [n.context["imitated_name"] for n in _told(app, wang.id)] == ["李主任"]

    for again in ("李 主任", "李主任", "李主任。"):  # the same look-alike: told already
        assert me.patch("/api/v1/me", json={"display_name": again}).status_code == 200
    assert len(_told(app, wang.id)) == 1

    assert me.patch("/api/v1/me", json={"display_name": "Wang  fang"}).status_code == 200
    assert [n.context["imitated_name"] for n in _told(app, li.id)] == ["李主任", "Wang Fang"]
    assert me.patch("/api/v1/me", json={"display_name": "张阿姨"}).status_code == 200
    assert len(_told(app, li.id)) == 2  # a harmless name tells nobody
    assert _told(app, resident.id) == []


def test_a_committee_member_renaming_is_not_reported(app, client_for, estate):
    community, wang, li, resident = estate
    assert client_for(wang).patch("/api/v1/me", json={"display_name": "李主任 (副)"}).status_code == 200
    assert _told(app, li.id) == [] and _told(app, wang.id) == []


def test_a_rename_reports_in_every_community_of_the_person(app, client_for, make_community, make_member, estate):
    """Someone in two communities: each committee hears about a look-alike of its own members, and only that."""
    community, wang, li, resident = estate
    other = make_community()
    other_chair = make_member(other, "committee", display_name="赵书记")
    make_member(other, user=resident)
    assert client_for(resident).patch("/api/v1/me", json={"display_name": "李主任"}).status_code == 200
    assert len(_told(app, li.id)) == 1
    assert _told(app, other_chair.id) == []  # 李主任 is not a member of the other committee


def test_renames_at_the_same_moment_tell_the_committee_once(app, client_for, estate):
    """The claim on the name is a conditional UPDATE: of several requests at once, one tells the committee."""
    community, wang, li, resident = estate
    clients = [client_for(resident) for _ in range(4)]
    barrier = threading.Barrier(len(clients))

    def rename(client):
        barrier.wait()
        return client.patch("/api/v1/me", json={"display_name": "李 主任"}).status_code

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        assert list(pool.map(rename, clients)) == [200] * len(clients)
    assert len(_told(app, li.id)) == 1
