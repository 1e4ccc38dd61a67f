"""Real threads against the SQLite file: the database, not Python, keeps one ballot per voter."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from backend.extensions import db


def _all_at_once(calls):
    """Run the callables in threads released together by a barrier; return their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _count(app, model, **where):
    with app.app_context():
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return db.session.scalar(stmt)


def test_threads_hammering_one_poll_leave_exactly_one_ballot_each(app, town, make_member, new_poll, client_for):
    from backend.voting.models import Ballot, Poll, RollEntry

    voters = town.residents + [make_member(town.community) for _ in range(4)]
    poll = new_poll("single")
    option = poll["options"][0]["id"]
    attempts_each = 4
    clients = [client_for(voter) for voter in voters for _ in range(attempts_each)]
    responses = _all_at_once(
        [(lambda c=c: c.post(f"/api/v1/polls/{poll['id']}/ballots", json={"option_id": option})) for c in clients]
    )
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == len(voters)
    assert statuses.count(409) == len(voters) * (attempts_each - 1)
    assert {r.json["code"] for r in responses if r.status_code == 409} == {"already_voted"}
    for index, _voter in enumerate(voters):  # per voter: one 201 among their own attempts
        mine = statuses[index * attempts_each : (index + 1) * attempts_each]
        assert mine.count(201) == 1
    assert _count(app, Ballot, poll_id=poll["id"]) == len(voters)
    assert _count(app, RollEntry, poll_id=poll["id"]) == len(voters)
    with app.app_context():
        assert db.session.get(Poll, poll["id"]).voter_count == len(voters)


def test_two_members_of_one_household_at_the_same_moment_give_one_201_and_one_409(
    app, town, make_member, new_poll, client_for
):
    from backend.voting.models import Ballot

    poll = new_poll("yes_no", eligibility="household")
    households = [("7", "1", f"{room}") for room in (101, 102, 103, 104, 105)]
    pairs = [(make_member(town.community, household=h), make_member(town.community, household=h)) for h in households]
    clients = [client_for(member) for pair in pairs for member in pair]
    calls = [(lambda c=c: c.post(f"/api/v1/polls/{poll['id']}/ballots", json={"choice": "yes"})) for c in clients]
    statuses = [r.status_code for r in _all_at_once(calls)]
    for index in range(len(pairs)):
        assert sorted(statuses[2 * index : 2 * index + 2]) == [201, 409]
    assert _count(app, Ballot, poll_id=poll["id"]) == len(pairs)


def test_results_are_computed_once_when_many_ask_at_the_close(app, town, new_poll, vote, client_for, end_poll):
    """Everyone reading at the close asks for the close job (reads write nothing): its results, once."""
    from backend.notifications.models import Notification

    poll = new_poll("single")
    for resident in town.residents:
        vote(resident, poll, {"option_id": poll["options"][1]["id"]})
    end_poll(poll["id"])
    readers = [client_for(user) for user in [None, None, town.committee] + town.residents]
    paths = ["results", "", "recount.csv"]
    responses = _all_at_once(
        [
            (lambda c=c, p=paths[i % 3]: c.get(f"/api/v1/polls/{poll['id']}/{p}".rstrip("/")))
            for i, c in enumerate(readers)
        ]
    )
    counting = [r.json for r in responses if r.status_code != 200]  # asked before the first job froze them
    assert all(body["code"] == "voting.poll_not_closed" and body["reason"] == "counting" for body in counting)
    frozen = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    assert frozen["voters"] == 4 and frozen["winners"] == [poll["options"][1]["id"]]
    for response in responses[::3]:
        assert response.status_code != 200 or response.json["computed_at"] == frozen["computed_at"]
    # the close's side effects ran once: each voter is told of the result exactly once
    assert _count(app, Notification, kind="poll_results", user_id=town.residents[0].id) == 1


def test_ballots_racing_the_close_are_either_counted_or_refused(app, town, make_member, new_poll, client_for):
    """A ballot and the close job at the same moment: a 201 ballot is always in the frozen count."""
    from datetime import timedelta

    from sqlalchemy import update

    from backend.core.db import utcnow
    from backend.voting.models import Poll
    from backend.voting.services import close_due_polls

    voters = town.residents + [make_member(town.community) for _ in range(4)]
    poll = new_poll("yes_no")

    def close_now():
        with app.app_context():
            now = utcnow()
            db.session.execute(
                update(Poll).where(Poll.id == poll["id"]).values(opens_at=now - timedelta(days=1), closes_at=now)
            )
            db.session.commit()
            close_due_polls()
            db.session.commit()

    clients = [client_for(v) for v in voters]
    calls = [(lambda c=c: c.post(f"/api/v1/polls/{poll['id']}/ballots", json={"choice": "yes"})) for c in clients] + [
        close_now
    ]
    results = _all_at_once(calls)
    accepted = sum(1 for r in results[:-1] if r.status_code == 201)
    assert all(r.status_code in (201, 409) for r in results[:-1])
    frozen = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    assert frozen["voters"] == accepted
    assert {c["choice"]: c["votes"] for c in frozen["counts"]}["yes"] == accepted
