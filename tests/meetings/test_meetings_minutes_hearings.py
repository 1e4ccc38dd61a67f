"""Meetings from draft to minutes, agenda links, decisions that open a poll, hearings and their comments."""

from __future__ import annotations

from sqlalchemy import select

from backend.extensions import db
from backend.notifications.models import Notification
from tests.meetings.conftest import at, hearing_body, meeting_body


def _kinds_told(app, kind: str) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_a_draft_is_the_committees_until_published_then_everyone_is_told(app, town, new_meeting, client_for):
    draft = new_meeting(published=False)
    assert draft["status"] == "draft" and draft["can"]["publish"] is True
    assert [item["title"] for item in draft["agenda"]] == ["停车难", "其他事项"]
    resident = client_for(town.residents[0])
    assert resident.get(f"/api/v1/meetings/{draft['id']}").status_code == 404
    assert resident.get(f"/api/v1/communities/{town.cid}/meetings").get_json()["items"] == []
    assert resident.post(f"/api/v1/meetings/{draft['id']}/publish").status_code == 404
    published = client_for(town.committee).post(f"/api/v1/meetings/{draft['id']}/publish")
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    again = client_for(town.committee).post(f"/api/v1/meetings/{draft['id']}/publish")
    assert again.status_code == 409 and again.get_json()["code"] == "meeting.invalid_transition"
    listed = client_for(None).get(f"/api/v1/communities/{town.cid}/meetings").get_json()["items"]
    assert [m["id"] for m in listed] == [draft["id"]] and listed[0]["my_rsvp"] is None
    told = _kinds_told(app, "meeting_published")
    assert town.committee.id not in told and town.residents[0].id in told
    page = resident.get(f"/api/v1/meetings/{draft['id']}").get_json()
    assert page["can"]["rsvp"] is True and page["can"]["edit"] is False


def test_create_checks_times_and_who_writes(town, client_for, make_community, make_member):
    committee = client_for(town.committee)
    url = f"/api/v1/communities/{town.cid}/meetings"
    backwards = committee.post(url, json=meeting_body(starts_at=at(50), ends_at=at(48)))
    assert backwards.status_code == 422 and "ends_at" in backwards.get_json()["errors"]
    no_period = committee.post(url, json=meeting_body(kind="hearing"))
    assert no_period.status_code == 422 and "comments_open_at" in no_period.get_json()["errors"]
    late_period = committee.post(url, json=hearing_body(comments_close_at=at(49)))
    assert late_period.status_code == 422 and "comments_close_at" in late_period.get_json()["errors"]
    assert committee.post(url, json=meeting_body(comments_open_at=at(1))).status_code == 422
    huge = committee.post(url, json=meeting_body(title="议" * 121, agenda=[{"title": "x"}] * 31))
    assert huge.status_code == 422
    assert client_for(town.residents[0]).post(url, json=meeting_body()).status_code == 403
    other_committee = make_member(make_community("别的小区"), "committee")
    assert client_for(other_committee).post(url, json=meeting_body()).status_code == 403
    assert client_for(None).post(url, json=meeting_body()).status_code == 401


def test_agenda_links_name_things_of_this_community_only(app, town, client_for, make_community, make_member):
    from backend.projects import services as projects

    other = make_community("别的小区")
    other_committee = make_member(other, "committee")
    with app.app_context():
        from backend.accounts.models import User

        mine = projects.create_project(
            db.session.get(User, town.committee.id),
            town.cid,
            title="小花园改造",
            category="other",
            summary="s",
            body="b",
        )
        theirs = projects.create_project(
            db.session.get(User, other_committee.id),
            other.id,
            title="别处的项目",
            category="other",
            summary="s",
            body="b",
        )
        db.session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    committee = client_for(town.committee)
    url = f"/api/v1/communities/{town.cid}/meetings"
    elsewhere = committee.post(
        url, json=meeting_body(agenda=[{"title": "x", "link_kind": "project", "link_id": theirs_id}])
    )
    assert elsewhere.status_code == 422 and "agenda.0.link_id" in elsewhere.get_json()["errors"]
    invented = committee.post(url, json=meeting_body(agenda=[{"title": "x", "link_kind": "poll", "link_id": 99999}]))
    assert invented.status_code == 422
    half = committee.post(url, json=meeting_body(agenda=[{"title": "x", "link_kind": "project"}]))
    assert half.status_code == 422
    unknown = committee.post(url, json=meeting_body(agenda=[{"title": "x", "link_kind": "user", "link_id": 1}]))
    assert unknown.status_code == 422
    made = committee.post(
        url, json=meeting_body(agenda=[{"title": "花园", "link_kind": "project", "link_id": mine_id}])
    )
    assert made.status_code == 201
    assert made.get_json()["agenda"][0]["link"]["kind"] == "project"
    assert made.get_json()["agenda"][0]["link"]["id"] == mine_id


