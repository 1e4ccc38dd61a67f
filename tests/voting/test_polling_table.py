"""In-person voting at a polling table (issue 18): a committee member finds the voter by household or name and
records their paper ballot. One roll across channels, held by the database: whoever voted in the app cannot vote
at the table and the other way round, also when the app and two tables try at the same moment. A secret paper
ballot stays apart from the roll; results count voters per channel; the recount file holds paper ballots too."""

from __future__ import annotations

import csv
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from backend.extensions import db


def _table(client, poll_id, q):
    return client.get(f"/api/v1/polls/{poll_id}/polling-table", query_string={"q": q})


def _paper(client, poll_id, voter_id, choices=None):
    return client.post(
        f"/api/v1/polls/{poll_id}/paper-ballots", json={"voter_id": voter_id, **(choices or {"choice": "yes"})}
    )


def _count(app, model, **where):
    with app.app_context():
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return db.session.scalar(stmt)


@pytest.fixture
def elder(make_member, town):
    """王奶奶 of 5-2-301: verified by the committee, never opens the app."""
    return make_member(town.community, household=("5", "2", "301"), display_name="王奶奶")


def test_the_committee_finds_a_voter_by_household_or_name_and_records_a_paper_ballot(
    app, client_for, town, elder, new_poll, vote, end_poll
):
    from backend.voting.models import Ballot, RollEntry

    desk = client_for(town.committee)
    poll = new_poll("yes_no")
    for query in ("5-2-301", "5 2 301", "301", "王奶"):
        found = _table(desk, poll["id"], query)
        assert found.status_code == 200, found.json
        assert [v["user"]["id"] for v in found.json["items"]] == [elder.id], query
        assert found.json["items"][0] == {
            "user": {"id": elder.id, "display_name": "王奶奶"},
            "household": "5-2-301",
            "status": "verified",
            "not_eligible_reason": None,
            "voted": False,
        }
    recorded = _paper(desk, poll["id"], elder.id, {"choice": "no"})
    assert recorded.status_code == 201, recorded.json
    receipt = recorded.json["receipt"]
    assert len(receipt) >= 22 and recorded.json["revote_key"] is None
    assert _table(desk, poll["id"], "王奶").json["items"][0]["voted"] is True
    assert vote(town.residents[0], poll, {"choice": "yes"}).status_code == 201

    with app.app_context():  # the roll says paper and who recorded it; the secret ballot names nobody
        entry = db.session.scalar(select(RollEntry).filter_by(poll_id=poll["id"], user_id=elder.id))
        assert (entry.channel, entry.recorded_by_id) == ("paper", town.committee.id)
        assert db.session.scalar(select(RollEntry.channel).filter_by(user_id=town.residents[0].id)) == "app"
        assert all(b.public_voter_id is None for b in db.session.scalars(select(Ballot)))
    mine = client_for(elder).get(f"/api/v1/polls/{poll['id']}").json["my_ballot"]
    assert mine["voted"] is True and mine["channel"] == "paper" and mine["choices"] is None

    live = desk.get(f"/api/v1/polls/{poll['id']}/results").json
    assert live["channels"] == {"app": 1, "paper": 1} and live["counts"] is None  # secret: turnout only
    end_poll(poll["id"])
    results = client_for(town.residents[1]).get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["voters"] == 2 and results["channels"] == {"app": 1, "paper": 1}
    assert {c["choice"]: c["votes"] for c in results["counts"]} == {"yes": 1, "no": 1, "abstain": 0}
    recount = client_for(town.residents[1]).get(f"/api/v1/polls/{poll['id']}/recount.csv")
    rows = list(csv.DictReader(io.StringIO(recount.get_data(as_text=True).lstrip("\ufeff"))))
    assert recorded.json["receipt_hash"] in {row["receipt_hash"] for row in rows} and len(rows) == 2


def test_one_roll_across_channels(app, client_for, town, elder, new_poll, vote):
    desk = client_for(town.committee)
    poll = new_poll("yes_no")
    assert vote(town.residents[0], poll).status_code == 201
    at_table = _paper(desk, poll["id"], town.residents[0].id)
    assert at_table.status_code == 409 and at_table.json["code"] == "already_voted"
    assert _paper(desk, poll["id"], elder.id).status_code == 201
    in_app = vote(elder, poll)
    assert in_app.status_code == 409 and in_app.json["code"] == "already_voted"
    second_table = _paper(client_for(town.committee), poll["id"], elder.id)
    assert second_table.status_code == 409


