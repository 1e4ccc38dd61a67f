"""Reads never write: every GET of the API, as a visitor, a resident and the committee, runs no INSERT,
UPDATE or DELETE. What a read implies is handed to a job: a due poll is closed by the close job, a read
receipt is written by its job, an expired suspension is read as lifted and written down by its job.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.core.db import utcnow
from backend.extensions import db
from tests.test_query_budget import _seed_world, _urls

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def queued_jobs(monkeypatch):
    """Jobs the requests ask for, recorded instead of run (inline jobs would write in the same request)."""
    from backend import jobs

    asked: list[str] = []
    monkeypatch.setattr(jobs, "enqueue", lambda func, *args, **kwargs: asked.append(func.__name__))
    return asked


def _world_with_things_a_read_might_be_tempted_to_fix(app):
    """The demo community with a poll past its window and the resident's suspension just expired."""
    from backend.communities.models import Membership
    from backend.voting.models import Poll

    ids, users = _seed_world(app)
    with app.app_context():
        now = utcnow()
        ids["poll_id"] = db.session.scalar(select(Poll.id).where(Poll.state == "active").order_by(Poll.id).limit(1))
        db.session.execute(
            update(Poll)
            .where(Poll.id == ids["poll_id"])
            .values(opens_at=now - timedelta(days=3), closes_at=now - timedelta(minutes=1))
        )
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == users["resident"])
            .values(recorded_status="suspended", suspended_until=now - timedelta(minutes=1))
        )
        db.session.commit()
    return ids, users


@pytest.mark.slow
def test_no_get_writes_for_anyone(app, client_for, count_queries, queued_jobs):
    from backend.accounts.models import User

    ids, users = _world_with_things_a_read_might_be_tempted_to_fix(app)
    with app.app_context():
        people = {role: db.session.get(User, users[role]) for role in ("resident", "committee")}
        for person in people.values():
            db.session.expunge(person)
    clients = {"visitor": client_for(), **{role: client_for(person) for role, person in people.items()}}
    urls = _urls(app, ids)
    assert len(urls) > 50, "expected to discover the whole API"
    writes = []
    for role, client in clients.items():
        for endpoint, url in urls:
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code < 500, (endpoint, url, response.status_code)
            writes += [
                f"{role} {endpoint}: {s.split(chr(10))[0][:120]}"
                for s in counter.statements
                if s.lstrip().upper().startswith(WRITES)
            ]
    assert writes == []
    # What the reads implied was asked of jobs: the due poll's close, the resident's read receipts.
    assert "close_due_polls" in queued_jobs and "record_read" in queued_jobs


def test_an_expired_suspension_reads_as_lifted_and_the_job_writes_it_down(app, make_community, make_member, client_for):
    from backend.communities.models import Membership
    from backend.communities.services import lift_expired_suspensions

    community = make_community()
    person = make_member(community)
    with app.app_context():
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == person.id)
            .values(recorded_status="suspended", suspended_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    seen = client_for(person).get("/api/v1/me").json["memberships"][0]
    assert seen["status"] == "verified"  # what the member sees, and what every permission check uses
    with app.app_context():
        stored = db.session.scalar(select(Membership.recorded_status).where(Membership.user_id == person.id))
        assert stored == "suspended"  # the read wrote nothing
        assert lift_expired_suspensions() == 1
        db.session.commit()
        assert (
            db.session.scalar(select(Membership.recorded_status).where(Membership.user_id == person.id)) == "verified"
        )
        assert lift_expired_suspensions() == 0


def test_a_suspension_still_running_is_not_lifted_by_the_job(app, make_community, make_member):
    from backend.communities.models import Membership
    from backend.communities.services import lift_expired_suspensions

    person = make_member(make_community())
    with app.app_context():
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == person.id)
            .values(recorded_status="suspended", suspended_until=utcnow() + timedelta(days=1))
        )
        db.session.commit()
        assert lift_expired_suspensions() == 0
        member = db.session.scalar(select(Membership).where(Membership.user_id == person.id))
        assert member.status == "suspended"