def _held(town, new_meeting, client_for, move_meeting, **overrides):
    """A published meeting that started an hour ago, with two residents coming."""
    meeting = new_meeting(**overrides)
    for resident in town.residents[:2]:
        client_for(resident).post(f"/api/v1/meetings/{meeting['id']}/rsvp")
    move_meeting(meeting["id"], -49)
    return meeting


def test_minutes_record_a_decision_per_item_and_tell_those_who_came(app, town, new_meeting, client_for, move_meeting):
    meeting = new_meeting()
    mid = meeting["id"]
    committee = client_for(town.committee)
    early = committee.put(f"/api/v1/meetings/{mid}/minutes", json={"summary": "x"})
    assert early.status_code == 409 and early.get_json()["code"] == "meeting.not_started"
    for resident in town.residents[:2]:
        client_for(resident).post(f"/api/v1/meetings/{mid}/rsvp")
    move_meeting(mid, -49)
    items = meeting["agenda"]
    saved = committee.put(
        f"/api/v1/meetings/{mid}/minutes",
        json={"summary": "到会 2 人", "items": [{"item_id": items[0]["id"], "decision": "错时共享车位，试行三个月。"}]},
    )
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["status"] == "held" and body["agenda"][0]["decision"] == "错时共享车位，试行三个月。"
    assert body["can"]["publish_minutes"] is True
    foreign = committee.put(f"/api/v1/meetings/{mid}/minutes", json={"items": [{"item_id": 999999, "decision": "x"}]})
    assert foreign.status_code == 422
    assert client_for(town.residents[0]).put(f"/api/v1/meetings/{mid}/minutes", json={}).status_code == 403
    published = committee.post(f"/api/v1/meetings/{mid}/minutes/publish")
    assert published.status_code == 200 and published.get_json()["status"] == "minuted"
    assert _kinds_told(app, "meeting_minutes") == sorted(r.id for r in town.residents[:2])
    late = committee.put(f"/api/v1/meetings/{mid}/minutes", json={"summary": "改"})
    assert late.status_code == 409 and late.get_json()["code"] == "meeting.invalid_transition"
    public = client_for(None).get(f"/api/v1/meetings/{mid}").get_json()
    assert public["minutes_summary"] == "到会 2 人" and public["agenda"][0]["decision"].startswith("错时")
    past = client_for(None).get(f"/api/v1/communities/{town.cid}/meetings?when=past").get_json()["items"]
    assert [m["id"] for m in past] == [mid]


def test_a_decision_opens_one_poll_in_one_step(app, town, new_meeting, client_for, move_meeting):
    meeting = _held(town, new_meeting, client_for, move_meeting)
    mid, item = meeting["id"], meeting["agenda"][0]
    committee = client_for(town.committee)
    window = {"item_id": item["id"], "opens_at": at(24), "closes_at": at(24 * 8)}
    not_held = committee.post(f"/api/v1/meetings/{mid}/decisions/poll", json=window)
    assert not_held.status_code == 409 and not_held.get_json()["code"] == "meeting.invalid_transition"
    committee.put(f"/api/v1/meetings/{mid}/minutes", json={"summary": "到会 2 人"})
    undecided = committee.post(f"/api/v1/meetings/{mid}/decisions/poll", json=window)
    assert undecided.status_code == 409 and undecided.get_json()["code"] == "meeting.no_decision"
    committee.put(f"/api/v1/meetings/{mid}/minutes", json={"items": [{"item_id": item["id"], "decision": "试行。"}]})
    assert client_for(town.residents[0]).post(f"/api/v1/meetings/{mid}/decisions/poll", json=window).status_code == 403
    made = committee.post(f"/api/v1/meetings/{mid}/decisions/poll", json=window)
    assert made.status_code == 201, made.get_json()
    poll_id = made.get_json()["poll_id"]
    assert made.get_json()["meeting"]["agenda"][0]["poll_id"] == poll_id
    poll = client_for(town.residents[0]).get(f"/api/v1/polls/{poll_id}").get_json()
    assert poll["title"] == "停车难" and poll["method"] == "yes_no" and "试行。" in poll["description"]
    twice = committee.post(f"/api/v1/meetings/{mid}/decisions/poll", json=window)
    assert twice.status_code == 409 and twice.get_json()["code"] == "meeting.poll_already_opened"
    bad_window = committee.post(
        f"/api/v1/meetings/{mid}/decisions/poll",
        json={"item_id": meeting["agenda"][1]["id"], "opens_at": at(5), "closes_at": at(1)},
    )
    assert bad_window.status_code in (409, 422)
    with app.app_context():
        from backend.meetings.models import AgendaItem

        assert db.session.get(AgendaItem, meeting["agenda"][1]["id"]).poll_id is None  # nothing half-written


