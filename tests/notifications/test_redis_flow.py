"""The same notification flow on Redis + separate `rq worker --with-scheduler` processes."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select, update

from backend import jobs
from backend.extensions import db
from backend.notifications.models import HeldPush, PushSubscription
from tests.notifications.test_delivery import set_quiet_hours_around_now
from tests.redis_server import MISSING_MESSAGE, redis_available, redis_server, rq_workers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_url():
    if not redis_available():
        pytest.skip(MISSING_MESSAGE)
    with redis_server() as url:
        yield url


@pytest.fixture
def on_rq(app, redis_url, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    app.extensions.pop("linli_redis", None)
    env = {
        "REDIS_URL": redis_url,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LINLI_INSTANCE_DIR": app.config["INSTANCE_DIR"],
        "SECRET_KEY": "test",
        "PUSH_ALLOW_LOOPBACK": "1",
        "JOBS_BACKOFF_SECONDS": "1,1,1",
    }
    with rq_workers(redis_url, env, count=2, log_dir=tmp_path) as workers:
        yield workers
    app.extensions.pop("linli_redis", None)


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_rq_workers_deliver_decrypted_pushes_remove_dead_devices_and_retry(
    app, on_rq, make_user, subscribe, send, push_service
):
    """Pushes, 410 clean-up and 5xx retries work the same when separate RQ workers do the sending."""
    resident, neighbour = make_user("张阿姨"), make_user("Tom", locale="en")
    phone, dead = subscribe(resident), subscribe(resident)
    laptop = subscribe(neighbour)
    push_service.answer(410, subscriber=dead)
    push_service.answer(500, subscriber=laptop)

    send([resident, neighbour], "waitlist_promoted", {"shift_id": 3, "activity_id": 8, "activity_title": "敬老院探访"})

    assert push_service.wait_for(2, timeout=45), push_service.refused
    assert push_service.for_subscriber(phone)[0].payload["title"] == "候补成功，你已转为正式报名"
    assert push_service.for_subscriber(laptop)[0].payload["title"] == "You're off the waitlist"  # after a retry
    assert push_service.for_subscriber(laptop)[0].payload["url"] == "/help/activities/8"  # the screen the PWA has
    with app.app_context():
        assert wait_until(
            lambda: (
                db.session.scalar(select(PushSubscription.id).where(PushSubscription.endpoint == dead.endpoint)) is None
            )
        )


def test_rq_holds_over_quiet_hours_and_the_scheduled_release_sends_one_push(
    app, on_rq, make_user, subscribe, send, push_service
):
    sleeper = make_user()
    phone = subscribe(sleeper)
    set_quiet_hours_around_now(app, sleeper)
    for status in ("accepted", "resolved"):
        send([sleeper], "report_status_changed", {"report_id": 5, "report_title": "积水", "status": status})

    def held():
        with app.app_context():
            db.session.remove()
            return len(list(db.session.scalars(select(HeldPush.id))))

    assert wait_until(lambda: held() == 2)
    assert push_service.requests_seen == 0
    with app.app_context():  # the quiet hours end: the release job is scheduled through RQ's scheduler
        from datetime import UTC, datetime, timedelta

        from backend.notifications.delivery import release_held_pushes

        db.session.execute(update(HeldPush).values(release_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
        jobs.enqueue_in(1, release_held_pushes)
    assert push_service.wait_for(1, timeout=45)
    [push] = push_service.for_subscriber(phone)
    assert push.payload["body"] == "“积水”：已解决（共 2 条更新）"
