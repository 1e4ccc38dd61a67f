"""Races between PROCESSES on PostgreSQL: the guarantees gunicorn workers rely on come from the database.

Threads share one interpreter and, on SQLite, queue behind BEGIN IMMEDIATE; several gunicorn workers
on PostgreSQL share nothing but the database. Each race here starts N processes (multiprocessing 'spawn'),
each with its own app from `create_app` on TEST_DATABASE_URL and its own connection pool, released
together by a multiprocessing Barrier. The parent builds the data with the API and commits first.
Runs in `make test`'s PostgreSQL pass (scripts/test-services sets TEST_DATABASE_URL).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"),
        reason="needs PostgreSQL: set TEST_DATABASE_URL (scripts/test-services does)",
    ),
]

PROCESSES = 4
BARRIER_TIMEOUT = 120  # seconds: spawning and importing the app in 4+ processes on 2 cores is slow


# --- the child side (module level, so 'spawn' can import it by name) ---------------------------------


def _child_app():
    from backend import create_app
    from config import TestConfig

    scratch = tempfile.mkdtemp(prefix="linli-mp-")

    class ChildConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ["TEST_DATABASE_URL"]
        UPLOAD_DIR = os.path.join(scratch, "uploads")
        INSTANCE_DIR = os.path.join(scratch, "instance")

    return create_app(ChildConfig)


def _signed_in(app, user_id: int):
    """A test client signed in as `user_id` with a CSRF header, as tests/conftest.py ApiClient.sign_in."""
    import time

    from backend.accounts.models import User
    from backend.accounts.services import start_session
    from backend.core.db import commit
    from backend.extensions import db

    with app.app_context():
        token = start_session(db.session.get(User, user_id))
        commit()
    client = app.test_client(use_cookies=True)
    with client.session_transaction() as session:
        session.update(_user_id=str(user_id), _fresh=True, csrf_token="mp-csrf", sid=token, seen=int(time.time()))
    return client


def _post_at_once(barrier, results, user_id: int, path: str, body: dict | None, headers: dict | None) -> None:
    """Child: sign in as `user_id`, wait for the others, POST once; report (status, json)."""
    app = _child_app()
    client = _signed_in(app, user_id)
    barrier.wait(BARRIER_TIMEOUT)
    response = client.post(path, json=body, headers={"X-CSRF-Token": "mp-csrf", **(headers or {})})
    results.put((response.status_code, response.get_json()))


def _sweep_at_once(barrier, results, now_iso: str) -> None:
    """Child: run the SLA sweep at `now` with everyone else and commit."""
    from datetime import datetime

    from backend.core.db import commit
    from backend.reports.services import sla_sweep

    app = _child_app()
    with app.app_context():
        barrier.wait(BARRIER_TIMEOUT)
        outcome = sla_sweep(datetime.fromisoformat(now_iso))
        commit()
    results.put(outcome)


def _race(target, argument_sets: list[tuple]) -> list:
    """Run target(barrier, queue, *args) in one spawned process per argument set; their results."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(argument_sets))
    results = context.Queue()
    processes = [context.Process(target=target, args=(barrier, results, *args)) for args in argument_sets]
    for process in processes:
        process.start()
    collected = [results.get(timeout=BARRIER_TIMEOUT + 60) for _ in processes]
    for process in processes:
        process.join(30)
        assert process.exitcode == 0, f"child exited with {process.exitcode}"
    return collected


def _count(app, stmt) -> int:
    from backend.extensions import db

    with app.app_context():
        return db.session.scalar(stmt)


# --- the races ---------------------------------------------------------------------------------------


def test_one_voter_in_several_processes_casts_one_ballot(app, make_community, make_member, client_for):
    from backend.core.db import utcnow
    from backend.voting.models import Ballot, Poll

    community = make_community()
    committee = make_member(community, "committee")
    voter = make_member(community)
    now = utcnow()
    created = client_for(committee).post(
        f"/api/v1/communities/{community.id}/polls",
        json={
            "title": "加装电梯意见征集",
            "description": "请大家投票。",
            "method": "yes_no",
            "options": [],
            "opens_at": (now - timedelta(minutes=5)).isoformat(),
            "closes_at": (now + timedelta(days=3)).isoformat(),
            "eligibility": "verified",
            "secret": True,
        },
    )
    assert created.status_code == 201, created.get_json()
    poll_id = created.get_json()["id"]

    answers = _race(
        _post_at_once, [(voter.id, f"/api/v1/polls/{poll_id}/ballots", {"choice": "yes"}, None)] * PROCESSES
    )
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (PROCESSES - 1), answers
    assert {body["code"] for status, body in answers if status == 409} == {"already_voted"}
    assert _count(app, select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id)) == 1
    assert _count(app, select(Poll.voter_count).where(Poll.id == poll_id)) == 1


