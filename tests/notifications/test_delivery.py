"""notify() end to end on inline jobs: inbox rows, and what the push service decrypts on each device."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from backend.extensions import db
from backend.notifications.models import HeldPush, Notification, NotificationPreference, PushSubscription


def count(app, model, **where):
    with app.app_context():
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return db.session.scalar(stmt)


def set_quiet_hours_around_now(app, user, timezone="Asia/Shanghai"):
    """Quiet hours that contain this very minute, ending in about an hour."""
    from zoneinfo import ZoneInfo

    from backend.accounts.models import User

    local = datetime.now(UTC).astimezone(ZoneInfo(timezone))
    start, end = (local - timedelta(hours=1)).strftime("%H:%M"), (local + timedelta(hours=1)).strftime("%H:%M")
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(quiet_hours_start=start, quiet_hours_end=end, timezone=timezone)
        )
        db.session.commit()


def release_everything_held(app):
    """Pretend the quiet hours are over, then run the release job as the scheduler would."""
    from backend.core.db import commit
    from backend.notifications.delivery import release_held_pushes

    with app.app_context():
        db.session.execute(update(HeldPush).values(release_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
        released = release_held_pushes()
        commit()
        return released


def test_a_report_update_reaches_the_reporters_phone_decrypted(app, make_user, subscribe, send, push_service):
    """Does the reporter's phone receive the title, body and deep link it should show?"""
    reporter = make_user("张阿姨")
    phone = subscribe(reporter)
    send([reporter], "report_status_changed", {"report_id": 42, "report_title": "路灯不亮", "status": "in_progress"})

    assert push_service.wait_for(1)
    [push] = push_service.for_subscriber(phone)
    assert push.payload == {
        "title": "随手拍有新进展",
        "body": "“路灯不亮”：处理中",
        "url": "/reports/42",
        "tag": "rep-42",
        "badge_count": 1,
    }
    assert push.topic == "rep-42" and push.urgency == "normal" and push.ttl == 24 * 3600
    assert push.claims["sub"].startswith("mailto:")
    assert count(app, Notification, user_id=reporter.id) == 1


def test_push_text_is_in_each_readers_language(app, make_user, subscribe, send, push_service):
    """Does an English-speaking neighbour get English while others get Chinese?"""
    chinese, english = make_user(), make_user(locale="en")
    zh_phone, en_phone = subscribe(chinese), subscribe(english)
    send([chinese, english], "membership_verified", {"community_id": 3, "community_name": "阳光社区"})

    assert push_service.wait_for(2)
    assert push_service.for_subscriber(zh_phone)[0].payload["title"] == "你已通过居委会核实"
    assert push_service.for_subscriber(en_phone)[0].payload["title"] == "You are verified"
    assert push_service.for_subscriber(en_phone)[0].payload["url"] == "/communities/3"


def test_every_device_of_a_person_gets_the_push(app, make_user, subscribe, send, push_service):
    """One person, a phone and a tablet: are both told?"""
    person = make_user()
    devices = [subscribe(person), subscribe(person)]
    send([person], "aid_accepted", {"aid_id": 7, "aid_title": "帮忙取快递"})
    assert push_service.wait_for(2)
    assert all(len(push_service.for_subscriber(d)) == 1 for d in devices)


def test_broad_news_goes_to_the_inbox_only_by_default(app, make_user, subscribe, send, push_service):
    """Is a new poll (community news) kept out of pockets unless asked for?"""
    resident = make_user()
    phone = subscribe(resident)
    send([resident], "poll_opened", {"poll_id": 5, "poll_title": "加装电梯"})
    assert count(app, Notification, user_id=resident.id) == 1
    assert push_service.requests_seen == 0
    assert push_service.for_subscriber(phone) == []


def test_urgent_notice_is_pushed_at_once_even_in_quiet_hours(app, make_user, subscribe, send, push_service):
    """Does a water-cut notice wake people up when it must?"""
    sleeper = make_user()
    phone = subscribe(sleeper)
    set_quiet_hours_around_now(app, sleeper)
    send(
        [sleeper],
        "notice_published",
        {"notice_id": 9, "notice_title": "今晚停水", "excerpt": "22:00 起停水两小时", "urgent": True},
    )
    assert push_service.wait_for(1)
    [push] = push_service.for_subscriber(phone)
    assert push.payload["title"] == "【紧急】今晚停水" and push.urgency == "high"
    assert count(app, HeldPush) == 0