def test_cancelling_tells_those_coming_and_closes_rsvps(app, town, new_meeting, client_for):
    meeting = new_meeting(capacity=1)
    for resident in town.residents[:2]:
        client_for(resident).post(f"/api/v1/meetings/{meeting['id']}/rsvp")
    cancelled = client_for(town.committee).post(f"/api/v1/meetings/{meeting['id']}/cancel", json={"reason": "场地维修"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert _kinds_told(app, "meeting_cancelled") == sorted(r.id for r in town.residents[:2])
    late = client_for(town.residents[3]).post(f"/api/v1/meetings/{meeting['id']}/rsvp")
    assert late.status_code == 409 and late.get_json()["code"] == "meeting.not_open"


def test_a_hearing_collects_comments_in_its_period_answered_in_the_minutes(
    app, town, new_meeting, client_for, move_meeting
):
    hearing = new_meeting(body=hearing_body())
    hid = hearing["id"]
    assert hearing["comments_open"] is True
    url = f"/api/v1/meetings/{hid}/hearing-comments"
    first = client_for(town.residents[0]).post(url, json={"body": "支持加装，老人上下楼太难。"})
    assert first.status_code == 201 and first.get_json()["author_name"] == "邻居0"
    second = client_for(town.residents[1]).post(url, json={"body": "一楼采光受影响，补偿标准要公开。"})
    assert client_for(town.pending).post(url, json={"body": "x"}).status_code == 403
    assert client_for(None).post(url, json={"body": "x"}).status_code == 401
    assert client_for(town.residents[2]).post(url, json={"body": "   "}).status_code == 422
    assert client_for(town.residents[2]).post(url, json={"body": "长" * 2001}).status_code == 422
    listed = client_for(None).get(url).get_json()["items"]
    assert [c["body"][:2] for c in listed] == ["支持", "一楼"]
    assert all("author_id" not in c for c in listed)
    meeting_url = f"/api/v1/meetings/{hid}"
    not_hearing = new_meeting()
    refused = client_for(town.residents[0]).post(
        f"/api/v1/meetings/{not_hearing['id']}/hearing-comments", json={"body": "x"}
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "meeting.not_a_hearing"

    move_meeting(hid, -25)  # the period has closed; the hearing is tomorrow
    closed = client_for(town.residents[2]).post(url, json={"body": "晚了"})
    assert closed.status_code == 409 and closed.get_json()["code"] == "meeting.comments_closed"
    move_meeting(hid, -24)  # the hearing is under way
    item = hearing["agenda"][0]
    c1, c2 = first.get_json()["id"], second.get_json()["id"]
    committee = client_for(town.committee)
    saved = committee.put(
        f"/api/v1/meetings/{hid}/minutes",
        json={
            "items": [{"item_id": item["id"], "decision": "同意加装，低层住户按面积补偿。", "comment_ids": [c1, c2]}],
            "answers": [{"comment_id": c2, "answer": "补偿标准将在公告栏公示。"}],
        },
    )
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["agenda"][0]["comment_ids"] == [c1, c2]
    answered = {c["id"]: c for c in client_for(None).get(url).get_json()["items"]}
    assert answered[c2]["answer"] == "补偿标准将在公告栏公示。" and answered[c2]["item_id"] == item["id"]
    other = new_meeting(body=hearing_body())
    other_comment = client_for(town.residents[3]).post(
        f"/api/v1/meetings/{other['id']}/hearing-comments", json={"body": "别的听证会"}
    )
    mixed = committee.put(
        f"/api/v1/meetings/{hid}/minutes",
        json={"answers": [{"comment_id": other_comment.get_json()["id"], "answer": "x"}]},
    )
    assert mixed.status_code == 422
    committee.post(f"/api/v1/meetings/{hid}/minutes/publish")
    assert _kinds_told(app, "meeting_minutes") == sorted(r.id for r in town.residents[:2])
    assert client_for(None).get(meeting_url).get_json()["status"] == "minuted"


def test_a_hidden_hearing_comment_is_seen_by_its_author_and_staff_only(app, town, new_meeting, client_for):
    hearing = new_meeting(body=hearing_body())
    url = f"/api/v1/meetings/{hearing['id']}/hearing-comments"
    comment_id = client_for(town.residents[0]).post(url, json={"body": "广告"}).get_json()["id"]
    flagged = client_for(town.residents[1]).post(
        "/api/v1/flags", json={"target_type": "hearing_comment", "target_id": comment_id, "reason": "spam"}
    )
    assert flagged.status_code in (200, 201), flagged.get_json()
    with app.app_context():
        from backend.meetings.models import HearingComment

        db.session.get(HearingComment, comment_id).is_hidden = True
        db.session.commit()
    assert client_for(None).get(url).get_json()["items"] == []
    assert len(client_for(town.residents[0]).get(url).get_json()["items"]) == 1
    assert len(client_for(town.committee).get(url).get_json()["items"]) == 1


def test_meetings_are_found_by_search_and_in_my_data(app, town, new_meeting, client_for):
    draft = new_meeting(published=False, title="草稿会议停车")
    shown = new_meeting(title="停车难议事会")
    client_for(town.residents[0]).post(f"/api/v1/meetings/{shown['id']}/rsvp")
    found = client_for(town.residents[0]).get(f"/api/v1/communities/{town.cid}/search?q=停车")
    assert found.status_code == 200, found.get_json()
    ids = [(hit["type"], hit["id"]) for hit in found.get_json()["items"]]
    assert ("meeting", shown["id"]) in ids and ("meeting", draft["id"]) not in ids
    committee_sees = client_for(town.committee).get(f"/api/v1/communities/{town.cid}/search?q=停车").get_json()
    assert ("meeting", draft["id"]) in [(hit["type"], hit["id"]) for hit in committee_sees["items"]]
    export = client_for(town.residents[0]).get("/api/v1/me/export").get_json()
    assert [r["meeting_id"] for r in export["meetings"]["rsvps"]] == [shown["id"]]


def test_a_decision_opens_one_task_in_the_ledger_linked_back(app, town, new_meeting, client_for, move_meeting):
    from datetime import timedelta

    from backend.core.db import utcnow

    meeting = _held(town, new_meeting, client_for, move_meeting)
    mid, item = meeting["id"], meeting["agenda"][0]
    committee = client_for(town.committee)
    due = (utcnow() + timedelta(days=7)).date().isoformat()
    body = {"item_id": item["id"], "owner_id": town.residents[0].id, "due_on": due}
    committee.put(f"/api/v1/meetings/{mid}/minutes", json={"summary": "到会 2 人"})
    undecided = committee.post(f"/api/v1/meetings/{mid}/decisions/task", json=body)
    assert undecided.status_code == 409 and undecided.get_json()["code"] == "meeting.no_decision"
    committee.put(
        f"/api/v1/meetings/{mid}/minutes", json={"items": [{"item_id": item["id"], "decision": "清理车位。"}]}
    )
    assert client_for(town.residents[0]).post(f"/api/v1/meetings/{mid}/decisions/task", json=body).status_code == 403
    outsider = committee.post(f"/api/v1/meetings/{mid}/decisions/task", json={**body, "owner_id": 999999})
    assert outsider.status_code == 422
    made = committee.post(f"/api/v1/meetings/{mid}/decisions/task", json=body)
    assert made.status_code == 201, made.get_json()
    task_id = made.get_json()["task_id"]
    assert made.get_json()["meeting"]["agenda"][0]["task_id"] == task_id
    task = committee.get(f"/api/v1/tasks/{task_id}").get_json()
    assert task["title"] == "停车难" and "清理车位。" in task["description"]
    assert (task["links"][0]["type"], task["links"][0]["id"]) == ("meeting", mid), task["links"]
    twice = committee.post(f"/api/v1/meetings/{mid}/decisions/task", json=body)
    assert twice.status_code == 409 and twice.get_json()["code"] == "meeting.task_already_opened"
