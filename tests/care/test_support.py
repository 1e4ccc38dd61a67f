"""Emotional support (社区心理服务): a request goes to the designated counsellors only."""

from sqlalchemy import select

from backend.extensions import db
from backend.notifications.models import Notification


def inbox(app, user_id):
    with app.app_context():
        return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id))]


def test_a_request_reaches_the_counsellors_and_nobody_else(app, town, client_for):
    committee = client_for(town.committee)
    assert committee.put(f"/api/v1/communities/{town.cid}/counsellors/{town.volunteer.id}").status_code == 200
    asked = client_for(town.resident).post(
        f"/api/v1/communities/{town.cid}/support-requests",
        json={"message": "最近睡不好，想找人聊聊", "contact": "晚上"},
    )
    assert asked.status_code == 201
    request_id = asked.get_json()["id"]
    assert "care_support_requested" in inbox(app, town.volunteer.id)
    assert "care_support_requested" not in inbox(app, town.committee.id)
    counsellor = client_for(town.volunteer)
    seen = counsellor.get(f"/api/v1/communities/{town.cid}/support-requests").get_json()["items"]
    assert [r["message"] for r in seen] == ["最近睡不好，想找人聊聊"]
    # The committee as such, a grid worker, another resident: none of them sees it.
    for person in (town.committee, town.worker, town.other_committee):
        listing = client_for(person).get(f"/api/v1/communities/{town.cid}/support-requests")
        assert "睡不好" not in listing.get_data(as_text=True)
        assert client_for(person).post(f"/api/v1/support-requests/{request_id}/take").status_code in (403, 404)
    # Never on the aid board.
    board = client_for(town.committee).get(f"/api/v1/communities/{town.cid}/aid").get_data(as_text=True)
    assert "睡不好" not in board
    taken = counsellor.post(f"/api/v1/support-requests/{request_id}/take")
    assert taken.status_code == 200 and taken.get_json()["counsellor_id"] == town.volunteer.id
    assert "care_support_taken" in inbox(app, town.resident.id)
    assert counsellor.post(f"/api/v1/support-requests/{request_id}/take").status_code == 409
    closed = client_for(town.resident).post(f"/api/v1/support-requests/{request_id}/close")
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"


def test_only_the_committee_designates_counsellors(town, client_for):
    for person in (town.worker, town.resident, town.other_committee):
        response = client_for(person).put(f"/api/v1/communities/{town.cid}/counsellors/{person.id}")
        assert response.status_code == 403
    assert client_for(town.committee).put(f"/api/v1/communities/{town.cid}/counsellors/999999").status_code == 422


def test_a_removed_counsellor_no_longer_sees_requests(town, client_for):
    committee = client_for(town.committee)
    committee.put(f"/api/v1/communities/{town.cid}/counsellors/{town.volunteer.id}")
    client_for(town.resident).post(f"/api/v1/communities/{town.cid}/support-requests", json={"message": "想聊聊"})
    assert committee.delete(f"/api/v1/communities/{town.cid}/counsellors/{town.volunteer.id}").status_code == 204
    listing = client_for(town.volunteer).get(f"/api/v1/communities/{town.cid}/support-requests").get_json()
    assert listing["items"] == []


def test_a_counsellors_reading_of_requests_is_audited_and_a_requesters_own_is_not(app, town, client_for):
    from backend.audit.models import AuditEntry

    client_for(town.committee).put(f"/api/v1/communities/{town.cid}/counsellors/{town.volunteer.id}")
    asked = client_for(town.resident).post(
        f"/api/v1/communities/{town.cid}/support-requests", json={"message": "想找人聊聊"}
    )
    request_id = asked.get_json()["id"]
    assert client_for(town.resident).get(f"/api/v1/communities/{town.cid}/support-requests").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "care.support_read")) is None
    assert client_for(town.volunteer).get(f"/api/v1/communities/{town.cid}/support-requests").status_code == 200
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "care.support_read"))
        assert (entry.actor_id, entry.community_id, entry.after) == (
            town.volunteer.id,
            town.cid,
            {"shown": [request_id]},
        )
