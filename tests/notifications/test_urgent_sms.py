"""Urgent notices by SMS (issue 18): to the verified residents addressed whom no push reaches, by their choice,
once each, from a job after the commit."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.core.db import commit, utcnow
from backend.extensions import db
from backend.messaging.models import Message
from backend.notifications.models import UrgentSms
from tests.conftest import PASSWORD

_phones = iter(range(13800000001, 13800099999))


def _phone() -> str:
    return str(next(_phones))


@pytest.fixture
def town(make_community, make_member):
    community = make_community(grids=2)

    def resident(grid=0, *, verified_phone=True, status="verified"):
        extra = {"phone_verified_at": utcnow()} if verified_phone else {}
        return make_member(community, status=status, grid=grid, phone=_phone(), **extra)

    return {
        "community": community,
        "cid": community.id,
        "grids": community.grid_ids,
        "committee": make_member(community, "committee", phone=_phone(), phone_verified_at=utcnow()),
        "resident": resident,
    }


def publish(client_for, town, **body):
    payload = {"title": "明早停水", "body": "明天 9:00–15:00 因管道检修停水，请提前储水。", "urgent": True, **body}
    response = client_for(town["committee"]).post(f"/api/v1/communities/{town['cid']}/notices", json=payload)
    assert response.status_code == 201, response.json
    return response.json


def sms_to(app) -> dict[int, list[Message]]:
    """The SMS sent so far, by recipient."""
    with app.app_context():
        found: dict[int, list[Message]] = {}
        for message in db.session.scalars(select(Message).where(Message.channel == "sms").order_by(Message.id)):
            found.setdefault(message.user_id, []).append(message)
        db.session.expunge_all()
        return found


def hold_back_sms_jobs(monkeypatch) -> list:
    """The SMS jobs enqueued from now on are kept in the list instead of run (other jobs run as usual)."""
    from backend import jobs
    from backend.notifications import sms

    waiting, enqueue = [], jobs.enqueue

    def hold(func, *args, **kwargs):
        if func is sms.send_urgent_sms:
            waiting.append((func, args))
        else:
            enqueue(func, *args, **kwargs)

    monkeypatch.setattr(jobs, "enqueue", hold)
    return waiting


def test_a_resident_without_push_gets_one_sms_that_says_what_and_where(app, client_for, town):
    reached = town["resident"]()
    notice = publish(client_for, town)
    [message] = sms_to(app)[reached.id]
    assert (message.purpose, message.status, message.provider) == ("urgent_notice", "sent", "outbox")
    assert message.to_address == reached.phone
    assert message.body == (
        f"【邻里】{town['community'].name}紧急通知：明早停水。详情：http://localhost/notices/{notice['id']}"
    )


def test_a_resident_whose_device_takes_pushes_gets_no_sms(app, client_for, town, subscribe):
    pushed = town["resident"]()
    subscribe(pushed)
    publish(client_for, town)
    assert pushed.id not in sms_to(app)


def test_a_disabled_push_subscription_does_not_count_as_reached(app, client_for, town, subscribe):
    from backend.notifications.models import PushSubscription

    resident = town["resident"]()
    subscribe(resident)
    with app.app_context():
        db.session.execute(db.update(PushSubscription).values(disabled_at=utcnow()))
        db.session.commit()
    publish(client_for, town)
    assert len(sms_to(app)[resident.id]) == 1


def test_turning_sms_off_in_the_preferences_is_honoured(app, client_for, town):
    quiet, default = town["resident"](), town["resident"]()
    client = client_for(quiet)
    assert client.get("/api/v1/me/notification-preferences").json["urgent_sms"] is True  # on by default
    answer = client.put("/api/v1/me/notification-preferences", json={"urgent_sms": False})
    assert answer.status_code == 200 and answer.json["urgent_sms"] is False
    assert answer.json["sms_phone"] == "verified"
    publish(client_for, town)
    assert quiet.id not in sms_to(app) and default.id in sms_to(app)


def test_only_a_verified_phone_of_a_verified_member_addressed_gets_one(app, client_for, town):
    unverified_phone = town["resident"](verified_phone=False)
    pending = town["resident"](status="pending")
    other_grid = town["resident"](grid=1)
    publish(client_for, town, grid_ids=[town["grids"][0]])
    assert unverified_phone.id not in sms_to(app)
    assert pending.id not in sms_to(app)
    assert other_grid.id not in sms_to(app)
    assert town["committee"].id not in sms_to(app)
    assert client_for(unverified_phone).get("/api/v1/me/notification-preferences").json["sms_phone"] == "unverified"


def test_a_notice_that_is_not_urgent_sends_no_sms(app, client_for, town):
    town["resident"]()
    publish(client_for, town, urgent=False)
    assert sms_to(app) == {}


def test_rerunning_the_job_sends_nothing_twice(app, client_for, town):
    from backend.notifications.sms import send_urgent_sms

    first, second = town["resident"](), town["resident"]()
    notice = publish(client_for, town)
    params = {"community": "x", "title": "y", "link": "z"}
    with app.app_context():
        assert send_urgent_sms(f"notice-{notice['id']}", "urgent_notice", params, [first.id, second.id]) == 0
        commit()
    assert [len(messages) for messages in sms_to(app).values()] == [1, 1]


def test_a_scheduled_urgent_notice_sends_its_sms_once_when_it_is_announced(app, client_for, town):
    from backend.notices.services import publish_due_notices

    resident = town["resident"]()
    publish(client_for, town, publish_at=(utcnow() + timedelta(hours=1)).isoformat())
    assert sms_to(app) == {}
    with app.app_context():
        assert publish_due_notices(now=utcnow() + timedelta(hours=2)) == 1
        commit()
        assert publish_due_notices(now=utcnow() + timedelta(hours=3)) == 0
        commit()
    assert len(sms_to(app)[resident.id]) == 1


def test_flags_on_an_urgent_notice_do_not_silence_it(app, client_for, town, monkeypatch, make_member):
    """Three households flag the notice before the SMS job runs: the notice stays up and the SMS still goes."""
    from backend import jobs

    resident = town["resident"]()
    flaggers = [make_member(town["community"]) for _ in range(3)]
    waiting = hold_back_sms_jobs(monkeypatch)
    notice = publish(client_for, town)
    monkeypatch.undo()
    for flagger in flaggers:
        answer = client_for(flagger).post(
            "/api/v1/flags", json={"target_type": "notice", "target_id": notice["id"], "reason": "spam"}
        )
        assert answer.status_code == 201
    assert client_for(resident).get(f"/api/v1/notices/{notice['id']}").status_code == 200
    [(_func, args)] = waiting
    with app.app_context():
        jobs.run_job("backend.notifications.sms:send_urgent_sms", *args)
    assert len(sms_to(app)[resident.id]) == 1


def test_a_notice_held_by_the_word_filter_sends_its_sms_once_restored(app, client_for, make_community, make_member):
    from backend.notices.services import publish_due_notices

    community = make_community(settings={"word_filter": ["代开发票"]})
    committee = make_member(community, "committee")
    resident = make_member(community, phone=_phone(), phone_verified_at=utcnow())
    answer = client_for(committee).post(
        f"/api/v1/communities/{community.id}/notices", json={"title": "代开发票", "body": "停电", "urgent": True}
    )
    assert answer.status_code == 201
    assert sms_to(app) == {}
    restored = client_for(committee).post(
        "/api/v1/moderation/actions",
        json={"target_type": "notice", "target_id": answer.json["id"], "action": "restore", "reason": "误判"},
    )
    assert restored.status_code == 201
    with app.app_context():
        assert publish_due_notices() == 1
        commit()
    assert len(sms_to(app)[resident.id]) == 1


def test_two_jobs_at_once_send_one_sms_each(app, client_for, town, monkeypatch):
    """The unique (topic, user) holds under concurrency (PostgreSQL: the second INSERT waits, then skips)."""
    from backend import jobs

    people = [town["resident"]() for _ in range(5)]
    waiting = hold_back_sms_jobs(monkeypatch)
    publish(client_for, town)
    monkeypatch.undo()
    [(_func, args)] = waiting
    barrier, errors = threading.Barrier(3), []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                jobs.run_job("backend.notifications.sms:send_urgent_sms", *args)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sent = sms_to(app)
    assert sorted(sent) == sorted(p.id for p in people)
    assert all(len(messages) == 1 for messages in sent.values())
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UrgentSms)) == 5


def test_redeeming_an_sms_code_verifies_the_phone_and_a_new_number_is_not(app, client, make_user):
    from backend.accounts.models import User

    user = make_user(phone="13812340000")
    with app.app_context():
        assert db.session.get(User, user.id).phone_verified_at is None
    assert client.post("/api/v1/auth/codes", json={"login": "13812340000", "purpose": "sign_in"}).status_code == 202
    [message] = sms_to(app)[user.id]
    code = message.params["values"][0]
    assert client.post("/api/v1/auth/login", json={"login": "13812340000", "code": code}).status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).phone_verified_at is not None


def test_the_choice_and_the_sms_sent_are_in_the_data_download_and_go_with_the_account(app, client_for, town):
    import json

    resident = town["resident"]()
    client = client_for(resident)
    client.put("/api/v1/me/notification-preferences", json={"urgent_sms": True})
    notice = publish(client_for, town)
    section = json.loads(client.get("/api/v1/me/export").get_data(as_text=True))["notifications"]
    assert section["settings"][0]["urgent_sms"] is True
    assert [row["topic"] for row in section["urgent_sms"]] == [f"notice-{notice['id']}"]
    assert client.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UrgentSms).filter_by(user_id=resident.id)) == 0


def test_a_resident_registered_at_the_desk_with_a_phone_is_reached_by_sms(app, client_for, town):
    """The elderly resident without a smartphone, whose number staff took down with paper consent."""
    answer = client_for(town["committee"]).post(
        f"/api/v1/communities/{town['cid']}/residents",
        json={
            "display_name": "王阿姨",
            "building": "3",
            "unit": "2",
            "room": "401",
            "consent_on_paper": True,
            "phone": "13912345678",
        },
    )
    assert answer.status_code == 201, answer.json
    publish(client_for, town)
    [message] = sms_to(app)[answer.json["user"]["id"]]
    assert message.to_address == "+8613912345678"


def test_an_account_without_a_phone_is_told_so(client_for, make_user):
    prefs = client_for(make_user()).get("/api/v1/me/notification-preferences").json
    assert (prefs["urgent_sms"], prefs["sms_phone"]) == (True, "none")
