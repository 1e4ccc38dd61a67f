"""RSVPs with a capacity and a waitlist (held by the database under concurrency), and check-in on the day."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from backend.extensions import db
from backend.meetings.models import Meeting, Rsvp
from backend.notifications.models import Notification


def _race(clients, url):
    """All clients POST `url` at the same moment, each in its own thread (and its own session)."""
    barrier = threading.Barrier(len(clients))
    results, errors = [None] * len(clients), []

    def run(index, client):
        try:
            barrier.wait()
            response = client.post(url)
            results[index] = (response.status_code, response.get_json())
        except Exception as exc:  # noqa: BLE001 -- surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_eight_rsvps_at_once_for_three_places_give_three_going_and_five_waiting(app, town, new_meeting, client_for):
    meeting = new_meeting(capacity=3)
    results = _race([client_for(r) for r in town.residents], f"/api/v1/meetings/{meeting['id']}/rsvp")
    assert all(code == 200 for code, _ in results), results
    statuses = [body["my_rsvp"]["status"] for _, body in results]
    assert statuses.count("going") == 3 and statuses.count("waitlisted") == 5
    with app.app_context():
        assert db.session.get(Meeting, meeting["id"]).going_count == 3
        going = db.session.scalar(
            select(func.count()).select_from(Rsvp).where(Rsvp.meeting_id == meeting["id"], Rsvp.status == "going")
        )
        assert going == 3
    positions = sorted(
        client_for(r).get(f"/api/v1/meetings/{meeting['id']}").get_json()["my_rsvp"]["position"] or 0
        for r in town.residents
    )
    assert positions == [0, 0, 0, 1, 2, 3, 4, 5]


def test_a_cancellation_promotes_the_first_on_the_waitlist_who_is_told(app, town, new_meeting, client_for):
    meeting = new_meeting(capacity=1)
    url = f"/api/v1/meetings/{meeting['id']}/rsvp"
    first, second, third = town.residents[:3]
    assert client_for(first).post(url).get_json()["my_rsvp"]["status"] == "going"
    assert client_for(second).post(url).get_json()["my_rsvp"] == {
        **client_for(second).get(f"/api/v1/meetings/{meeting['id']}").get_json()["my_rsvp"],
        "status": "waitlisted",
        "position": 1,
    }
    assert client_for(third).post(url).get_json()["my_rsvp"]["position"] == 2
    left = client_for(first).delete(url)
    assert left.status_code == 200 and left.get_json()["my_rsvp"] is None
    assert client_for(second).get(f"/api/v1/meetings/{meeting['id']}").get_json()["my_rsvp"]["status"] == "going"
    assert client_for(third).get(f"/api/v1/meetings/{meeting['id']}").get_json()["my_rsvp"]["position"] == 1
    with app.app_context():
        told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "meeting_promoted")).all()
        assert told == [second.id]
        assert db.session.get(Meeting, meeting["id"]).going_count == 1


def test_the_same_person_twice_at_once_gets_one_place(app, town, new_meeting, client_for):
    meeting = new_meeting(capacity=3)
    results = _race([client_for(town.residents[0]) for _ in range(4)], f"/api/v1/meetings/{meeting['id']}/rsvp")
    assert sorted(code for code, _ in results) == [200, 409, 409, 409]
    with app.app_context():
        assert db.session.get(Meeting, meeting["id"]).going_count == 1


def test_a_larger_capacity_lets_the_waitlist_in(town, new_meeting, client_for):
    meeting = new_meeting(capacity=1)
    url = f"/api/v1/meetings/{meeting['id']}/rsvp"
    for resident in town.residents[:3]:
        client_for(resident).post(url)
    grown = client_for(town.committee).patch(f"/api/v1/meetings/{meeting['id']}", json={"capacity": 2})
    assert grown.status_code == 200 and grown.get_json()["going_count"] == 2 and grown.get_json()["waitlist_count"] == 1
    shrunk = client_for(town.committee).patch(f"/api/v1/meetings/{meeting['id']}", json={"capacity": 1})
    assert shrunk.status_code == 422


def test_who_may_rsvp(town, new_meeting, client_for, make_community, make_member):
    meeting = new_meeting()
    url = f"/api/v1/meetings/{meeting['id']}/rsvp"
    outsider = make_member(make_community("别的小区"))
    assert client_for(None).post(url).status_code == 401
    assert client_for(outsider).post(url).status_code == 403
    assert client_for(town.pending).post(url).status_code == 403
    draft = new_meeting(published=False)
    assert client_for(town.residents[0]).post(f"/api/v1/meetings/{draft['id']}/rsvp").status_code == 404
    assert client_for(town.residents[0]).post("/api/v1/meetings/999999/rsvp").status_code == 404
    assert client_for(town.residents[0]).delete(url).status_code == 404  # not coming: nothing to cancel


def test_no_rsvp_once_the_meeting_has_started(town, new_meeting, client_for, move_meeting):
    meeting = new_meeting()
    client_for(town.residents[0]).post(f"/api/v1/meetings/{meeting['id']}/rsvp")
    move_meeting(meeting["id"], -49)
    late = client_for(town.residents[1]).post(f"/api/v1/meetings/{meeting['id']}/rsvp")
    assert late.status_code == 409 and late.get_json()["code"] == "meeting.meeting_started"
    gone = client_for(town.residents[0]).delete(f"/api/v1/meetings/{meeting['id']}/rsvp")
    assert gone.get_json()["code"] == "meeting.meeting_started"


def test_check_in_with_the_meeting_code_on_the_day_only_for_oneself(town, new_meeting, client_for, move_meeting):
    meeting = new_meeting(capacity=1)
    mid = meeting["id"]
    going, waiting = town.residents[:2]
    client_for(going).post(f"/api/v1/meetings/{mid}/rsvp")
    client_for(waiting).post(f"/api/v1/meetings/{mid}/rsvp")
    code = client_for(town.committee).get(f"/api/v1/meetings/{mid}/checkin-code").get_json()["code"]
    assert client_for(going).get(f"/api/v1/meetings/{mid}/checkin-code").status_code == 403
    early = client_for(going).post(f"/api/v1/meetings/{mid}/checkin", json={"code": code})
    assert early.status_code == 409 and early.get_json()["code"] == "meeting.checkin_closed"
    move_meeting(mid, -48.5)  # under way
    wrong = client_for(going).post(f"/api/v1/meetings/{mid}/checkin", json={"code": "AAAAAA"})
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "meeting.wrong_checkin_code"
    refused = client_for(waiting).post(f"/api/v1/meetings/{mid}/checkin", json={"code": code})
    assert refused.status_code == 409 and refused.get_json()["code"] == "meeting.not_going"
    nobody = client_for(town.residents[5]).post(f"/api/v1/meetings/{mid}/checkin", json={"code": code})
    assert nobody.get_json()["code"] == "meeting.not_going"
    done = client_for(going).post(f"/api/v1/meetings/{mid}/checkin", json={"code": code.lower()})
    assert done.status_code == 200 and done.get_json()["user_id"] == going.id
    again = client_for(going).post(f"/api/v1/meetings/{mid}/checkin", json={"code": code})
    assert again.get_json()["code"] == "meeting.already_checked_in"
    # A resident cannot check someone else in with that person's own code.
    other_code = client_for(going).get(f"/api/v1/meetings/{mid}").get_json()["my_rsvp"]["attendee_code"]
    assert (
        client_for(waiting).post(f"/api/v1/meetings/{mid}/checkin", json={"attendee_code": other_code}).status_code
        == 403
    )
    move_meeting(mid, -3)  # over
    assert client_for(going).get(f"/api/v1/meetings/{mid}").get_json()["can"]["check_in"] is False


def test_the_organiser_checks_a_resident_in_by_their_own_code(app, town, new_meeting, client_for, move_meeting):
    meeting = new_meeting()
    mid = meeting["id"]
    resident = town.residents[0]
    own_code = client_for(resident).post(f"/api/v1/meetings/{mid}/rsvp").get_json()["my_rsvp"]["attendee_code"]
    move_meeting(mid, -48)
    committee = client_for(town.committee)
    assert committee.post(f"/api/v1/meetings/{mid}/checkin", json={"attendee_code": "ZZZZZZ"}).status_code == 422
    both = committee.post(f"/api/v1/meetings/{mid}/checkin", json={"code": "X", "attendee_code": own_code})
    assert both.status_code == 422
    done = committee.post(f"/api/v1/meetings/{mid}/checkin", json={"attendee_code": own_code})
    assert done.status_code == 200 and done.get_json()["display_name"] == "邻居0"
    listed = committee.get(f"/api/v1/meetings/{mid}/attendees").get_json()["items"]
    assert [(a["user_id"], a["checked_in_at"] is not None) for a in listed] == [(resident.id, True)]
    with app.app_context():
        assert db.session.scalar(select(Rsvp.checked_in_by_id).where(Rsvp.user_id == resident.id)) == town.committee.id


def test_a_committee_of_another_community_cannot_check_in_or_list(
    town, new_meeting, client_for, make_community, make_member
):
    meeting = new_meeting()
    other_committee = make_member(make_community("别的小区"), "committee")
    other = client_for(other_committee)
    assert other.get(f"/api/v1/meetings/{meeting['id']}/attendees").status_code == 403
    assert other.get(f"/api/v1/meetings/{meeting['id']}/checkin-code").status_code == 403
    assert other.post(f"/api/v1/meetings/{meeting['id']}/checkin", json={"attendee_code": "ABCDEF"}).status_code == 403
