"""Home in one request: what a member opens the app for (urgent notices, polls to vote in, my reports and aid,
my next shift, new in my grid) and, for staff, the counts of their queues. Cheap: a fixed handful of SQL
statements whatever the data."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from backend.core.db import utcnow
from backend.extensions import db


def iso(moment) -> str:
    return moment.isoformat()


@pytest.fixture
def town(make_community, make_member):
    community = make_community("阳光小区", grids=2)
    other = make_community("月亮小区", grids=1)
    return SimpleNamespace(
        cid=community.id,
        community=community,
        grids=community.grid_ids,
        committee=make_member(community, "committee", display_name="王主任", grid=None),
        worker=make_member(community, "grid_worker", grid=0, display_name="李网格员"),
        resident=make_member(community, grid=0, display_name="张阿姨", household=("3", "1", "101")),
        spouse=make_member(community, grid=0, display_name="张叔叔", household=("3", "1", "101")),
        west=make_member(community, grid=1, display_name="钱老师"),
        pending=make_member(community, status="pending", grid=0, display_name="新来的"),
        other=other,
        stranger=make_member(other, display_name="隔壁小区的人"),
    )


def home_of(client_for, user, cid, **headers):
    response = client_for(user).get(f"/api/v1/communities/{cid}/home", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def publish(client_for, town, title, **flags):
    response = client_for(town.committee).post(
        f"/api/v1/communities/{town.cid}/notices",
        json={"title": title, "body": "……", **flags},
    )
    assert response.status_code == 201, response.json
    return response.json


def new_poll(client_for, town, title, **overrides):
    now = utcnow()
    body = {
        "title": title,
        "description": "",
        "method": "single",
        "options": [{"label": "甲"}, {"label": "乙"}],
        "opens_at": iso(now - timedelta(minutes=5)),
        "closes_at": iso(now + timedelta(days=3)),
        "eligibility": "verified",
        "secret": True,
        **overrides,
    }
    response = client_for(town.committee).post(f"/api/v1/communities/{town.cid}/polls", json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_visitors_sign_in_and_strangers_are_refused(client_for, town):
    assert client_for(None).get(f"/api/v1/communities/{town.cid}/home").status_code == 401
    response = client_for(town.stranger).get(f"/api/v1/communities/{town.cid}/home")
    assert response.status_code == 403 and response.json["reason"] == "not_a_member"


def test_urgent_notice_heads_home_and_pinned_comes_before_newer(client_for, town):
    publish(client_for, town, "明天停水", urgent=True)
    publish(client_for, town, "垃圾分类新规", pinned=True)
    publish(client_for, town, "周末电影")
    home = home_of(client_for, town.resident, town.cid)
    assert [n["title"] for n in home["urgent"]] == ["明天停水"]
    assert [n["title"] for n in home["notices"]] == ["垃圾分类新规", "周末电影"]
    assert home["notices"][0]["state"] == "pinned" and home["notices"][0]["detail"] == "unread"


def test_an_urgent_notice_of_last_month_is_no_banner(app, client_for, town):
    from backend.notices.models import Notice

    old = publish(client_for, town, "上月停电", urgent=True)
    with app.app_context():
        db.session.execute(
            update(Notice).where(Notice.id == old["id"]).values(publish_at=utcnow() - timedelta(days=30))
        )
        db.session.commit()
    home = home_of(client_for, town.resident, town.cid)
    assert home["urgent"] == [] and [n["title"] for n in home["notices"]] == ["上月停电"]


def test_polls_to_vote_in_are_those_i_may_and_have_not(client_for, town):
    everyone = new_poll(client_for, town, "小花园改造方案")
    new_poll(client_for, town, "西苑停车位", eligibility="grid", grid_id=town.grids[1])
    household = new_poll(client_for, town, "加装电梯", eligibility="household")
    new_poll(
        client_for,
        town,
        "明年的活动",
        opens_at=iso(utcnow() + timedelta(days=1)),
        closes_at=iso(utcnow() + timedelta(days=5)),
    )
    assert {p["title"] for p in home_of(client_for, town.resident, town.cid)["polls"]} == {"小花园改造方案", "加装电梯"}
    assert {p["title"] for p in home_of(client_for, town.west, town.cid)["polls"]} == {
        "小花园改造方案",
        "西苑停车位",
        "加装电梯",
    }
    # The household voted through the spouse: nobody of that household is asked again.
    ballot = client_for(town.spouse).post(
        f"/api/v1/polls/{household['id']}/ballots",
        json={"option_id": household["options"][0]["id"]},
    )
    assert ballot.status_code == 201, ballot.json
    vote = client_for(town.resident).post(
        f"/api/v1/polls/{everyone['id']}/ballots",
        json={"option_id": everyone["options"][1]["id"]},
    )
    assert vote.status_code == 201, vote.json
    assert home_of(client_for, town.resident, town.cid)["polls"] == []
    # Not verified yet: may not vote, so is not asked to.
    assert home_of(client_for, town.pending, town.cid)["polls"] == []


def test_my_reports_show_their_state_and_category_in_my_language(client_for, town):
    response = client_for(town.resident).post(
        f"/api/v1/communities/{town.cid}/reports",
        json={
            "category": "street_lights",
            "description": "3号楼门口的路灯不亮了",
            "grid_id": town.grids[0],
        },
    )
    assert response.status_code == 201, response.json
    assert client_for(town.resident).patch("/api/v1/me", json={"locale": "en"}).status_code == 200
    home = home_of(client_for, town.resident, town.cid)
    [mine] = [item for item in home["mine"] if item["kind"] == "report"]
    assert (mine["title"], mine["state"], mine["detail"], mine["detail_label"]) == (
        "3号楼门口的路灯不亮了",
        "submitted",
        "street_lights",
        "Street lights",
    )
    # A neighbour in the same grid sees it as new in the grid, not as theirs.
    neighbour = home_of(client_for, town.spouse, town.cid)
    assert [i["kind"] for i in neighbour["mine"]] == []
    assert [(i["kind"], i["title"]) for i in neighbour["grid"]] == [("report", "3号楼门口的路灯不亮了")]
    # Another grid does not see it as news.
    assert home_of(client_for, town.west, town.cid)["grid"] == []


def test_my_aid_posts_and_next_shift(client_for, town):
    post = client_for(town.resident).post(
        f"/api/v1/communities/{town.cid}/aid",
        json={
            "kind": "request",
            "category": "errands",
            "title": "帮忙取快递",
            "body": "下午三点",
            "grid_id": town.grids[0],
        },
    )
    assert post.status_code == 201, post.json
    org = client_for(town.resident).post(
        f"/api/v1/communities/{town.cid}/organisations",
        json={"name": "花园小组", "kind": "volunteer_group", "description": ""},
    )
    assert org.status_code == 201, org.json
    assert client_for(town.committee).post(f"/api/v1/organisations/{org.json['id']}/verify").status_code == 200
    start = utcnow() + timedelta(days=2)
    activity = client_for(town.resident).post(
        f"/api/v1/organisations/{org.json['id']}/activities",
        json={
            "title": "周末清扫",
            "description": "",
            "location": "中心花园",
            "shifts": [
                {
                    "starts_at": iso(start),
                    "ends_at": iso(start + timedelta(hours=2)),
                    "capacity": 5,
                }
            ],
        },
    )
    assert activity.status_code == 201, activity.json
    shift_id = activity.json["shifts"][0]["id"]
    assert client_for(town.spouse).post(f"/api/v1/shifts/{shift_id}/signups").status_code == 201
    home = home_of(client_for, town.spouse, town.cid)
    assert home["next_shift"]["kind"] == "shift" and home["next_shift"]["id"] == activity.json["id"]
    assert (
        home["next_shift"]["title"],
        home["next_shift"]["state"],
        home["next_shift"]["detail"],
    ) == ("周末清扫", "confirmed", "中心花园")
    assert [(i["kind"], i["title"], i["state"]) for i in home_of(client_for, town.resident, town.cid)["mine"]] == [
        ("aid", "帮忙取快递", "open")
    ]
    # The neighbour sees the request as new in the grid (aid), and the activity.
    assert {(i["kind"], i["title"]) for i in home["grid"]} >= {
        ("aid", "帮忙取快递"),
        ("activity", "周末清扫"),
    }


def test_staff_see_the_counts_of_their_queues(client_for, town):
    client_for(town.resident).post(
        f"/api/v1/communities/{town.cid}/reports",
        json={
            "category": "rubbish",
            "description": "垃圾堆放未清理",
            "grid_id": town.grids[0],
        },
    )
    client_for(town.west).post(
        f"/api/v1/communities/{town.cid}/reports",
        json={"category": "noise", "description": "晚上施工", "grid_id": town.grids[1]},
    )
    committee = home_of(client_for, town.committee, town.cid)["staff"]
    assert committee["role"] == "committee"
    assert committee["counts"] == {
        "members_pending": 1,
        "reports_new": 2,
        "reports_overdue": 0,
        "projects_to_review": 0,
        "moderation_open": 0,
        "appeals_pending": 0,
        "organisations_pending": 0,
    }
    worker = home_of(client_for, town.worker, town.cid)["staff"]
    assert worker == {
        "role": "grid_worker",
        "counts": {"reports_new": 1, "reports_in_progress": 0, "reports_overdue": 0},
    }
    assert home_of(client_for, town.resident, town.cid)["staff"] is None


def test_overdue_reports_are_counted(app, client_for, town):
    from backend.reports.models import Report

    created = (
        client_for(town.resident)
        .post(
            f"/api/v1/communities/{town.cid}/reports",
            json={
                "category": "rubbish",
                "description": "垃圾堆放未清理",
                "grid_id": town.grids[0],
            },
        )
        .json
    )
    with app.app_context():
        db.session.execute(
            update(Report).where(Report.id == created["id"]).values(next_due_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
    assert home_of(client_for, town.committee, town.cid)["staff"]["counts"]["reports_overdue"] == 1
    assert home_of(client_for, town.worker, town.cid)["staff"]["counts"]["reports_overdue"] == 1


def test_nothing_from_another_community(client_for, town):
    client_for(town.stranger).post(
        f"/api/v1/communities/{town.other.id}/reports",
        json={
            "category": "rubbish",
            "description": "别处的垃圾",
            "grid_id": town.other.grid_ids[0],
        },
    )
    home = home_of(client_for, town.committee, town.cid)
    assert home["staff"]["counts"]["reports_new"] == 0
    assert "别处的垃圾" not in str(home_of(client_for, town.resident, town.cid))


def test_home_costs_a_fixed_handful_of_statements(client_for, town, count_queries):
    for n in range(4):
        publish(client_for, town, f"公告{n}")
        new_poll(client_for, town, f"投票{n}")
        client_for(town.resident).post(
            f"/api/v1/communities/{town.cid}/reports",
            json={
                "category": "rubbish",
                "description": f"问题{n}",
                "grid_id": town.grids[0],
            },
        )
    for who in (town.resident, town.committee, town.worker):
        client = client_for(who)
        client.get("/api/v1/me")
        with count_queries() as counter:
            assert client.get(f"/api/v1/communities/{town.cid}/home").status_code == 200
        # the session's user, the membership, one UNION of every part, the staff counts
        assert counter.count <= 4, counter.statements
