"""Checks and balances inside the committee (issue 15): attacks by one committee member on the others, and
by a suspended member on the evidence, each as a question."""

from __future__ import annotations

import pytest

from backend.communities.models import Membership
from backend.extensions import db


@pytest.fixture
def board(app, make_community, make_member, make_user):
    community = make_community()
    return {
        "cid": community.id,
        "community": community,
        "a": make_member(community, "committee", display_name="委员甲"),
        "b": make_member(community, "committee", display_name="委员乙"),
        "c": make_member(community, "committee", display_name="委员丙"),
        "resident": make_member(community),
        "admin": make_user(platform_admin=True),
    }


def membership_id(app, user) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Membership.id).filter_by(user_id=user.id))


def status_of(app, user) -> str:
    with app.app_context():
        return db.session.scalar(db.select(Membership).filter_by(user_id=user.id)).status


def suspend(client, app, user, days=7, target=None):
    target_type, target_id = target or ("member", membership_id(app, user))
    return client.post(
        "/api/v1/moderation/actions",
        json={"target_type": target_type, "target_id": target_id, "action": "suspend", "reason": "越权", "days": days},
    )


def post_comment(app, board, author) -> int:
    from backend.accounts.models import User
    from backend.comments import services as comments
    from backend.projects import services as projects

    with app.app_context():
        me = db.session.get(User, author.id)
        project = projects.create_project(
            db.session.get(User, board["resident"].id),
            board["cid"],
            title="修长椅",
            category="facilities",
            summary="3号楼前",
            submit=True,
        )
        comment = comments.post_comment(me, "project", project.id, body="这条评论是证据")
        db.session.commit()
        return comment.id


def test_one_committee_member_cannot_suspend_another_alone(app, client_for, board):
    """Can one committee member suspend a colleague on their own?"""
    first = suspend(client_for(board["a"]), app, board["b"])
    assert first.status_code == 201 and first.json["awaiting_second"] is True and first.json["id"] is None
    assert status_of(app, board["b"]) == "verified"
    again = suspend(client_for(board["a"]), app, board["b"])  # asking twice is still one member
    assert again.json["awaiting_second"] is True and status_of(app, board["b"]) == "verified"
    # the colleague under request cannot be the second agreement about themselves (they are not asked)
    second = suspend(client_for(board["c"]), app, board["b"])
    assert second.status_code == 201 and second.json["awaiting_second"] is False and second.json["id"]
    assert status_of(app, board["b"]) == "suspended"


def test_the_other_members_are_told_of_a_request(app, client_for, board):
    """Does a request to suspend a colleague stay secret from the rest of the committee? (It must not.)"""
    suspend(client_for(board["a"]), app, board["b"])
    told = [
        n for n in client_for(board["c"]).get("/api/v1/notifications").json["items"] if n["kind"] == "moderation_queue"
    ]
    assert len(told) == 1
    assert [
        n for n in client_for(board["b"]).get("/api/v1/notifications").json["items"] if n["kind"] == "moderation_queue"
    ] == []


def test_a_used_request_does_not_suspend_again(app, client_for, board):
    """After a suspension is lifted, does the old request let one member suspend the colleague again alone?"""
    suspend(client_for(board["a"]), app, board["b"])
    suspend(client_for(board["c"]), app, board["b"])
    lifted = client_for(board["a"]).post(
        "/api/v1/moderation/actions",
        json={
            "target_type": "member",
            "target_id": membership_id(app, board["b"]),
            "action": "lift_suspension",
            "reason": "复核",
        },
    )
    assert lifted.status_code == 201 and status_of(app, board["b"]) == "verified"
    alone = suspend(client_for(board["c"]), app, board["b"])
    assert alone.json["awaiting_second"] is True and status_of(app, board["b"]) == "verified"


def test_a_platform_admin_may_suspend_a_committee_member_alone(app, client_for, board):
    """Is the platform admin's decision enough? (Yes: the admin is the check above the committee.)"""
    response = suspend(client_for(board["admin"]), app, board["b"])
    assert response.status_code == 201 and response.json["awaiting_second"] is False
    assert status_of(app, board["b"]) == "suspended"


def test_residents_are_still_suspended_by_one_member(app, client_for, board):
    """Does the second-member rule slow down moderation of residents? (No.)"""
    response = suspend(client_for(board["a"]), app, board["resident"])
    assert response.status_code == 201 and response.json["awaiting_second"] is False
    assert status_of(app, board["resident"]) == "suspended"


def test_the_last_active_committee_member_can_never_be_suspended(
    app, client_for, make_community, make_member, make_user
):
    """Can a community lose its last active committee member to a suspension (by the admin, or themselves)?"""
    community = make_community()
    only = make_member(community, "committee")
    admin = make_user(platform_admin=True)
    for client in (client_for(admin), client_for(only)):
        response = suspend(client, app, only)
        assert response.status_code == 409 and response.json["code"] == "moderation.last_committee_member"
    assert status_of(app, only) == "verified"


