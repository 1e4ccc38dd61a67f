"""The writes' fan-out after the commit (issue 17): one outbox row in the write's transaction, a job tells people.

What must hold: the people a comment or a report tells are still told (with the jobs run as the tests run
them); the write's own transaction writes no inbox row; a job run twice (a retry, the sweep, two workers at
once) tells nobody twice; a job that fails tells nobody and is run again; a write rolled back tells nobody;
an urgent notice sent this way still wakes people in their quiet hours.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from backend import jobs
from backend.core.db import commit, rollback, utcnow
from backend.extensions import db
from backend.notifications import outbox
from backend.notifications.models import HeldPush, Notification, NotificationOutbox
from tests.notifications.test_delivery import count, set_quiet_hours_around_now
from tests.reports import conftest as reports_fixtures

# The reports' community (grid worker, committee, reporter, neighbour) and their new_report(), shared as fixtures.
place, new_report = reports_fixtures.place, reports_fixtures.new_report


@pytest.fixture
def held_jobs(monkeypatch):
    """The outbox's jobs are kept, not run: [(func, args)]; run them with run_held()."""
    held = []
    monkeypatch.setattr(outbox.jobs, "enqueue", lambda func, *args, **_kw: held.append((func, args)))
    monkeypatch.setattr(outbox.jobs, "enqueue_many", lambda func, tuples, **_kw: held.extend((func, t) for t in tuples))
    return held


def run_held(app, held):
    """Run the kept jobs as a worker would (each in its own transaction); returns their results."""
    results = []
    for job, args in list(held):
        held.remove((job, args))
        with app.app_context():
            results.append(job(*args))
            commit()
    return results


def inbox_of(app, user_id, kind=None) -> list[dict]:
    with app.app_context():
        stmt = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        if kind:
            stmt = stmt.where(Notification.kind == kind)
        return [{"kind": n.kind, "context": n.context, "at": n.created_at} for n in db.session.scalars(stmt)]


def test_a_comment_tells_the_author_and_the_me_too_people_through_the_job(app, place, new_report, client_for):
    """The reporter and a neighbour who said "me too" hear of a comment on the report; its writer does not."""
    report = new_report()
    client_for(place.neighbour).post(f"/api/v1/reports/{report['id']}/me-too")
    response = client_for(place.worker).post(f"/api/v1/reports/{report['id']}/comments", json={"body": "明天修"})
    assert response.status_code == 201
    for person in (place.reporter, place.neighbour):
        [told] = inbox_of(app, person.id, "comment_posted")
        assert told["context"]["comment_id"] == response.json["id"]
    assert inbox_of(app, place.worker.id, "comment_posted") == []
    assert count(app, NotificationOutbox) == 0  # delivered and gone


def test_the_writes_transaction_holds_one_outbox_row_and_no_inbox_row(app, place, new_report, client_for, held_jobs):
    """A report and a comment answer before anybody's inbox is written; the job then writes it, at the write's time."""
    report = new_report()  # routed to the grid worker: told later
    assert inbox_of(app, place.worker.id) == []
    with app.app_context():
        written_at = db.session.scalar(select(NotificationOutbox.created_at))
    assert [func for func, _ in held_jobs] == [outbox.deliver_outbox]
    assert run_held(app, held_jobs) == [1]
    [told] = inbox_of(app, place.worker.id, "report_submitted")
    assert told["context"]["report_id"] == report["id"] and told["at"] == written_at


def test_the_comment_request_runs_no_statement_of_the_fanout(app, place, new_report, client_for, count_queries):
    """Counted: the comment's request (jobs held) inserts one outbox row, reads no preference, inserts no inbox row."""
    report = new_report()
    client = client_for(place.worker)
    client.post(f"/api/v1/reports/{report['id']}/comments", json={"body": "先看一下"})  # session warmed
    held = []
    original = outbox.jobs.enqueue
    outbox.jobs.enqueue = lambda func, *args, **_kw: held.append((func, args))
    try:
        with count_queries() as counted:
            assert client.post(f"/api/v1/reports/{report['id']}/comments", json={"body": "明天修"}).status_code == 201
    finally:
        outbox.jobs.enqueue = original
    statements = " ".join(counted.statements)
    assert statements.count("INSERT INTO notification_outbox") == 1
    assert "notifications " not in statements and "notification_preferences" not in statements
    assert len(held) == 1