def test_one_ballot_when_the_app_and_two_tables_try_at_once(app, client_for, make_member, town, elder, new_poll):
    from backend.voting.models import Ballot, RollEntry

    second_desk = make_member(town.community, "committee")
    poll = new_poll("yes_no")
    rounds = 4
    for index in range(rounds):  # a fresh voter each round: app, table 1 and table 2 at the same moment
        voter = elder if index == 0 else make_member(town.community)
        calls = [
            lambda v=voter: client_for(v).post(f"/api/v1/polls/{poll['id']}/ballots", json={"choice": "yes"}),
            lambda v=voter: _paper(client_for(town.committee), poll["id"], v.id),
            lambda v=voter: _paper(client_for(second_desk), poll["id"], v.id, {"choice": "no"}),
        ]
        barrier = threading.Barrier(len(calls))

        def run(call, barrier=barrier):
            barrier.wait()
            return call()

        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            statuses = [r.status_code for r in pool.map(run, calls)]
        assert statuses.count(201) == 1 and statuses.count(409) == 2, statuses
    assert _count(app, RollEntry, poll_id=poll["id"]) == rounds
    assert _count(app, Ballot, poll_id=poll["id"]) == rounds


def test_a_public_paper_ballot_names_its_voter_like_an_app_ballot(app, client_for, town, elder, new_poll):
    from backend.voting.models import Ballot

    poll = new_poll("yes_no", secret=False)
    assert _paper(client_for(town.committee), poll["id"], elder.id).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Ballot.public_voter_id)) == elder.id


@pytest.mark.parametrize(
    "who, status, reason",
    [("resident", 403, "role_required"), ("other committee", 403, "not_a_member"), ("visitor", 401, None)],
)
def test_only_the_polls_committee_runs_a_table(
    app, client_for, make_community, make_member, town, elder, new_poll, who, status, reason
):
    from backend.voting.models import RollEntry

    poll = new_poll("yes_no")
    actor = {
        "resident": town.residents[0],
        "other committee": make_member(make_community(), "committee"),
        "visitor": None,
    }[who]
    for response in (_paper(client_for(actor), poll["id"], elder.id), _table(client_for(actor), poll["id"], "王")):
        assert response.status_code == status, response.json
        if reason:
            assert response.json["reason"] == reason
    assert _count(app, RollEntry, poll_id=poll["id"]) == 0


def test_who_cannot_be_recorded(app, client_for, make_community, make_member, make_user, town, new_poll, end_poll):
    from backend.voting.models import RollEntry

    desk = client_for(town.committee)
    poll = new_poll("yes_no")
    stranger = make_member(make_community(), display_name="外人")
    pending = make_member(town.community, status="pending")
    nobody = make_user()
    for voter_id, status, detail in (
        (stranger.id, 422, None),  # another community's resident
        (nobody.id, 422, None),  # an account that belongs to no community
        (2**31 - 1, 422, None),  # an invented account
        (pending.id, 403, "not_verified"),
    ):
        response = _paper(desk, poll["id"], voter_id)
        assert response.status_code == status, (voter_id, response.json)
        if detail:
            assert response.json["code"] == "not_eligible" and response.json["reason"] == detail
    assert _table(desk, poll["id"], "外人").json["items"] == []  # another community's people are not found
    assert _table(desk, poll["id"], "").json["items"] == []
    grid_poll = new_poll("yes_no", eligibility="grid", grid_id=town.community.grid_ids[1])
    other_grid = _paper(desk, grid_poll["id"], town.residents[0].id)
    assert other_grid.status_code == 403 and other_grid.json["reason"] == "other_grid"
    end_poll(poll["id"])
    closed = _paper(desk, poll["id"], town.residents[1].id)
    assert closed.status_code == 409 and closed.json["code"] == "poll_closed"
    assert _count(app, RollEntry) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"choice": "maybe"},
        {"option_id": 1},
        {},
        {"choice": "yes", "receipt": "A" * 30},
        {"choice": "yes", "revote_key": "A" * 30},
        {"voter_id": "x", "choice": "yes"},
    ],
)
def test_bad_paper_ballots_are_a_422(app, client_for, town, new_poll, body):
    from backend.voting.models import RollEntry

    poll = new_poll("yes_no")
    payload = {"voter_id": town.residents[0].id, **body}
    response = client_for(town.committee).post(f"/api/v1/polls/{poll['id']}/paper-ballots", json=payload)
    assert response.status_code == 422 and response.mimetype == "application/problem+json", response.json
    assert _count(app, RollEntry) == 0


def test_the_table_search_is_bounded(client_for, town, new_poll):
    poll = new_poll("yes_no")
    assert _table(client_for(town.committee), poll["id"], "王" * 101).status_code == 422
    assert _table(client_for(town.committee), poll["id"], "%").json["items"] == []  # no wildcard: a literal %