def test_two_members_cannot_suspend_the_third_and_then_each_other(app, client_for, board):
    """Can two members suspend the third, then one suspend the other, leaving one alone? (The last one stays.)"""
    suspend(client_for(board["a"]), app, board["c"])
    suspend(client_for(board["b"]), app, board["c"])
    assert status_of(app, board["c"]) == "suspended"
    # a asks to suspend b: nobody else active can agree, and b must not be the last but one... the admin may
    request = suspend(client_for(board["a"]), app, board["b"])
    assert request.json["awaiting_second"] is True and status_of(app, board["b"]) == "verified"
    admin = suspend(client_for(board["admin"]), app, board["b"])
    assert admin.status_code == 201 and status_of(app, board["b"]) == "suspended"
    last = suspend(client_for(board["admin"]), app, board["a"])
    assert last.status_code == 409 and last.json["code"] == "moderation.last_committee_member"


def test_an_appeal_goes_to_a_member_who_did_not_act_else_the_platform_admin(app, client_for, board):
    """Who is told of an appeal against a member's action, and can the appellant or the actor decide it?"""
    comment_id = post_comment(app, board, board["b"])
    hide = client_for(board["a"]).post(
        "/api/v1/moderation/actions",
        json={"target_type": "comment", "target_id": comment_id, "action": "hide", "reason": "不实"},
    )
    appeal = client_for(board["b"]).post("/api/v1/appeals", json={"action_id": hide.json["id"], "text": "属实"})
    assert appeal.status_code == 201

    def told(user):
        items = client_for(user).get("/api/v1/notifications").json["items"]
        return [n for n in items if n["kind"] == "appeal_submitted"]

    assert len(told(board["c"])) == 1 and told(board["a"]) == [] and told(board["b"]) == []
    decide = f"/api/v1/appeals/{appeal.json['id']}/decision"
    own = client_for(board["b"]).post(decide, json={"decision": "reverse", "reason": "我说了算"})
    assert own.status_code == 409 and own.json["code"] == "moderation.own_appeal"
    actor = client_for(board["a"]).post(decide, json={"decision": "uphold", "reason": "我说了算"})
    assert actor.status_code == 409 and actor.json["code"] == "moderation.own_action"
    assert client_for(board["c"]).post(decide, json={"decision": "reverse", "reason": "复核"}).status_code == 200


def test_with_no_other_member_the_appeal_goes_to_the_platform_admin(
    app, client_for, make_community, make_member, make_user
):
    """When only the acting member is left, is the appeal lost? (No: the platform admin is told and decides.)"""
    community = make_community()
    acting = make_member(community, "committee")
    author = make_member(community)
    admin = make_user(platform_admin=True)
    warn = client_for(acting).post(
        "/api/v1/moderation/actions",
        json={"target_type": "member", "target_id": membership_id(app, author), "action": "warn", "reason": "刷屏"},
    )
    appeal = client_for(author).post("/api/v1/appeals", json={"action_id": warn.json["id"], "text": "没有"})
    items = client_for(admin).get("/api/v1/notifications").json["items"]
    assert [n["kind"] for n in items] == ["appeal_submitted"]
    decided = client_for(admin).post(
        f"/api/v1/appeals/{appeal.json['id']}/decision", json={"decision": "reverse", "reason": "证据不足"}
    )
    assert decided.status_code == 200 and decided.json["status"] == "reversed"


def test_a_suspended_member_cannot_delete_the_evidence(app, client_for, board):
    """Can a member suspended for a comment delete that comment before the appeal is heard?"""
    comment_id = post_comment(app, board, board["resident"])
    assert suspend(client_for(board["a"]), app, board["resident"], target=("comment", comment_id)).status_code == 201
    response = client_for(board["resident"]).delete(f"/api/v1/comments/{comment_id}")
    assert response.status_code == 403 and response.json["reason"] == "evidence"
    committee_view = client_for(board["a"]).get(f"/api/v1/communities/{board['cid']}/moderation/queue").json["items"]
    assert any(c["target_id"] == comment_id and c["excerpt"] for c in committee_view)


def test_a_suspended_member_may_still_delete_other_comments(app, client_for, board):
    """Does the evidence rule stop a suspended member from taking back an unrelated comment? (No.)"""
    evidence = post_comment(app, board, board["resident"])
    other = post_comment(app, board, board["resident"])
    suspend(client_for(board["a"]), app, board["resident"], target=("comment", evidence))
    assert client_for(board["resident"]).delete(f"/api/v1/comments/{other}").status_code == 204


def test_a_suspended_member_cannot_follow_or_block(app, client_for, board):
    """Are follows and blocks writes a suspended member may still make? (No; unfollow and unblock stay.)"""
    comment_id = post_comment(app, board, board["b"])
    with app.app_context():
        from backend.comments.models import Comment

        project_id = db.session.get(Comment, comment_id).target_id
    suspend(client_for(board["a"]), app, board["resident"])
    client = client_for(board["resident"])
    follow = client.post("/api/v1/follows", json={"target_type": "project", "target_id": project_id})
    assert follow.status_code == 403 and follow.json["reason"] == "suspended"
    block = client.post(f"/api/v1/blocks/{board['b'].id}")
    assert block.status_code == 403 and block.json["reason"] == "suspended"
    assert client.delete("/api/v1/follows", json={"target_type": "project", "target_id": project_id}).status_code == 200
    assert client.delete(f"/api/v1/blocks/{board['b'].id}").status_code in (200, 204)
