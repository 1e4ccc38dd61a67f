"""Blocks between residents, and no contact detail in anything a resident can read."""

import json

from .conftest import CONTACT_KEYS, post_request, walk_keys


def test_a_blocked_resident_neither_sees_nor_answers_the_blockers_posts(town, client_for):
    """Can someone I blocked still find my request or respond to it?"""
    author, blocked = client_for(town.author), client_for(town.other)
    post = post_request(author, town.cid)
    assert author.post(f"/api/v1/blocks/{town.other.id}").status_code == 201
    assert author.post(f"/api/v1/blocks/{town.other.id}").status_code == 201  # idempotent
    assert [b["user"]["id"] for b in author.get("/api/v1/blocks").get_json()["items"]] == [town.other.id]

    assert blocked.get(f"/api/v1/communities/{town.cid}/aid").get_json()["items"] == []
    assert blocked.get(f"/api/v1/aid/{post['id']}").status_code == 404
    refused = blocked.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我来帮忙"})
    assert refused.status_code == 403 and refused.get_json()["reason"] == "blocked"
    # Others are unaffected.
    assert [
        p["id"] for p in client_for(town.helper).get(f"/api/v1/communities/{town.cid}/aid").get_json()["items"]
    ] == [post["id"]]
    # The blocker no longer sees the blocked person's posts either.
    theirs = post_request(blocked, town.cid, title="借梯子", kind="request", category="lending")
    assert theirs["id"] not in [p["id"] for p in author.get(f"/api/v1/communities/{town.cid}/aid").get_json()["items"]]

    assert author.delete(f"/api/v1/blocks/{town.other.id}").status_code == 204
    assert blocked.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我来帮忙"}).status_code == 201


def test_blocking_rules(town, client_for):
    author = client_for(town.author)
    assert author.post(f"/api/v1/blocks/{town.author.id}").status_code == 422
    assert author.post("/api/v1/blocks/999999").status_code == 404
    assert client_for().post(f"/api/v1/blocks/{town.other.id}").status_code == 401


def test_no_contact_detail_in_any_aid_response_a_resident_can_read(town, client_for):
    """Walk every aid answer a resident gets: no e-mail, phone or household anywhere."""
    author, helper = client_for(town.author), client_for(town.helper)
    bodies = []

    def keep(response):
        assert response.status_code < 400, response.get_json()
        bodies.append(response.get_data(as_text=True))
        return response.get_json()

    post = keep(
        author.post(
            f"/api/v1/communities/{town.cid}/aid",
            json={"kind": "request", "category": "elderly_companionship", "title": "陪老人聊天", "at_home": True},
        )
    )
    response = keep(helper.post(f"/api/v1/aid/{post['id']}/responses", json={"message": "我周末有空"}))
    keep(author.get(f"/api/v1/aid/{post['id']}"))
    keep(helper.get(f"/api/v1/aid/{post['id']}"))
    keep(helper.get(f"/api/v1/communities/{town.cid}/aid"))
    keep(author.post(f"/api/v1/aid/{post['id']}/responses/{response['id']}/accept"))
    keep(helper.post(f"/api/v1/aid/{post['id']}/complete", json={"hours": 1}))
    keep(author.post(f"/api/v1/aid/{post['id']}/thanks", json={"text": "谢谢"}))
    keep(helper.get(f"/api/v1/users/{town.helper.id}/thanks?community_id={town.cid}"))
    keep(helper.get(f"/api/v1/communities/{town.cid}/time-bank/me"))
    keep(author.get(f"/api/v1/communities/{town.cid}/time-bank/me"))
    keep(author.post(f"/api/v1/blocks/{town.other.id}"))
    keep(author.get("/api/v1/blocks"))
    for body in bodies:
        document = json.loads(body)
        assert not CONTACT_KEYS & set(walk_keys(document)), body
        for secret in ("13800000001", "13800000002", "@example.test"):
            assert secret not in body


def test_comment_threads_on_a_post_follow_its_visibility(town, client_for, make_user):
    """Neighbours talk under a post; pending members, outsiders and blocked people do not see the thread."""
    author, helper = client_for(town.author), client_for(town.helper)
    post = post_request(author, town.cid)
    written = helper.post(f"/api/v1/aid/{post['id']}/comments", json={"body": "具体几点出发？"})
    assert written.status_code == 201, written.get_json()
    assert len(author.get(f"/api/v1/aid/{post['id']}/comments").get_json()["items"]) == 1
    assert client_for(town.pending).get(f"/api/v1/aid/{post['id']}/comments").status_code == 404
    assert client_for(make_user()).get(f"/api/v1/aid/{post['id']}/comments").status_code == 404
    author.post(f"/api/v1/blocks/{town.helper.id}")
    assert helper.get(f"/api/v1/aid/{post['id']}/comments").status_code == 404