def test_processes_racing_for_the_last_places_of_a_shift_fill_exactly_its_capacity(
    app, make_community, make_member, client_for
):
    from backend.core.db import utcnow
    from backend.volunteering.models import Shift, ShiftSignup

    capacity, people = 2, PROCESSES + 2
    community = make_community()
    organiser = make_member(community)
    committee = make_member(community, "committee")
    organisation = (
        client_for(organiser)
        .post(
            f"/api/v1/communities/{community.id}/organisations",
            json={"name": "阳光志愿者协会", "kind": "volunteer_group", "description": "社区清洁"},
        )
        .get_json()
    )
    assert client_for(committee).post(f"/api/v1/organisations/{organisation['id']}/verify").status_code == 200
    start = utcnow() + timedelta(days=1)
    activity = client_for(organiser).post(
        f"/api/v1/organisations/{organisation['id']}/activities",
        json={
            "title": "社区清洁日",
            "description": "清理绿地和楼道",
            "location": "中心花园",
            "skills": ["清洁"],
            "shifts": [
                {
                    "starts_at": start.isoformat(),
                    "ends_at": (start + timedelta(hours=2)).isoformat(),
                    "capacity": capacity,
                }
            ],
        },
    )
    assert activity.status_code == 201, activity.get_json()
    shift_id = activity.get_json()["shifts"][0]["id"]
    volunteers = [make_member(community) for _ in range(people)]

    answers = _race(_post_at_once, [(v.id, f"/api/v1/shifts/{shift_id}/signups", None, None) for v in volunteers])
    assert all(status == 201 for status, _ in answers), answers
    states = [body["status"] for _, body in answers]
    assert states.count("confirmed") == capacity and states.count("waitlisted") == people - capacity
    assert sorted(body["position"] for body in (b for _, b in answers) if body["status"] == "waitlisted") == list(
        range(1, people - capacity + 1)
    )
    assert _count(app, select(Shift.confirmed_count).where(Shift.id == shift_id)) == capacity
    assert (
        _count(
            app,
            select(func.count())
            .select_from(ShiftSignup)
            .where(ShiftSignup.shift_id == shift_id, ShiftSignup.status == "confirmed"),
        )
        == capacity
    )


def test_one_idempotency_key_sent_from_several_processes_makes_one_row(app, make_community, make_member):
    from backend.communities.models import Invite
    from backend.core.idempotency import IdempotencyRecord

    community = make_community()
    member = make_member(community)
    path = f"/api/v1/communities/{community.id}/invites"

    answers = _race(_post_at_once, [(member.id, path, None, {"Idempotency-Key": "mp-race"})] * PROCESSES)
    assert {status for status, _ in answers} == {201}, answers
    assert len({body["code"] for _, body in answers}) == 1  # every retry sees the first response
    assert _count(app, select(func.count()).select_from(Invite)) == 1
    assert (
        _count(app, select(func.count()).select_from(IdempotencyRecord).where(IdempotencyRecord.key == "mp-race")) == 1
    )


def test_the_sla_sweep_in_several_processes_escalates_each_overdue_report_once(
    app, make_community, make_member, client_for
):
    from backend.core.db import utcnow
    from backend.reports.models import Report, ReportEvent

    community = make_community()
    make_member(community, "committee")
    make_member(community, "grid_worker", grid=0)
    reporter = make_member(community, grid=0)
    overdue = 6
    for n in range(overdue):
        created = client_for(reporter).post(
            f"/api/v1/communities/{community.id}/reports",
            json={"category": "safety_hazard", "description": f"井盖松动 {n}", "location_text": "3号楼东侧"},
        )
        assert created.status_code == 201, created.get_json()
    later = utcnow() + timedelta(hours=3)  # past the 2-hour response deadline of a safety hazard

    outcomes = _race(_sweep_at_once, [(later.isoformat(),)] * PROCESSES)
    assert sum(o["escalated"] for o in outcomes) == overdue, outcomes
    assert (
        _count(app, select(func.count()).select_from(ReportEvent).where(ReportEvent.action == "escalated")) == overdue
    )
    assert _count(app, select(func.count()).select_from(Report).where(Report.escalated_at.is_(None))) == 0
