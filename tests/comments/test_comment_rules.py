"""Comment rules: who reads and posts, one level of replies, 15-minute edits, placeholders, hiding, pages."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select, update

from backend.comments import services
from backend.comments.models import Comment, CommentThread
from backend.core.db import commit, utcnow
from backend.core.errors import NotFound
from backend.extensions import db
from backend.notifications.models import Notification


def post(client, url, body="支持屋顶菜园！", **extra):
    return client.post(url, json={"body": body, **extra})


@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 401),
        ("outsider", 403),
        ("suspended", 403),
        ("pending", 201),
        ("resident", 201),
        ("committee", 201),
        ("author", 201),
    ],
)
def test_members_post_pending_included_suspended_and_outsiders_not(thread, client_for, who, status):
    client = client_for(getattr(thread.people, who) if who != "visitor" else None)
    response = post(client, thread.url)
    assert response.status_code == status, response.json
    if status == 403:
        assert response.json["reason"] in {"not_a_member", "suspended"}


def test_anyone_who_sees_the_target_reads_the_thread(thread, client_for):
    post(client_for(thread.people.resident), thread.url)
    page = client_for().get(thread.url).json
    assert [c["body"] for c in page["items"]] == ["支持屋顶菜园！"]
    assert page["items"][0]["author"]["display_name"] == "张阿姨"
    assert page["items"][0]["is_mine"] is False


def test_a_draft_thread_does_not_exist_for_others(thread, client_for):
    url = f"/api/v1/projects/{thread.draft_id}/comments"
    assert client_for().get(url).status_code == 404
    assert post(client_for(thread.people.resident), url).status_code == 404
    assert client_for(thread.people.author).get(url).status_code == 200


def test_unknown_targets_are_404(thread, client_for):
    assert client_for().get("/api/v1/projects/999999/comments").status_code == 404
    assert client_for().get("/api/v1/widgets/1/comments").status_code == 404
    assert client_for().get("/api/v1/project/1/comments").status_code == 404  # kinds are not paths
    assert client_for().get("/api/v1/polls/1/comments").status_code == 404  # followable, not commentable


def test_replies_go_one_level_deep(thread, client_for):
    resident, neighbour = client_for(thread.people.resident), client_for(thread.people.neighbour)
    top = post(resident, thread.url).json
    reply = post(neighbour, thread.url, "同意，楼顶光照很好", parent_id=top["id"])
    assert reply.status_code == 201 and reply.json["parent_id"] == top["id"]
    deeper = post(resident, thread.url, "回复回复", parent_id=reply.json["id"])
    assert deeper.status_code == 409 and deeper.json["code"] == "comment.reply_depth"
    other_thread = post(resident, f"/api/v1/projects/{thread.draft_id}/comments", "x")
    assert other_thread.status_code == 404
    page = client_for().get(thread.url).json
    assert page["items"][0]["replies_count"] == 1
    assert [r["body"] for r in page["items"][0]["replies"]] == ["同意，楼顶光照很好"]
    replies = client_for().get(f"{thread.url}?parent_id={top['id']}").json
    assert [r["id"] for r in replies["items"]] == [reply.json["id"]]


def test_a_reply_to_a_comment_of_another_thread_is_refused(app, thread, client_for, make_project_elsewhere):
    elsewhere = post(client_for(thread.people.resident), make_project_elsewhere).json
    response = post(client_for(thread.people.resident), thread.url, "串了", parent_id=elsewhere["id"])
    assert response.status_code == 422 and "parent_id" in response.json["errors"]


@pytest.fixture
def make_project_elsewhere(app, thread):
    from backend.accounts.models import User
    from backend.core.db import commit
    from backend.projects import services as projects

    with app.app_context():
        author = db.session.get(User, thread.people.author.id)
        project = projects.create_project(author, thread.community.id, title="楼道照明", category="safety", submit=True)
        commit()
        return f"/api/v1/projects/{project.id}/comments"


def _age(app, comment_id, minutes):
    with app.app_context():
        db.session.execute(
            update(Comment).where(Comment.id == comment_id).values(created_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()


def test_the_author_edits_within_fifteen_minutes_only(app, thread, client_for):
    resident = client_for(thread.people.resident)
    comment = post(resident, thread.url, "支持屋定菜园").json
    assert comment["can"] == {"edit": True, "delete": True, "reply": True, "flag": False}
    _age(app, comment["id"], 14)
    edited = resident.patch(f"/api/v1/comments/{comment['id']}", json={"body": "支持屋顶菜园"})
    assert edited.status_code == 200 and edited.json["body"] == "支持屋顶菜园" and edited.json["edited_at"]
    other = client_for(thread.people.neighbour).patch(f"/api/v1/comments/{comment['id']}", json={"body": "改掉"})
    assert other.status_code == 403
    _age(app, comment["id"], 16)
    late = resident.patch(f"/api/v1/comments/{comment['id']}", json={"body": "再改一次"})
    assert late.status_code == 409 and late.json["code"] == "comment.edit_window_closed"
    assert client_for(thread.people.resident).get(thread.url).json["items"][0]["can"]["edit"] is False


def test_deleting_keeps_a_placeholder_and_its_replies(app, thread, client_for):
    resident = client_for(thread.people.resident)
    top = post(resident, thread.url, "我家有多余的花盆").json
    post(client_for(thread.people.neighbour), thread.url, "太好了", parent_id=top["id"])
    assert client_for(thread.people.neighbour).delete(f"/api/v1/comments/{top['id']}").status_code == 403
    assert resident.delete(f"/api/v1/comments/{top['id']}").status_code == 204
    assert resident.delete(f"/api/v1/comments/{top['id']}").status_code == 204  # idempotent
    shown = client_for().get(thread.url).json["items"][0]
    assert shown["is_deleted"] is True and shown["body"] == "" and shown["author"] is None
    assert [r["body"] for r in shown["replies"]] == ["太好了"]
    with app.app_context():
        assert db.session.get(Comment, top["id"]).body == ""  # the text is erased, not just hidden
    assert resident.patch(f"/api/v1/comments/{top['id']}", json={"body": "x"}).json["code"] == "comment.comment_deleted"
    no_reply = post(resident, thread.url, "x", parent_id=top["id"])
    assert no_reply.status_code == 409 and no_reply.json["code"] == "comment.comment_deleted"
    counts = client_for().get(f"/api/v1/projects/{thread.project_id}").json
    assert counts["comments_count"] == 1  # the reply; the deleted one no longer counts


def test_hidden_comments_are_absent_for_others_and_marked_for_their_author(app, thread, client_for):
    resident = client_for(thread.people.resident)
    hidden = post(resident, thread.url, "广告：专业防水").json
    post(client_for(thread.people.neighbour), thread.url, "正常评论")
    with app.app_context():
        services.set_hidden(hidden["id"], True)
        db.session.commit()
    for viewer in (None, thread.people.neighbour, thread.people.committee):
        bodies = [c["body"] for c in client_for(viewer).get(thread.url).json["items"]]
        assert bodies == ["正常评论"]
    own = resident.get(thread.url).json["items"]
    assert [(c["body"], c["is_hidden"]) for c in own] == [("广告：专业防水", True), ("正常评论", False)]
    assert client_for().get(f"/api/v1/projects/{thread.project_id}").json["comments_count"] == 1
    with app.app_context():
        services.set_hidden(hidden["id"], False)
        db.session.commit()
    assert client_for().get(f"/api/v1/projects/{thread.project_id}").json["comments_count"] == 2


@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_threads_page_by_keyset_in_either_order(thread, client_for, order):
    resident = client_for(thread.people.resident)
    ids = [post(resident, thread.url, f"第{i}条").json["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        query = f"?order={order}&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client_for().get(thread.url + query).json
        seen.extend(c["id"] for c in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == (ids if order == "oldest" else ids[::-1])
    assert client_for().get(thread.url + "?order=random").status_code == 422


def test_comment_count_is_kept_in_the_database(app, thread, client_for):
    for i in range(3):
        post(client_for(thread.people.resident), thread.url, f"第{i}条")
    with app.app_context():
        row = db.session.scalar(
            select(CommentThread).where(
                CommentThread.target_type == "project", CommentThread.target_id == thread.project_id
            )
        )
        assert row.comments_count == 3


def test_the_target_author_and_the_replied_person_are_told(app, thread, client_for):
    top = post(client_for(thread.people.resident), thread.url).json
    post(client_for(thread.people.neighbour), thread.url, "同意", parent_id=top["id"])
    with app.app_context():
        rows = db.session.scalars(
            select(Notification).where(Notification.kind.in_(("comment_posted", "comment_reply")))
        ).all()
        told = sorted((n.kind, n.user_id) for n in rows)
    assert told == sorted(
        [
            ("comment_posted", thread.people.author.id),
            ("comment_reply", thread.people.resident.id),
            ("comment_reply", thread.people.author.id),
        ]
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"body": ""}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({}, "body"),
        ({"body": "ok", "is_hidden": True}, "is_hidden"),
        ({"body": "ok", "parent_id": "first"}, "parent_id"),
    ],
)
def test_bad_comment_input_is_refused(thread, client_for, body, field):
    response = client_for(thread.people.resident).post(thread.url, json=body)
    assert response.status_code == 422 and field in response.json["errors"]


def test_whitespace_only_comments_are_refused(thread, client_for):
    response = post(client_for(thread.people.resident), thread.url, "   ")
    assert response.status_code == 422


def test_other_domains_register_targets_with_the_documented_contract(app, thread, monkeypatch):
    """A domain registers a commentable kind; its thread obeys the kind's visibility and community."""
    from backend.accounts.models import User
    from backend.core import targets

    loads = []

    def load(target_id):
        loads.append(target_id)
        return (
            SimpleNamespace(
                id=target_id, community_id=thread.community.id, author_id=thread.people.committee.id, title="停水通知"
            )
            if target_id == 7
            else None
        )

    widget = targets.Target(
        kind="widget",
        load=load,
        load_many=lambda ids: {},
        path="widgets",
        can_see=lambda actor, item: getattr(actor, "is_authenticated", False),
        community_id=lambda item: item.community_id,
        author_id=lambda item: item.author_id,
        title=lambda item: item.title,
        excerpt=lambda item: item.title,
        follower_ids=lambda item: (),
        commentable=True,
    )
    monkeypatch.setitem(targets._registry, "widget", widget)
    with app.app_context():
        resident = db.session.get(User, thread.people.resident.id)
        with pytest.raises(NotFound):  # visitors may not see it
            services.list_comments(AnonymousUserMixin(), "widget", 7)
        comment = services.post_comment(resident, "widget", 7, body="收到")
        assert (comment.target_type, comment.community_id) == ("widget", thread.community.id)
        with pytest.raises(NotFound):
            services.list_comments(resident, "widget", 8)
        commit()  # people are told by a job after the commit (backend.notifications.outbox)
        told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "comment_posted")).all()
        assert told == [thread.people.committee.id]  # the author the kind names
    assert 7 in loads and 8 in loads
