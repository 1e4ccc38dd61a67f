"""Sign-ups: capacity under concurrency, the waitlist and its promotion order, cancellation."""

import threading

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.notifications.models import Notification
from backend.volunteering.models import Shift, ShiftSignup

from .conftest import make_activity


def shift_of(client, oid, capacity, start=24 * 60):
    return make_activity(client, oid, (start, 120, capacity))["shifts"][0]["id"]


@pytest.mark.parametrize("who, status", [("visitor", 401), ("pending", 403), ("resident", 201), ("admin", 201)])
def test_only_verified_residents_sign_up(hood, client_for, who, status):
    sid = shift_of(client_for(hood.org), hood.oid, 3)
    user = {"visitor": None, "pending": hood.pending, "resident": hood.residents[0], "admin": hood.org}[who]
    assert client_for(user).post(f"/api/v1/shifts/{sid}/signups").status_code == status


def test_confirmed_while_places_remain_then_waitlisted_in_order(app, hood, client_for):
    sid = shift_of(client_for(hood.org), hood.oid, 2)
    answers = [client_for(r).post(f"/api/v1/shifts/{sid}/signups").get_json() for r in hood.residents[:5]]
    assert [(a["status"], a["position"]) for a in answers] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
    ]
    again = client_for(hood.residents[0]).post(f"/api/v1/shifts/{sid}/signups")
    assert again.status_code == 409 and again.get_json()["code"] == "volunteering.already_signed_up"
    shift = client_for(hood.residents[4]).get(f"/api/v1/activities/{_act(app, sid)}").get_json()["shifts"][0]
    assert (shift["places_left"], shift["waitlist_count"], shift["my_signup"]["position"]) == (0, 3, 3)


def test_cancelling_promotes_the_first_waitlisted_and_tells_them(app, hood, client_for):
    """Does a freed place go to the first in line (not the last), who is notified?"""
    sid = shift_of(client_for(hood.org), hood.oid, 1)
    first, second, third, fourth = (client_for(r) for r in hood.residents[:4])
    first.post(f"/api/v1/shifts/{sid}/signups")
    second.post(f"/api/v1/shifts/{sid}/signups")
    third.post(f"/api/v1/shifts/{sid}/signups")
    assert first.delete(f"/api/v1/shifts/{sid}/signups/me").status_code == 204
    signups = {
        s["user"]["id"]: s for s in client_for(hood.org).get(f"/api/v1/shifts/{sid}/signups").get_json()["items"]
    }
    assert signups[hood.residents[1].id]["status"] == "confirmed"
    assert (signups[hood.residents[2].id]["status"], signups[hood.residents[2].id]["position"]) == ("waitlisted", 1)
    assert hood.residents[0].id not in signups
    with app.app_context():
        told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "volunteer_promoted")).all()
        assert told == [hood.residents[1].id]
        assert db.session.get(Shift, sid).confirmed_count == 1
    # Coming back after cancelling puts you at the back of the queue.
    back = first.post(f"/api/v1/shifts/{sid}/signups").get_json()
    assert (back["status"], back["position"]) == ("waitlisted", 2)
    fourth.post(f"/api/v1/shifts/{sid}/signups")
    # A waitlisted person cancelling promotes nobody and keeps the count.
    assert third.delete(f"/api/v1/shifts/{sid}/signups/me").status_code == 204
    assert (
        client_for(hood.residents[3])
        .get(f"/api/v1/activities/{_act(app, sid)}")
        .get_json()["shifts"][0]["my_signup"]["position"]
        == 2
    )
    assert first.delete(f"/api/v1/shifts/{sid}/signups/me").status_code == 204
    second.delete(f"/api/v1/shifts/{sid}/signups/me")
    with app.app_context():
        promoted = db.session.scalar(
            select(ShiftSignup).where(ShiftSignup.shift_id == sid, ShiftSignup.status == "confirmed")
        )
        assert promoted.user_id == hood.residents[3].id
    fourth.delete(f"/api/v1/shifts/{sid}/signups/me")
    with app.app_context():
        assert db.session.get(Shift, sid).confirmed_count == 0
    assert first.delete(f"/api/v1/shifts/{sid}/signups/me").status_code == 404


def _act(app, sid):
    with app.app_context():
        return db.session.get(Shift, sid).activity_id


def test_sign_up_and_cancel_close_when_the_shift_starts(app, hood, client_for):
    sid = shift_of(client_for(hood.org), hood.oid, 2, start=10)
    client_for(hood.residents[0]).post(f"/api/v1/shifts/{sid}/signups")
    with app.app_context():
        shift = db.session.get(Shift, sid)
        shift.starts_at = shift.starts_at.replace(year=shift.starts_at.year - 1)
        db.session.commit()
    assert (
        client_for(hood.residents[1]).post(f"/api/v1/shifts/{sid}/signups").get_json()["code"]
        == "volunteering.shift_started"
    )
    assert (
        client_for(hood.residents[0]).delete(f"/api/v1/shifts/{sid}/signups/me").get_json()["code"]
        == "volunteering.shift_started"
    )


def _race(app, clients, sid):
    """All clients sign up for `sid` at the same moment, each in its own thread (and its own session)."""
    barrier = threading.Barrier(len(clients))
    results, errors = [None] * len(clients), []

    def run(index, client):
        try:
            barrier.wait()
            response = client.post(f"/api/v1/shifts/{sid}/signups")
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


def test_two_people_taking_the_last_place_at_once_get_one_place(app, hood, client_for):
    """Two concurrent sign-ups for the last place: exactly one confirmed, one waitlisted."""
    sid = shift_of(client_for(hood.org), hood.oid, 2)
    client_for(hood.residents[0]).post(f"/api/v1/shifts/{sid}/signups")
    for _ in range(3):  # a few rounds: a race that passes once by luck should not pass thrice
        results = _race(app, [client_for(hood.residents[1]), client_for(hood.residents[2])], sid)
        assert all(code == 201 for code, _ in results), results
        assert sorted(body["status"] for _, body in results) == ["confirmed", "waitlisted"]
        with app.app_context():
            assert db.session.get(Shift, sid).confirmed_count == 2
        for resident in hood.residents[1:3]:
            client_for(resident).delete(f"/api/v1/shifts/{sid}/signups/me")


def test_n_concurrent_sign_ups_fill_exactly_the_capacity(app, hood, client_for, make_member):
    """Twelve people at once on a shift of five: five confirmed, seven waitlisted with positions 1..7."""
    sid = shift_of(client_for(hood.org), hood.oid, 5)
    people = [make_member(hood.community) for _ in range(12)]
    results = _race(app, [client_for(p) for p in people], sid)
    statuses = [body["status"] for _, body in results]
    assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 7
    assert sorted(body["position"] for _, body in results if body["status"] == "waitlisted") == list(range(1, 8))
    with app.app_context():
        assert db.session.get(Shift, sid).confirmed_count == 5
        assert (
            db.session.scalar(
                select(db.func.count())
                .select_from(ShiftSignup)
                .where(ShiftSignup.shift_id == sid, ShiftSignup.status == "confirmed")
            )
            == 5
        )


def test_the_same_person_twice_at_once_gets_one_sign_up(app, hood, client_for):
    sid = shift_of(client_for(hood.org), hood.oid, 5)
    results = _race(app, [client_for(hood.residents[0]) for _ in range(4)], sid)
    assert sorted(code for code, _ in results) == [201, 409, 409, 409]
    with app.app_context():
        assert db.session.get(Shift, sid).confirmed_count == 1