def test_a_job_run_twice_tells_nobody_twice(app, place, new_report, held_jobs):
    new_report()
    [(func, args)] = held_jobs
    assert run_held(app, [(func, args), (func, args)]) == [1, 0]
    assert len(inbox_of(app, place.worker.id, "report_submitted")) == 1


def test_two_workers_running_the_same_job_at_once_tell_once(app, place, new_report, held_jobs):
    """Two threads claim the same row at the same moment: the database's DELETE gives it to one of them."""
    new_report()
    [(_func, (outbox_id,))] = held_jobs
    barrier, results, errors = threading.Barrier(4), [], []

    def worker():
        try:
            barrier.wait()
            with app.app_context():
                results.append(outbox.deliver_outbox(outbox_id))
                commit()
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sorted(results) == [0, 0, 0, 1]
    assert len(inbox_of(app, place.worker.id, "report_submitted")) == 1


def test_a_failed_job_tells_nobody_and_the_sweep_delivers_later(app, place, new_report, held_jobs, monkeypatch):
    """A job dies half-way (after claiming the row): nothing is written, the row stays; the sweep finds it."""
    new_report()
    [(func, args)] = held_jobs
    held_jobs.clear()

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    with app.app_context(), monkeypatch.context() as patch:
        patch.setattr(outbox.services, "notify", broken)
        with pytest.raises(RuntimeError):
            func(*args)
        rollback()
    assert count(app, NotificationOutbox) == 1 and inbox_of(app, place.worker.id) == []

    with app.app_context():  # too young for the sweep: its own job may still be on the way
        assert outbox.deliver_pending() == 0
        db.session.execute(update(NotificationOutbox).values(created_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
        assert outbox.deliver_pending() == 1
        commit()
    assert run_held(app, held_jobs) == [1]
    assert len(inbox_of(app, place.worker.id, "report_submitted")) == 1
    assert count(app, NotificationOutbox) == 0


def test_a_write_rolled_back_leaves_no_outbox_row_and_no_job(app, make_user, held_jobs):
    someone = make_user()
    with app.app_context():
        outbox.notify_after_commit([someone.id], "report_status_changed", {"report_id": 1, "status": "accepted"})
        rollback()
    assert held_jobs == [] and count(app, NotificationOutbox) == 0
    assert inbox_of(app, someone.id) == []


def test_an_urgent_notice_through_the_outbox_still_wakes_people(app, make_user, subscribe, push_service):
    """Urgent stays urgent across the job: pushed at once in quiet hours, nothing held."""
    sleeper = make_user()
    phone = subscribe(sleeper)
    set_quiet_hours_around_now(app, sleeper)
    with app.app_context():
        outbox.notify_after_commit(
            [sleeper.id],
            "notice_published",
            {"notice_id": 9, "notice_title": "今晚停水", "excerpt": "22:00 起停水两小时", "urgent": True},
        )
        commit()  # jobs run inline, as in every test
    assert push_service.wait_for(1)
    [push] = push_service.for_subscriber(phone)
    assert push.payload["title"] == "【紧急】今晚停水" and push.urgency == "high"
    assert count(app, HeldPush) == 0
    [told] = inbox_of(app, sleeper.id)
    assert told["context"]["urgent"] is True


def test_the_sweep_is_a_periodic_job_of_the_notifications_domain(app):
    from backend.notifications import DOMAIN

    [sweep] = [job for job in DOMAIN.jobs if job.name == "deliver-notifications"]
    assert sweep.target == "backend.notifications.outbox:deliver_pending" and sweep.every_seconds == 60
    assert jobs.BACKOFF_SECONDS  # retries back off (the job is enqueued with retries=outbox.RETRIES)
    assert outbox.RETRIES >= 1


def test_nothing_is_left_in_the_outbox_after_a_busy_thread(app, place, new_report, client_for):
    """Ten comments and a reply: every one told, the outbox empty (no row forgotten by a job)."""
    report = new_report()
    for n in range(10):
        client_for(place.worker).post(f"/api/v1/reports/{report['id']}/comments", json={"body": f"进展 {n}"})
    first = inbox_of(app, place.reporter.id, "comment_posted")[0]["context"]["comment_id"]
    client_for(place.worker).post(f"/api/v1/reports/{report['id']}/comments", json={"body": "补充", "parent_id": first})
    assert len(inbox_of(app, place.reporter.id, "comment_posted")) == 10
    assert len(inbox_of(app, place.reporter.id, "comment_reply")) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NotificationOutbox)) == 0
