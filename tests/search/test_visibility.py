"""Can anyone find, or count, what they may not open? Other communities, hidden items, drafts, grid notices,
scheduled notices, aid posts of blocked people, visitors and pending members."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core.db import utcnow
from backend.extensions import db
from tests.search.conftest import activity, aid, notice, project, report


def search(client, cid, q, **params):
    response = client.get(f"/api/v1/communities/{cid}/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(client, cid, q, **params):
    return {(item["type"], item["id"]) for item in search(client, cid, q, **params)["items"]}


def everyone(town):
    return {
        "visitor": None,
        "pending": town.pending,
        "outsider": town.outsider,
        "grid0": town.grid0,
        "grid1": town.grid1,
        "committee": town.committee,
    }


def test_another_community_s_items_never_appear(app, client_for, town):
    with app.app_context():
        theirs = report(town.other.id, town.outsider.id, "隔壁小区路灯坏了")
        db.session.commit()
    for who in everyone(town).values():
        assert ("report", theirs) not in ids(client_for(who), town.community.id, "路灯")
    # and the other community's own search does not show ours
    assert ids(client_for(town.outsider), town.other.id, "路灯") == {("report", theirs)}


@pytest.mark.parametrize("who", ["visitor", "pending", "outsider", "grid0", "grid1", "committee"])
def test_hidden_items_and_drafts_are_found_by_nobody(app, client_for, town, who):
    cid, author = town.community.id, town.grid0.id
    with app.app_context():
        hidden = {
            ("project", project(cid, author, "秘密花园草稿", status="draft")),
            ("project", project(cid, author, "秘密花园撤回", status="withdrawn")),
            ("project", project(cid, author, "秘密花园隐藏", hidden=True)),
            ("report", report(cid, author, "秘密花园被隐藏的报告", hidden=True)),
            ("aid", aid(cid, author, "秘密花园隐藏的互助", hidden=True)),
            ("notice", notice(cid, town.committee.id, "秘密花园隐藏的公告", hidden=True)),
            ("notice", notice(cid, town.committee.id, "秘密花园定时公告", publish_in_days=2)),
            ("activity", activity(cid, town.committee.id, "秘密花园隐藏的活动", hidden=True)),
            ("activity", activity(cid, town.committee.id, "秘密花园待审组织的活动", organisation_status="pending")),
        }
        db.session.commit()
    client = client_for(everyone(town)[who])
    assert len(hidden) == 9
    assert ids(client, cid, "秘密花园") == set()
    assert ids(client, cid, "秘密") == set()  # the short-query path obeys the same rules
    # not even a next page betrays them
    assert search(client, cid, "秘密", limit=1)["next_cursor"] is None


def test_a_grid_notice_is_found_only_in_its_grid_and_by_the_committee(app, client_for, town):
    cid = town.community.id
    with app.app_context():
        grid_notice = notice(cid, town.committee.id, "一号网格停电检修", grid_id=town.community.grid_ids[0])
        db.session.commit()
    expected = {"grid0": True, "committee": True, "grid1": False, "pending": False, "visitor": False, "outsider": False}
    for who, sees in expected.items():
        assert (("notice", grid_notice) in ids(client_for(everyone(town)[who]), cid, "停电")) is sees, who


@pytest.mark.parametrize(
    ("who", "sees"), [("visitor", False), ("pending", True), ("outsider", False), ("grid1", True), ("committee", True)]
)
def test_whole_community_notices_are_for_its_members_only(client_for, town, who, sees):
    assert (("notice", town.ids["notice"]) in ids(client_for(everyone(town)[who]), town.community.id, "密码")) is sees


@pytest.mark.parametrize(
    ("who", "sees"), [("visitor", False), ("pending", False), ("outsider", False), ("grid1", True), ("committee", True)]
)
def test_aid_posts_are_for_verified_members_only(client_for, town, who, sees):
    assert (("aid", town.ids["aid"]) in ids(client_for(everyone(town)[who]), town.community.id, "快递")) is sees


def test_aid_posts_of_people_who_blocked_me_or_whom_i_blocked_are_not_found(app, client_for, town):
    from backend.aid.models import UserBlock

    with app.app_context():
        db.session.add(UserBlock(blocker_id=town.grid0.id, blocked_id=town.grid1.id))
        db.session.commit()
    assert ("aid", town.ids["aid"]) not in ids(client_for(town.grid1), town.community.id, "快递")
    assert ("aid", town.ids["aid"]) in ids(client_for(town.committee), town.community.id, "快递")


@pytest.mark.parametrize("who", ["visitor", "pending", "outsider"])
def test_public_kinds_are_found_by_anyone(client_for, town, who):
    found = ids(client_for(everyone(town)[who]), town.community.id, "长椅") | ids(
        client_for(everyone(town)[who]), town.community.id, "路灯"
    )
    assert {("project", town.ids["project"]), ("poll", town.ids["poll"]), ("report", town.ids["report"])} <= found


def test_a_suspended_member_does_not_find_aid_posts(app, client_for, town):
    from backend.communities.models import Membership

    with app.app_context():
        member = db.session.scalar(db.select(Membership).filter_by(user_id=town.grid1.id))
        member.recorded_status, member.suspended_until = "suspended", utcnow() + timedelta(days=3)
        db.session.commit()
    assert ("aid", town.ids["aid"]) not in ids(client_for(town.grid1), town.community.id, "快递")
