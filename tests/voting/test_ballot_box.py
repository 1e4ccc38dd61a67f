"""The ballot box at a polling table (issue 18): a voter puts a sealed paper ballot in the box, goes on the roll at
once (one roll across channels, so no second ballot in the app or at another table), and the committee counts the
box later: never more ballots than voters put in it (a conditional UPDATE on polls.paper_to_count), nothing that
links a voter to a counted paper, and results that wait for the box (at most 48 hours) and say what was left."""

from __future__ import annotations

import csv
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from backend.core.db import utcnow
from backend.extensions import db


def _box(client, poll_id, voter_id):
    return client.post(f"/api/v1/polls/{poll_id}/ballot-box", json={"voter_id": voter_id})


def _count(client, poll_id, body=None):
    return client.post(f"/api/v1/polls/{poll_id}/ballot-box/count", json=body or {"choice": "yes"})


def _rows(app, model, **where):
    with app.app_context():
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return db.session.scalar(stmt)


def _run_together(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [response.status_code for response in pool.map(run, calls)]


@pytest.fixture
def elder(make_member, town):
    return make_member(town.community, household=("5", "2", "301"), display_name="王奶奶")


def test_a_boxed_ballot_is_on_the_roll_at_once_and_counted_later_without_its_voter(
    app, client_for, town, elder, new_poll, vote, end_poll
):
    from backend.voting.models import Ballot, RollEntry

    desk = client_for(town.committee)
    poll = new_poll("yes_no")
    boxed = _box(desk, poll["id"], elder.id)
    assert boxed.status_code == 201, boxed.json
    assert boxed.json == {"voter_id": elder.id, "paper_to_count": 1}
    assert _box(desk, poll["id"], town.residents[0].id).json["paper_to_count"] == 2
    table = desk.get(f"/api/v1/polls/{poll['id']}/polling-table", query_string={"q": "王奶"}).json
    assert table["items"][0]["voted"] is True and table["paper_to_count"] == 2
    in_app = vote(elder, poll)  # on the roll: no second ballot in the app, or at a table
    assert in_app.status_code == 409 and in_app.json["code"] == "already_voted"
    again = desk.post(f"/api/v1/polls/{poll['id']}/paper-ballots", json={"voter_id": elder.id, "choice": "no"})
    assert again.status_code == 409 and again.json["code"] == "already_voted"
    assert _rows(app, Ballot, poll_id=poll["id"]) == 0  # nothing counted yet
    assert desk.get(f"/api/v1/polls/{poll['id']}/results").json["paper_uncounted"] == 2  # the committee's live view

    first = _count(desk, poll["id"], {"choice": "no"})
    assert first.status_code == 201, first.json
    assert first.json["paper_to_count"] == 1 and len(first.json["receipt"]) >= 22
    assert _count(desk, poll["id"], {"choice": "yes"}).json["paper_to_count"] == 0
    assert desk.get(f"/api/v1/polls/{poll['id']}/results").json["paper_uncounted"] == 0
    empty = _count(desk, poll["id"])  # a third paper for two voters: refused
    assert empty.status_code == 409 and empty.json["code"] == "voting.ballot_box_empty"
    with app.app_context():
        entry = db.session.scalar(select(RollEntry).filter_by(poll_id=poll["id"], user_id=elder.id))
        assert (entry.channel, entry.recorded_by_id) == ("paper", town.committee.id)
        assert all(b.public_voter_id is None for b in db.session.scalars(select(Ballot)))
    mine = client_for(elder).get(f"/api/v1/polls/{poll['id']}").json["my_ballot"]
    assert mine["voted"] is True and mine["channel"] == "paper"

    end_poll(poll["id"])
    results = client_for(town.residents[1]).get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["channels"] == {"app": 0, "paper": 2} and results["paper_uncounted"] == 0
    assert {c["choice"]: c["votes"] for c in results["counts"]} == {"yes": 1, "no": 1, "abstain": 0}
    recount = client_for(town.residents[1]).get(f"/api/v1/polls/{poll['id']}/recount.csv")
    hashes = {row["receipt_hash"] for row in csv.DictReader(io.StringIO(recount.get_data(as_text=True)[1:]))}
    assert first.json["receipt_hash"] in hashes and len(hashes) == 2


def test_the_results_wait_for_the_box_then_say_what_was_left_uncounted(app, client_for, town, elder, new_poll):
    from backend.voting.models import Poll
    from backend.voting.services import close_due_polls

    desk = client_for(town.committee)
    poll = new_poll("yes_no")
    assert _box(desk, poll["id"], elder.id).status_code == 201
    assert _box(desk, poll["id"], town.residents[0].id).status_code == 201

    def move_end(ago):
        with app.app_context():
            db.session.execute(
                update(Poll)
                .where(Poll.id == poll["id"])
                .values(opens_at=utcnow() - timedelta(days=5), closes_at=utcnow() - ago)
            )
            db.session.commit()
            close_due_polls()
            db.session.commit()

    move_end(timedelta(minutes=5))  # the window is over, the box is not counted: the results wait
    waiting = client_for(town.residents[1]).get(f"/api/v1/polls/{poll['id']}/results")
    assert waiting.status_code == 409 and waiting.json["reason"] == "counting"
    late_voter = desk.post(f"/api/v1/polls/{poll['id']}/ballot-box", json={"voter_id": town.residents[1].id})
    assert late_voter.status_code == 409 and late_voter.json["code"] == "poll_closed"  # nobody new after the window
    assert _count(desk, poll["id"], {"choice": "yes"}).status_code == 201  # the committee counts after the window
    move_end(timedelta(hours=49))  # the box was never finished: the results come anyway, and say so
    results = client_for(town.residents[1]).get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["voters"] == 2 and results["paper_uncounted"] == 1
    assert {c["choice"]: c["votes"] for c in results["counts"]}["yes"] == 1
    after = _count(desk, poll["id"], {"choice": "no"})
    assert after.status_code == 409 and after.json["code"] == "poll_closed"  # frozen results never change


def test_two_counters_at_once_take_the_last_paper_once(app, client_for, make_member, town, elder, new_poll):
    from backend.voting.models import Ballot

    second_desk = make_member(town.community, "committee")
    poll = new_poll("yes_no")
    assert _box(client_for(town.committee), poll["id"], elder.id).status_code == 201
    statuses = _run_together(
        [
            lambda: _count(client_for(town.committee), poll["id"], {"choice": "yes"}),
            lambda: _count(client_for(second_desk), poll["id"], {"choice": "no"}),
            lambda: _count(client_for(second_desk), poll["id"], {"choice": "abstain"}),
        ]
    )
    assert sorted(statuses) == [201, 409, 409], statuses
    assert _rows(app, Ballot, poll_id=poll["id"]) == 1


def test_the_app_a_table_and_the_box_at_once_make_one_ballot(app, client_for, make_member, town, elder, new_poll):
    from backend.voting.models import Poll, RollEntry

    second_desk = make_member(town.community, "committee")
    poll = new_poll("yes_no")
    boxed = 0
    for index in range(3):
        voter = elder if index == 0 else make_member(town.community)
        statuses = _run_together(
            [
                lambda v=voter: client_for(v).post(f"/api/v1/polls/{poll['id']}/ballots", json={"choice": "yes"}),
                lambda v=voter: client_for(town.committee).post(
                    f"/api/v1/polls/{poll['id']}/paper-ballots", json={"voter_id": v.id, "choice": "no"}
                ),
                lambda v=voter: _box(client_for(second_desk), poll["id"], v.id),
            ]
        )
        assert statuses.count(201) == 1 and statuses.count(409) == 2, statuses
        boxed += statuses[2] == 201
    assert _rows(app, RollEntry, poll_id=poll["id"]) == 3
    with app.app_context():  # the box holds exactly the voters whose box call won
        assert db.session.get(Poll, poll["id"]).paper_to_count == boxed


def test_a_public_polls_ballot_is_never_boxed(app, client_for, town, elder, new_poll):
    from backend.voting.models import RollEntry

    poll = new_poll("yes_no", secret=False)
    response = _box(client_for(town.committee), poll["id"], elder.id)
    assert response.status_code == 409 and response.json["code"] == "voting.ballot_box_public"
    assert _rows(app, RollEntry) == 0


@pytest.mark.parametrize(
    "who, status", [("resident", 403), ("boxed voter", 403), ("other committee", 403), ("visitor", 401)]
)
def test_only_the_polls_committee_boxes_and_counts(
    app, client_for, make_community, make_member, town, elder, new_poll, who, status
):
    from backend.voting.models import Ballot, Poll

    poll = new_poll("yes_no")
    assert _box(client_for(town.committee), poll["id"], town.residents[2].id).status_code == 201
    actor = {
        "resident": town.residents[0],
        "boxed voter": town.residents[2],
        "other committee": make_member(make_community(), "committee"),
        "visitor": None,
    }[who]
    assert _box(client_for(actor), poll["id"], elder.id).status_code == status
    assert _count(client_for(actor), poll["id"]).status_code == status
    assert _rows(app, Ballot) == 0
    with app.app_context():
        assert db.session.get(Poll, poll["id"]).paper_to_count == 1


def test_who_cannot_be_boxed_and_what_cannot_be_counted(
    app, client_for, make_community, make_member, make_user, town, new_poll
):
    from backend.voting.models import Ballot, RollEntry

    desk = client_for(town.committee)
    poll = new_poll("single")
    stranger = make_member(make_community(), display_name="外人")
    pending = make_member(town.community, status="pending")
    for voter_id, status in ((stranger.id, 422), (make_user().id, 422), (2**31 - 1, 422), (pending.id, 403)):
        assert _box(desk, poll["id"], voter_id).status_code == status, voter_id
    assert desk.post(f"/api/v1/polls/{poll['id']}/ballot-box", json={"voter_id": "x"}).status_code == 422
    assert desk.post(f"/api/v1/polls/{poll['id']}/ballot-box", json={}).status_code == 422
    assert _box(desk, 2**31 - 1, town.residents[0].id).status_code == 404
    assert _box(desk, poll["id"], town.residents[0].id).status_code == 201
    for body in ({"option_id": 2**31 - 1}, {"choice": "yes"}, {}, {"option_id": "x"}):
        response = (
            _count(desk, poll["id"], body)
            if body
            else desk.post(f"/api/v1/polls/{poll['id']}/ballot-box/count", json={})
        )
        assert response.status_code == 422 and response.mimetype == "application/problem+json", body
    assert _rows(app, Ballot) == 0 and _rows(app, RollEntry) == 1
