"""Meetings follow-ups (issue 20's leftovers): staff reads of the attendee list are audited, and those coming or
waiting are told when the meeting's time or place changes (in their language, linking to the meeting)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.db import utcnow
from backend.extensions import db
from backend.notifications.models import Notification


def _told(app, kind: str) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def _reads(app, meeting_id: int) -> list[tuple]:
    with app.app_context():
        return [
            (entry.actor_id, entry.community_id, entry.after)
            for entry in db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "meeting.attendees_read", AuditEntry.target_id == meeting_id)
                .order_by(AuditEntry.id)
            )
        ]


def test_each_staff_read_of_the_attendee_list_is_audited_with_who_was_shown(app, town, new_meeting, client_for):
    meeting = new_meeting(capacity=1)
    first, second = town.residents[:2]
    for resident in (first, second):
        assert client_for(resident).post(f"/api/v1/meetings/{meeting['id']}/rsvp").status_code == 200
    committee = client_for(town.committee)
    assert committee.get(f"/api/v1/meetings/{meeting['id']}/attendees?limit=1").status_code == 200
    listed = committee.get(f"/api/v1/meetings/{meeting['id']}/attendees").get_json()["items"]
    assert [a["user_id"] for a in listed] == [first.id, second.id]
    assert _reads(app, meeting["id"]) == [
        (town.committee.id, town.cid, {"shown": [first.id]}),
        (town.committee.id, town.cid, {"shown": [first.id, second.id]}),
    ]


def test_a_refused_read_of_the_attendee_list_writes_no_audit_line(
    app, town, new_meeting, client_for, make_community, make_member
):
    meeting = new_meeting()
    outsider = make_member(make_community("别的小区"), "committee")
    assert client_for(outsider).get(f"/api/v1/meetings/{meeting['id']}/attendees").status_code == 403
    assert client_for(town.residents[0]).get(f"/api/v1/meetings/{meeting['id']}/attendees").status_code == 403
    assert client_for().get(f"/api/v1/meetings/{meeting['id']}/attendees").status_code in (401, 403)
    assert _reads(app, meeting["id"]) == []


def test_a_new_time_or_place_is_told_to_those_coming_or_waiting_in_their_language(app, town, new_meeting, client_for):
    meeting = new_meeting(capacity=1)
    url = f"/api/v1/meetings/{meeting['id']}"
    going, waiting, cancelled = town.residents[:3]
    for resident in (going, waiting, cancelled):
        client_for(resident).post(f"{url}/rsvp")
    client_for(cancelled).delete(f"{url}/rsvp")
    committee = client_for(town.committee)

    renamed = committee.patch(url, json={"title": "居民议事会（停车）", "description": "换个说法。"})
    assert renamed.status_code == 200
    assert _told(app, "meeting_changed") == []  # words only: nobody needs to change plans

    starts = (utcnow() + timedelta(days=3)).replace(hour=11, minute=0, second=0, microsecond=0)
    moved = committee.patch(
        url,
        json={
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "location": "二楼活动室",
        },
    )
    assert moved.status_code == 200, moved.get_json()
    assert _told(app, "meeting_changed") == sorted([going.id, waiting.id])

    reader = client_for(waiting)
    zh = reader.get("/api/v1/notifications").get_json()["items"][0]
    assert zh["kind"] == "meeting_changed" and zh["url"] == f"/meetings/{meeting['id']}"
    assert zh["title"] == "会议时间或地点有变：居民议事会（停车）"
    assert zh["body"].startswith("现在是 ") and zh["body"].endswith("，在二楼活动室。")
    reader.patch("/api/v1/me", json={"locale": "en"})
    en = reader.get("/api/v1/notifications").get_json()["items"][0]
    assert en["title"] == "Meeting moved: 居民议事会（停车）"
    assert en["body"].startswith("Now ") and en["body"].endswith(", at 二楼活动室.")

    same_again = committee.patch(url, json={"location": " 二楼活动室 "})  # the same place, typed again
    assert same_again.status_code == 200
    assert len(_told(app, "meeting_changed")) == 2


def test_moving_a_draft_tells_nobody(app, town, new_meeting, client_for):
    draft = new_meeting(published=False)
    moved = client_for(town.committee).patch(f"/api/v1/meetings/{draft['id']}", json={"location": "楼下凉亭"})
    assert moved.status_code == 200
    assert _told(app, "meeting_changed") == []