def test_preferences_turn_pushes_and_inbox_rows_off(app, make_user, subscribe, send, push_service):
    """Is a resident who switched off report pushes spared them (and the inbox row when asked)?"""
    quiet_one, inbox_off = make_user(), make_user()
    phone = subscribe(quiet_one)
    subscribe(inbox_off)
    with app.app_context():
        db.session.add_all(
            [
                NotificationPreference(user_id=quiet_one.id, kind="report_status_changed", inbox=True, push=False),
                NotificationPreference(user_id=inbox_off.id, kind="report_status_changed", inbox=False, push=False),
            ]
        )
        db.session.commit()
    send([quiet_one, inbox_off], "report_status_changed", {"report_id": 1, "status": "accepted"})
    assert push_service.requests_seen == 0 and push_service.for_subscriber(phone) == []
    assert count(app, Notification, user_id=quiet_one.id) == 1
    assert count(app, Notification, user_id=inbox_off.id) == 0


def test_quiet_hours_hold_a_night_of_updates_and_send_one_push_per_topic(app, make_user, subscribe, send, push_service):
    """Do three overnight updates on one report become a single morning push (and another report its own)?"""
    reporter = make_user()
    phone = subscribe(reporter)
    set_quiet_hours_around_now(app, reporter)
    for status in ("accepted", "assigned", "in_progress"):
        send([reporter], "report_status_changed", {"report_id": 11, "report_title": "垃圾堆放", "status": status})
    send([reporter], "report_status_changed", {"report_id": 12, "report_title": "井盖松动", "status": "accepted"})
    assert push_service.requests_seen == 0
    assert count(app, HeldPush, user_id=reporter.id) == 4
    with app.app_context():
        release_at = db.session.scalar(select(func.min(HeldPush.release_at)))
    assert release_at > datetime.now(UTC) + timedelta(minutes=50)

    assert release_everything_held(app) == 2
    assert push_service.wait_for(2), (push_service.requests_seen, push_service.refused)
    pushes = {p.topic: p.payload for p in push_service.for_subscriber(phone)}
    assert pushes["rep-11"]["body"] == "“垃圾堆放”：处理中（共 3 条更新）"
    assert pushes["rep-12"]["body"] == "“井盖松动”：已受理"
    assert count(app, HeldPush) == 0
    assert release_everything_held(app) == 0  # nothing is sent twice


@pytest.mark.parametrize("status", [404, 410])
def test_a_dead_subscription_is_removed_in_the_same_job(app, make_user, subscribe, send, push_service, status):
    """When the push service says the device is gone, do we forget it?"""
    person = make_user()
    gone, alive = subscribe(person), subscribe(person)
    push_service.answer(status, subscriber=gone)
    send([person], "aid_thanked", {"aid_id": 3, "aid_title": "修自行车"})
    assert push_service.wait_for(1)
    with app.app_context():
        endpoints = set(db.session.scalars(select(PushSubscription.endpoint)))
    assert endpoints == {alive.endpoint}


@pytest.mark.parametrize("status", [429, 500, 503])
def test_busy_push_service_is_retried_with_backoff(app, make_user, subscribe, send, push_service, status):
    """Does a 429 or 5xx lead to a later retry that gets through (inline jobs run the retry at once)?"""
    person = make_user()
    phone = subscribe(person)
    push_service.answer(status, subscriber=phone, times=2)
    send(
        [person],
        "shift_reminder",
        {"shift_id": 4, "activity_id": 2, "activity_title": "社区义诊", "starts_at": "2026-11-23T01:00:00+00:00"},
    )
    assert push_service.wait_for(1)
    [push] = push_service.for_subscriber(phone)
    assert push.payload["body"] == "社区义诊 · 11月23日 09:00"
    assert push.urgency == "high" and push.ttl == 2 * 3600
    assert push_service.requests_seen == 3


def test_three_refusals_in_a_row_disable_a_subscription(app, make_user, subscribe, send, push_service):
    """After e.g. a VAPID key change (403 three times), do we stop calling that device?"""
    person = make_user()
    phone = subscribe(person)
    push_service.answer(403, subscriber=phone, times=3)
    for n in range(3):
        send([person], "aid_response", {"aid_id": n + 1, "aid_title": "借梯子", "responder_name": "周师傅"})
    with app.app_context():
        sub = db.session.scalar(select(PushSubscription))
        assert sub.failure_count == 3 and sub.disabled_at is not None
    seen = push_service.requests_seen
    send([person], "aid_response", {"aid_id": 9, "aid_title": "借梯子", "responder_name": "周师傅"})
    assert push_service.requests_seen == seen


def test_a_success_resets_the_refusal_count(app, make_user, subscribe, send, push_service):
    person = make_user()
    phone = subscribe(person)
    push_service.answer(400, subscriber=phone, times=2)
    for n in range(3):
        send([person], "aid_response", {"aid_id": n + 1, "aid_title": "借梯子", "responder_name": "周师傅"})
    with app.app_context():
        sub = db.session.scalar(select(PushSubscription))
        assert sub.failure_count == 0 and sub.disabled_at is None and sub.last_success_at is not None


