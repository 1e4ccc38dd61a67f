"""Mutual aid through the API: posting, responding, matching, completing, thanks, close/reopen, expiry."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.aid import services
from backend.aid.models import AidPost, TimeBankEntry
from backend.communities.models import Community, Membership
from backend.core.db import utcnow
from backend.extensions import db
from backend.notifications.models import Notification

from .conftest import post_request


def kinds_for(app, user_id):
    with app.app_context():
        return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id))]


@pytest.mark.parametrize(
    "who, status, reason",
    [
        ("visitor", 401, None),
        ("outsider", 403, "not_a_member"),
        ("pending", 403, "not_verified"),
        ("suspended", 403, "suspended"),
        ("author", 201, None),
        ("committee", 201, None),
    ],
)
def test_only_verified_members_may_post_aid(town, client_for, make_user, make_member, who, status, reason):
    """Can anyone but a verified member post on the aid board?"""
    user = {
        "visitor": None,
        "outsider": make_user(),
        "pending": town.pending,
        "author": town.author,
        "committee": town.committee,
        "suspended": make_member(town.community, status="suspended") if who == "suspended" else None,
    }[who]
    body = {"kind": "request", "category": "errands", "title": "帮忙取快递"}
    response = client_for(user).post(f"/api/v1/communities/{town.cid}/aid", json=body)
    assert response.status_code == status
    if reason:
        assert response.get_json()["reason"] == reason
    listing = client_for(user).get(f"/api/v1/communities/{town.cid}/aid")
    assert listing.status_code == (200 if status == 201 else status)


def test_a_post_appears_on_the_board_with_filters(town, client_for):
    """Do the kind and category filters and `mine` work?"""
    author = client_for(town.author)
    request = post_request(author, town.cid)
    offer = post_request(author, town.cid, kind="offer", category="lending", title="借电钻")
    board = client_for(town.helper)

    def ids(**query):
        return [
            p["id"] for p in board.get(f"/api/v1/communities/{town.cid}/aid", query_string=query).get_json()["items"]
        ]

    assert ids() == [offer["id"], request["id"]]
    assert ids(kind="offer") == [offer["id"]]
    assert ids(category="health_escort") == [request["id"]]
    assert ids(mine="authored") == []
    assert [p["id"] for p in author.get(f"/api/v1/communities/{town.cid}/aid?mine=authored").get_json()["items"]] == [
        offer["id"],
        request["id"],
    ]
    assert request["status"] == "open" and request["author"]["display_name"] == "张阿姨"


def test_keyset_pagination_walks_the_board(town, client_for):
    author = client_for(town.author)
    made = [post_request(author, town.cid, title=f"帮忙 {i}")["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        page = author.get(
            f"/api/v1/communities/{town.cid}/aid", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})}
        ).get_json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(made))


def test_the_full_request_flow_records_hours_and_thanks(app, town, client_for):
    """Respond, accept, complete with hours, thank: does everything land where it should?"""
    author, helper, other = client_for(town.author), client_for(town.helper), client_for(town.other)
    post = post_request(author, town.cid)
    mine = helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我周三上午有空，可以陪您去"})
    assert mine.status_code == 201
    theirs = other.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我也可以"}).get_json()
    assert "aid_response" in kinds_for(app, town.author.id)

    seen_by_author = author.get(f"/api/v1/aid/{post['id']}").get_json()
    assert [r["message"] for r in seen_by_author["responses"]] == ["我周三上午有空，可以陪您去", "我也可以"]
    seen_by_other = other.get(f"/api/v1/aid/{post['id']}").get_json()
    assert seen_by_other["responses"] == [] and seen_by_other["my_response"]["id"] == theirs["id"]

    assert helper.post(f"/api/v1/aid/{post['id']}/responses/{mine.get_json()['id']}/accept").status_code == 403
    matched = author.post(f"/api/v1/aid/{post['id']}/responses/{mine.get_json()['id']}/accept")
    assert matched.status_code == 200
    assert matched.get_json()["status"] == "matched" and matched.get_json()["helper"]["id"] == town.helper.id
    assert "aid_accepted" in kinds_for(app, town.helper.id)
    assert "aid_not_selected" in kinds_for(app, town.other.id)
    again = author.post(f"/api/v1/aid/{post['id']}/responses/{theirs['id']}/accept")
    assert again.status_code == 409 and again.get_json()["code"] == "aid_response.invalid_transition"

    assert other.post(f"/api/v1/aid/{post['id']}/complete", json={}).status_code == 403
    done = helper.post(f"/api/v1/aid/{post['id']}/complete", json={"hours": 2.5})
    assert done.status_code == 200
    assert done.get_json()["status"] == "completed" and done.get_json()["hours"] == 2.5
    twice = helper.post(f"/api/v1/aid/{post['id']}/complete", json={})
    assert twice.get_json()["code"] == "aid.already_done"
    # The helped one marks done too: their hours do not overwrite the first figure; their thanks is stored.
    confirmed = author.post(f"/api/v1/aid/{post['id']}/complete", json={"hours": 4, "thanks": "谢谢周师傅，辛苦了！"})
    assert confirmed.status_code == 200
    assert confirmed.get_json()["hours"] == 2.5 and confirmed.get_json()["thanks"]["text"] == "谢谢周师傅，辛苦了！"
    assert "aid_thanked" in kinds_for(app, town.helper.id)

    thanks = other.get(f"/api/v1/users/{town.helper.id}/thanks", query_string={"community_id": town.cid}).get_json()
    assert [t["text"] for t in thanks["items"]] == ["谢谢周师傅，辛苦了！"]
    assert thanks["items"][0]["from_user"]["display_name"] == "张阿姨"
    assert (
        author.post(f"/api/v1/aid/{post['id']}/thanks", json={"text": "再谢一次"}).get_json()["code"]
        == "aid.already_thanked"
    )

    helper_bank = helper.get(f"/api/v1/communities/{town.cid}/time-bank/me").get_json()
    author_bank = author.get(f"/api/v1/communities/{town.cid}/time-bank/me").get_json()
    assert (helper_bank["given_hours"], helper_bank["balance_hours"]) == (2.5, 2.5)
    assert (author_bank["received_hours"], author_bank["balance_hours"]) == (2.5, -2.5)
    assert (
        author_bank["items"][0]["direction"] == "received" and author_bank["items"][0]["other"]["id"] == town.helper.id
    )


def test_only_the_person_helped_can_thank(town, client_for):
    author, helper = client_for(town.author), client_for(town.helper)
    post = post_request(author, town.cid)
    rid = helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我来"}).get_json()["id"]
    assert author.post(f"/api/v1/aid/{post['id']}/thanks", json={"text": "谢谢"}).status_code == 409  # not done yet
    author.post(f"/api/v1/aid/{post['id']}/responses/{rid}/accept")
    refused = helper.post(f"/api/v1/aid/{post['id']}/complete", json={"thanks": "不客气"})
    assert refused.status_code == 422 and "thanks" in refused.get_json()["errors"]
    helper.post(f"/api/v1/aid/{post['id']}/complete", json={})
    assert (
        helper.post(f"/api/v1/aid/{post['id']}/thanks", json={"text": "谢谢我自己"}).get_json()["reason"]
        == "receiver_only"
    )
    assert author.post(f"/api/v1/aid/{post['id']}/thanks", json={"text": "谢谢"}).status_code == 201


def test_on_an_offer_the_author_gives_the_time(town, client_for):
    """An offer (周末小学数学辅导): the responder receives, the author earns the hours."""
    author, helper = client_for(town.author), client_for(town.helper)
    offer = post_request(author, town.cid, kind="offer", category="tutoring", title="周末小学数学辅导")
    rid = helper.post(f"/api/v1/aid/{offer['id']}/responses", json={"message": "我家孩子三年级"}).get_json()["id"]
    author.post(f"/api/v1/aid/{offer['id']}/responses/{rid}/accept")
    helper.post(f"/api/v1/aid/{offer['id']}/complete", json={"hours": 1, "thanks": "孩子进步很大"})
    assert author.get(f"/api/v1/communities/{town.cid}/time-bank/me").get_json()["balance_hours"] == 1
    assert helper.get(f"/api/v1/communities/{town.cid}/time-bank/me").get_json()["balance_hours"] == -1
    thanks = helper.get(f"/api/v1/users/{town.author.id}/thanks", query_string={"community_id": town.cid}).get_json()
    assert thanks["items"][0]["text"] == "孩子进步很大"


def test_time_bank_off_records_no_hours(app, town, client_for):
    with app.app_context():
        db.session.get(Community, town.cid).settings = {"time_bank": False}
        db.session.commit()
    author, helper = client_for(town.author), client_for(town.helper)
    post = post_request(author, town.cid)
    rid = helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我来"}).get_json()["id"]
    author.post(f"/api/v1/aid/{post['id']}/responses/{rid}/accept")
    done = helper.post(f"/api/v1/aid/{post['id']}/complete", json={"hours": 2}).get_json()
    assert done["status"] == "completed" and done["hours"] is None
    with app.app_context():
        assert db.session.scalar(select(TimeBankEntry)) is None
    assert helper.get(f"/api/v1/communities/{town.cid}/time-bank/me").get_json()["enabled"] is False


def test_committee_sees_time_bank_totals_and_residents_do_not(town, client_for):
    author, helper = client_for(town.author), client_for(town.helper)
    post = post_request(author, town.cid)
    rid = helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我来"}).get_json()["id"]
    author.post(f"/api/v1/aid/{post['id']}/responses/{rid}/accept")
    author.post(f"/api/v1/aid/{post['id']}/complete", json={"hours": 1.5})
    assert author.get(f"/api/v1/communities/{town.cid}/time-bank").status_code == 403
    totals = client_for(town.committee).get(f"/api/v1/communities/{town.cid}/time-bank").get_json()
    assert totals["total_hours"] == 1.5 and totals["entries"] == 1 and totals["givers"] == 1
    assert totals["by_category"] == [{"category": "health_escort", "entries": 1, "hours": 1.5}]


def test_responding_rules(town, client_for):
    """Own post, unverified responder (an at-home request), and one response per person."""
    author = client_for(town.author)
    post = post_request(author, town.cid, at_home=True, category="repairs", title="修水龙头（上门）")
    assert post["at_home"] is True
    assert (
        author.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "x"}).get_json()["code"] == "aid.own_post"
    )
    unverified = client_for(town.pending).post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我会修"})
    assert unverified.status_code == 403 and unverified.get_json()["reason"] == "not_verified"
    helper = client_for(town.helper)
    assert helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我会修"}).status_code == 201
    second = helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "再说一次"})
    assert second.status_code == 409 and second.get_json()["code"] == "already_responded"
    assert helper.post(f"/api/v1/aid/{post['id']}/responses", json={}).status_code == 422


@pytest.mark.parametrize("action", ["close", "reopen", "accept", "complete"])
def test_non_authors_cannot_run_the_authors_transitions(town, client_for, action):
    author, other = client_for(town.author), client_for(town.other)
    post = post_request(author, town.cid)
    rid = client_for(town.helper).post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我来"}).get_json()["id"]
    path = {"close": "close", "reopen": "reopen", "accept": f"responses/{rid}/accept", "complete": "complete"}[action]
    response = other.post(f"/api/v1/aid/{post['id']}/{path}", json={} if action in ("reopen", "complete") else None)
    assert response.status_code == 403


def test_close_and_reopen_transitions(app, town, client_for):
    author, helper = client_for(town.author), client_for(town.helper)
    post = post_request(author, town.cid)
    rid = helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我来"}).get_json()["id"]
    assert author.post(f"/api/v1/aid/{post['id']}/reopen", json={}).get_json()["code"] == "aid.invalid_transition"
    author.post(f"/api/v1/aid/{post['id']}/responses/{rid}/accept")
    closed = author.post(f"/api/v1/aid/{post['id']}/close")
    assert closed.get_json()["status"] == "closed"
    assert "aid_closed" in kinds_for(app, town.helper.id)
    assert author.post(f"/api/v1/aid/{post['id']}/close").get_json()["code"] == "aid.invalid_transition"
    assert helper.post(f"/api/v1/aid/{post['id']}/complete", json={}).get_json()["code"] == "aid.aid_not_matched"
    reopened = author.post(f"/api/v1/aid/{post['id']}/reopen", json={}).get_json()
    assert reopened["status"] == "open" and reopened["helper"] is None
    assert [r["status"] for r in reopened["responses"]] == ["open"]
    assert author.post(f"/api/v1/aid/{post['id']}/responses/{rid}/accept").get_json()["status"] == "matched"
    author.post(f"/api/v1/aid/{post['id']}/complete", json={})
    assert author.post(f"/api/v1/aid/{post['id']}/close").get_json()["code"] == "aid.invalid_transition"
    assert author.post(f"/api/v1/aid/{post['id']}/complete", json={}).get_json()["code"] == "aid.already_done"


def test_completing_before_a_match_is_refused(town, client_for):
    author = client_for(town.author)
    post = post_request(author, town.cid)
    assert author.post(f"/api/v1/aid/{post['id']}/complete", json={}).get_json()["code"] == "aid.aid_not_matched"


def test_posts_past_their_date_are_hidden_then_expired(app, town, client_for):
    """Is a post past needed_at hidden at once, refused for responses, and marked expired by the job?"""
    author = client_for(town.author)
    soon = (utcnow() + timedelta(hours=1)).isoformat()
    post = post_request(author, town.cid, needed_at=soon)
    refused = author.post(
        f"/api/v1/communities/{town.cid}/aid",
        json={
            "kind": "request",
            "category": "other",
            "title": "昨天的事",
            "needed_at": (utcnow() - timedelta(hours=1)).isoformat(),
        },
    )
    assert refused.status_code == 422
    with app.app_context():
        db.session.get(AidPost, post["id"]).needed_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    helper = client_for(town.helper)
    assert helper.get(f"/api/v1/communities/{town.cid}/aid").get_json()["items"] == []
    late = helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "还来得及吗"})
    assert late.get_json()["code"] == "aid.aid_expired"
    result = app.test_cli_runner().invoke(args=["jobs", "run", "expire-aid"])
    assert result.output == "expire-aid: 1\n"
    assert author.get(f"/api/v1/aid/{post['id']}").get_json()["status"] == "expired"
    expired = author.get(f"/api/v1/communities/{town.cid}/aid?status=expired").get_json()["items"]
    assert [p["id"] for p in expired] == [post["id"]]
    new_date = (utcnow() + timedelta(days=2)).isoformat()
    assert author.post(f"/api/v1/aid/{post['id']}/reopen", json={"needed_at": new_date}).get_json()["status"] == "open"


def test_expire_posts_service_leaves_undated_and_future_posts(ctx, town):
    author = db.session.get(type(town.author), town.author.id)
    undated = services.create_post(author, town.cid, kind="request", category="errands", title="买菜")
    future = services.create_post(
        author, town.cid, kind="request", category="errands", title="明天买菜", needed_at=utcnow() + timedelta(days=1)
    )
    assert services.expire_posts(now=utcnow() + timedelta(hours=1)) == 0
    assert services.expire_posts(now=utcnow() + timedelta(days=2)) == 1
    db.session.refresh(future)
    db.session.refresh(undated)
    assert (undated.status, future.status) == ("open", "expired")


def test_a_suspended_member_loses_aid_rights(app, town, client_for):
    helper = client_for(town.helper)
    post = post_request(client_for(town.author), town.cid)
    with app.app_context():
        member = db.session.scalar(select(Membership).where(Membership.user_id == town.helper.id))
        member.status, member.suspended_until = "suspended", utcnow() + timedelta(days=3)
        db.session.commit()
    response = helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我来"})
    assert response.status_code == 403 and response.get_json()["reason"] == "suspended"