def test_the_badge_count_is_the_unread_inbox(app, make_user, subscribe, send, push_service):
    person = make_user()
    phone = subscribe(person)
    send([person], "poll_opened", {"poll_id": 1, "poll_title": "A"})
    send([person], "poll_opened", {"poll_id": 2, "poll_title": "B"})
    send([person], "poll_closing_soon", {"poll_id": 2, "poll_title": "B"})
    assert push_service.wait_for(1)
    assert push_service.for_subscriber(phone)[0].payload["badge_count"] == 3


def test_the_vapid_jwt_is_signed_once_per_push_service_and_reused(app, make_user, subscribe, send, push_service):
    from backend.notifications.vapid import signer

    people = [make_user() for _ in range(3)]
    for person in people:
        subscribe(person)
    with app.app_context():
        before = signer().signed_count
    for n in range(3):
        send(people, "aid_accepted", {"aid_id": n + 1, "aid_title": "x"})
    assert push_service.wait_for(9)
    assert len({p.jwt for p in push_service.received}) == 1
    with app.app_context():
        assert signer().signed_count - before <= 1


def test_excluded_and_deleted_people_get_nothing(app, make_user, subscribe, send, push_service):
    from backend.accounts.services import delete_account
    from backend.core.db import commit
    from tests.notifications.conftest import load_user

    actor, gone, other = make_user(), make_user(), make_user()
    for person in (actor, gone, other):
        subscribe(person)
    with app.app_context():
        delete_account(load_user(gone.id))
        commit()
    send(
        [actor, gone, other],
        "project_transition",
        {"project_id": 1, "project_title": "小花园", "state": "voting"},
        exclude=[actor.id],
    )
    assert push_service.wait_for(1)
    assert len(push_service.received) == 1
    assert count(app, Notification, user_id=actor.id) == 0
    assert count(app, PushSubscription, user_id=gone.id) == 0


def test_digest_bundles_community_news_by_kind_and_is_never_empty(app, make_user, subscribe, send, push_service):
    """Does a daily digest count the day's notices and polls, and stay silent after a quiet day?"""
    from backend.core.db import commit
    from backend.notifications.delivery import send_digests
    from backend.notifications.models import NotificationSetting

    reader, idle = make_user(), make_user()
    phone = subscribe(reader)
    subscribe(idle)
    with app.app_context():
        db.session.add_all(
            [
                NotificationSetting(user_id=reader.id, digest="daily"),
                NotificationSetting(user_id=idle.id, digest="daily"),
            ]
        )
        db.session.add(NotificationPreference(user_id=reader.id, kind="notice_published", inbox=True, push=True))
        db.session.commit()
    send([reader], "notice_published", {"notice_id": 1, "notice_title": "垃圾分类", "excerpt": "新规"})
    send([reader], "notice_published", {"notice_id": 2, "notice_title": "消防演练", "excerpt": "周六"})
    send([reader], "poll_opened", {"poll_id": 3, "poll_title": "加装电梯"})
    assert push_service.requests_seen == 0  # digest readers get community news in the digest only

    with app.app_context():
        assert send_digests("daily") == 1
        commit()
    assert push_service.wait_for(1)
    [digest] = push_service.for_subscriber(phone)
    assert digest.payload["title"] == "社区动态摘要"
    assert digest.payload["body"] == "新投票 1 条 · 社区公告 2 条"
    with app.app_context():
        assert send_digests("daily") == 0  # already sent today
        commit()
    assert len(push_service.received) == 1


def test_held_pushes_collapse_to_the_newest_event_even_when_planned_out_of_order(
    app, make_user, subscribe, push_service
):
    """Several RQ workers may plan the pushes of two events in reverse order: the night's one push
    still tells the newest news (resolved), not whichever job ran last."""
    from backend.core.db import commit
    from backend.notifications import catalogue
    from backend.notifications.delivery import plan_push

    sleeper = make_user()
    phone = subscribe(sleeper)
    set_quiet_hours_around_now(app, sleeper)
    context = {"report_id": 7, "report_title": "积水"}
    earlier, later = datetime.now(UTC) - timedelta(minutes=5), datetime.now(UTC)

    def message(status, at):
        ctx = {**context, "status": status}
        return {
            "kind": "report_status_changed",
            "context": ctx,
            "url": "/reports/7",
            "urgent": False,
            "topic": catalogue.topic_for("report_status_changed", ctx, None),
            "community_id": None,
            "event_at": at.isoformat(),
        }

    with app.app_context():
        plan_push(message("resolved", later), [sleeper.id])  # the later event's job runs first
        plan_push(message("accepted", earlier), [sleeper.id])
        commit()
    assert release_everything_held(app) == 1
    assert push_service.wait_for(1)
    [push] = push_service.for_subscriber(phone)
    assert push.payload["body"] == "“积水”：已解决（共 2 条更新）"
