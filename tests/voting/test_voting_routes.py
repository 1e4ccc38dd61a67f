"""Polls, ballots, results and recount through the HTTP API: roles, windows, bad input, edge cases."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from tests.voting.conftest import poll_body


def polls_url(cid):
    return f"/api/v1/communities/{cid}/polls"


# --- who may do what ------------------------------------------------------------------------------


@pytest.fixture
def people(town, make_member, make_community, make_user):
    """Every kind of person, by name, relative to the town."""
    elsewhere = make_community("别的社区")
    return {
        "visitor": None,
        "outsider": make_user(),
        "pending": make_member(town.community, status="pending"),
        "suspended": make_member(town.community, status="suspended"),
        "resident": town.residents[0],
        "grid_worker": make_member(town.community, "grid_worker"),
        "committee": town.committee,
        "other_committee": make_member(elsewhere, "committee"),
    }


@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 401),
        ("outsider", 403),
        ("pending", 403),
        ("suspended", 403),
        ("resident", 403),
        ("grid_worker", 403),
        ("other_committee", 403),
        ("committee", 201),
    ],
)
def test_only_the_committee_opens_polls(client_for, town, people, who, status):
    response = client_for(people[who]).post(polls_url(town.cid), json=poll_body("single"))
    assert response.status_code == status, response.json


def test_creating_a_poll_is_audited_and_neighbours_are_told(app, town, new_poll):
    from backend.audit.models import AuditEntry
    from backend.notifications.models import Notification

    poll = new_poll("single")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "poll.create"))
        assert entry.target_id == poll["id"] and entry.actor_id == town.committee.id
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "poll_opened")))
    assert told == {r.id for r in town.residents}


@pytest.mark.parametrize(
    "who, status, code",
    [
        ("visitor", 401, "auth_required"),
        ("outsider", 403, "not_eligible"),
        ("pending", 403, "not_eligible"),
        ("suspended", 403, "not_eligible"),
        ("other_committee", 403, "not_eligible"),
        ("resident", 201, None),
        ("grid_worker", 201, None),
        ("committee", 201, None),
    ],
)
def test_every_verified_resident_may_vote(new_poll, vote, people, who, status, code):
    poll = new_poll("yes_no")
    response = vote(people[who], poll)
    assert response.status_code == status
    if code:
        assert response.json["code"] == code


@pytest.mark.parametrize("who", ["visitor", "outsider", "pending", "resident", "committee"])
def test_anyone_reads_a_poll(client_for, new_poll, people, who):
    poll = new_poll("ranked")
    response = client_for(people[who]).get(f"/api/v1/polls/{poll['id']}")
    assert response.status_code == 200
    assert [o["label"] for o in response.json["options"]] == ["张师傅", "李阿姨", "王老师"]
    assert response.json["status"] == "open"


def test_not_eligible_says_why(new_poll, vote, people):
    poll = new_poll("yes_no")
    assert vote(people["pending"], poll).json["reason"] == "not_verified"
    assert vote(people["outsider"], poll).json["reason"] == "not_a_member"
    assert vote(people["suspended"], poll).json["reason"] == "suspended"


# --- one ballot per voter / household / grid ---------------------------------------------------------


def test_second_ballot_from_the_same_voter_is_refused(new_poll, vote, town):
    poll = new_poll("single")
    assert vote(town.residents[0], poll).status_code == 201
    response = vote(town.residents[0], poll)
    assert response.status_code == 409 and response.json["code"] == "already_voted"


def test_second_ballot_from_same_household_is_refused(town, make_member, new_poll, vote, client_for):
    wife = make_member(town.community, household=("5", "2", "301"))
    husband = make_member(town.community, household=("5", "2", "301"))
    poll = new_poll("yes_no", eligibility="household")
    assert vote(wife, poll).status_code == 201
    response = vote(husband, poll)
    assert response.status_code == 409 and response.json["code"] == "already_voted"
    seen = client_for(husband).get(f"/api/v1/polls/{poll['id']}").json
    assert seen["my_ballot"]["voted"] is True and seen["my_ballot"]["cast_by_me"] is False
    assert seen["can"] == {"vote": False}


def test_grid_poll_admits_only_residents_of_that_grid(town, make_member, new_poll, vote):
    east = make_member(town.community, grid=1)
    poll = new_poll("yes_no", eligibility="grid", grid_id=town.community.grid_ids[1])
    assert vote(east, poll).status_code == 201
    response = vote(town.residents[0], poll)
    assert response.status_code == 403 and response.json["reason"] == "other_grid"


def test_grid_poll_needs_a_grid_of_the_community(client_for, town, make_community):
    other = make_community()
    committee = client_for(town.committee)
    assert committee.post(polls_url(town.cid), json=poll_body(eligibility="grid")).status_code == 422
    response = committee.post(polls_url(town.cid), json=poll_body(eligibility="grid", grid_id=other.grid_ids[0]))
    assert response.status_code == 422 and "grid_id" in response.json["errors"]


# --- window ----------------------------------------------------------------------------------------


def test_voting_before_opens_at_is_refused(new_poll, vote, town):
    from datetime import timedelta

    from backend.core.db import utcnow

    poll = new_poll("yes_no", opens_at=(utcnow() + timedelta(hours=1)).isoformat())
    assert poll["status"] == "upcoming"
    response = vote(town.residents[0], poll)
    assert response.status_code == 409
    assert response.json["code"] == "poll_closed" and response.json["reason"] == "not_yet_open"


def test_voting_after_closes_at_is_refused(new_poll, vote, town, end_poll):
    poll = new_poll("yes_no")
    end_poll(poll["id"])
    response = vote(town.residents[0], poll)
    assert response.status_code == 409
    assert response.json["code"] == "poll_closed" and response.json["reason"] == "closed"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"closes_at": "2020-01-01T00:00:00+00:00", "opens_at": "2019-01-01T00:00:00+00:00"}, "closes_at"),
        ({"opens_at": "2030-01-02T00:00:00+00:00", "closes_at": "2030-01-01T00:00:00+00:00"}, "closes_at"),
        ({"options": [{"label": "唯一"}]}, "options"),
        ({"options": [{"label": "同"}, {"label": "同"}]}, "options"),
        ({"max_choices": 9}, "max_choices"),
        ({"quorum": 1.5}, "quorum"),
        ({"pass_threshold": 1}, "pass_threshold"),
        ({"method": "plurality"}, "method"),
        ({"sneaky": True}, "sneaky"),
        ({"title": ""}, "title"),
        ({"title": "长" * 121}, "title"),
        ({"budget_cents": 100}, "budget_rule"),
        ({"project_id": 1}, "project_id"),
    ],
)
def test_bad_poll_bodies_are_refused_with_field_errors(client_for, town, overrides, field):
    response = client_for(town.committee).post(polls_url(town.cid), json={**poll_body("single"), **overrides})
    assert response.status_code == 422
    assert field in response.json["errors"], response.json


def test_budget_poll_needs_a_budget_and_costs(client_for, town):
    committee = client_for(town.committee)
    response = committee.post(polls_url(town.cid), json=poll_body("budget", budget_cents=None))
    assert response.status_code == 422 and "budget_cents" in response.json["errors"]
    response = committee.post(polls_url(town.cid), json=poll_body("budget", options=[{"label": "灯"}]))
    assert response.status_code == 422 and "options" in response.json["errors"]


def test_yes_no_poll_takes_no_options(client_for, town):
    response = client_for(town.committee).post(
        polls_url(town.cid), json=poll_body("yes_no", options=[{"label": "x"}, {"label": "y"}])
    )
    assert response.status_code == 422 and "options" in response.json["errors"]


# --- bad ballots -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, make_body, field",
    [
        ("yes_no", lambda ids: {"choice": "maybe"}, "choice"),
        ("yes_no", lambda ids: {"option_id": ids and ids[0] or 1}, "option_id"),
        ("single", lambda ids: {"option_id": 999999}, "option_id"),
        ("single", lambda ids: {}, "option_id"),
        ("single", lambda ids: {"option_id": ids[0], "ranking": ids}, "ranking"),
        ("approval", lambda ids: {"option_ids": ids[:3]}, "option_ids"),  # max_choices is 2
        ("approval", lambda ids: {"option_ids": []}, "option_ids"),
        ("approval", lambda ids: {"option_ids": [ids[0], ids[0]]}, "option_ids"),
        ("ranked", lambda ids: {"ranking": [ids[0], ids[1], ids[0]]}, "ranking"),  # duplicate in a ranking
        ("ranked", lambda ids: {"ranking": [ids[0], 999999]}, "ranking"),
        ("ranked", lambda ids: {"ranking": []}, "ranking"),
        ("budget", lambda ids: {"option_ids": [ids[0], 999999]}, "option_ids"),  # project not in the poll
        ("budget", lambda ids: {"option_ids": "all"}, "option_ids"),
        ("single", lambda ids: {"option_id": ids[0], "receipt": "short"}, "receipt"),
        ("single", lambda ids: {"option_id": ids[0], "voter": 1}, "voter"),
    ],
)
def test_bad_ballots_are_refused_with_field_errors(new_poll, vote, town, method, make_body, field):
    poll = new_poll(method, **({"max_choices": 2} if method == "approval" else {}))
    ids = [o["id"] for o in poll["options"]]
    response = vote(town.residents[0], poll, make_body(ids))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert vote(town.residents[0], poll).status_code == 201  # nothing was recorded by the bad try


def test_option_of_another_poll_is_refused(new_poll, vote, town):
    first, second = new_poll("single"), new_poll("single")
    response = vote(town.residents[0], first, {"option_id": second["options"][0]["id"]})
    assert response.status_code == 422


# --- results -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "resident", "pending"])
def test_results_are_hidden_until_close_except_for_the_committee(client_for, new_poll, people, who):
    poll = new_poll("single", secret=False)
    response = client_for(people[who]).get(f"/api/v1/polls/{poll['id']}/results")
    assert response.status_code == 409 and response.json["code"] == "voting.poll_not_closed"


def test_committee_sees_only_turnout_of_a_secret_poll_while_open(client_for, new_poll, vote, town):
    poll = new_poll("single")
    vote(town.residents[0], poll)
    results = client_for(town.committee).get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["live"] is True and results["counts"] is None and results["winners"] is None
    assert results["voters"] == 1 and results["eligible"] == 5
    seen = client_for(town.committee).get(f"/api/v1/polls/{poll['id']}").json
    assert seen["turnout"] == {"voters": 1, "eligible": 5, "share": 0.2, "live": True}
    assert client_for(town.residents[1]).get(f"/api/v1/polls/{poll['id']}").json["turnout"] is None


def test_committee_sees_live_counts_of_a_public_poll(client_for, new_poll, vote, town):
    poll = new_poll("single", secret=False)
    vote(town.residents[0], poll, {"option_id": poll["options"][1]["id"]})
    results = client_for(town.committee).get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["live"] is True
    assert [c["votes"] for c in results["counts"]] == [0, 1, 0]


@pytest.mark.parametrize("who", ["visitor", "resident", "committee", "outsider"])
def test_anyone_reads_frozen_results_after_close(client_for, new_poll, vote, town, end_poll, people, who):
    poll = new_poll("single")
    ids = [o["id"] for o in poll["options"]]
    for resident, choice in zip(town.residents, [ids[1], ids[1], ids[0], ids[2]], strict=False):
        assert vote(resident, poll, {"option_id": choice}).status_code == 201
    end_poll(poll["id"])
    results = client_for(people[who]).get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["live"] is False
    assert [c["votes"] for c in results["counts"]] == [1, 2, 1]
    assert results["winners"] == [ids[1]] and results["passed"] is True
    # committee, four residents and the grid worker are eligible (pending and suspended are not)
    assert results["voters"] == 4 and results["eligible"] == 6 and results["turnout"] == 0.6667


def test_results_are_computed_once_and_frozen(app, client_for, new_poll, vote, town, end_poll, make_member):
    poll = new_poll("yes_no", secret=False)
    vote(town.residents[0], poll)
    end_poll(poll["id"])
    first = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    make_member(town.community)  # the community grows after the close: the frozen turnout does not move
    again = client_for(town.committee).get(f"/api/v1/polls/{poll['id']}/results").json
    assert again == first and again["eligible"] == 5


def test_quorum_edge(client_for, new_poll, vote, town, end_poll):
    """5 eligible, quorum 0.4: 2 voters (exactly 40 %) meet it, 1 does not; without quorum nothing passes."""
    met, missed = new_poll("yes_no", quorum=0.4), new_poll("yes_no", quorum=0.4)
    for resident in town.residents[:2]:
        vote(resident, met, {"choice": "yes"})
    vote(town.residents[0], missed, {"choice": "yes"})
    end_poll(met["id"])
    end_poll(missed["id"])
    got = client_for().get(f"/api/v1/polls/{met['id']}/results").json
    assert got["quorum_met"] is True and got["passed"] is True
    got = client_for().get(f"/api/v1/polls/{missed['id']}/results").json
    assert got["quorum_met"] is False and got["passed"] is False


@pytest.mark.parametrize(
    "yes, no, abstain, passed", [(2, 2, 0, False), (3, 2, 0, True), (1, 0, 3, True), (0, 0, 4, False)]
)
def test_yes_no_threshold_edge(client_for, new_poll, vote, town, make_member, end_poll, yes, no, abstain, passed):
    poll = new_poll("yes_no")
    voters = town.residents + [make_member(town.community) for _ in range(yes + no + abstain - 4)]
    for voter, choice in zip(voters, ["yes"] * yes + ["no"] * no + ["abstain"] * abstain, strict=False):
        assert vote(voter, poll, {"choice": choice}).status_code == 201
    end_poll(poll["id"])
    results = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["passed"] is passed
    assert {c["choice"]: c["votes"] for c in results["counts"]} == {"yes": yes, "no": no, "abstain": abstain}


def test_ranked_results_carry_every_round(client_for, new_poll, vote, town, make_member, end_poll):
    poll = new_poll("ranked")
    a, b, c = [o["id"] for o in poll["options"]]
    voters = town.residents + [make_member(town.community)]
    for voter, ranking in zip(voters, [[a, b], [a, c], [b, c], [c, b], [c, b]], strict=False):
        vote(voter, poll, {"ranking": ranking})
    end_poll(poll["id"])
    results = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    # Round 1: a 2, b 1, c 2 → b out, its ballot goes to c → c 3 of 5 wins.
    assert results["rounds"][0]["eliminated"] == b
    assert results["rounds"][0]["transfers"] == [{"to": c, "votes": 1}]
    assert results["winners"] == [c]


@pytest.mark.parametrize(
    "rule, funded", [("greedy", ["楼道灯", "无障碍坡道"]), ("equal_shares", ["楼道灯", "休息长椅"])]
)
def test_budget_results_by_rule(client_for, new_poll, vote, town, make_member, end_poll, rule, funded):
    """Budget 8,000 元; 5 voters: 3 approve the lamps (3,000) and the ramp (5,000), 2 the benches (3,200).

    Greedy: lamps (3 votes), ramp (3 votes) → 8,000 spent; the benches no longer fit.
    Equal shares, 1,600 each: lamps cost each supporter 1,000 (ρ = 1/3); the ramp would cost 1,667 > 1,600
    (unaffordable); the benches cost each 1,600 (ρ = 1/2). Lamps first, then the benches; 1,800 left,
    the ramp (5,000) does not fit the completion → lamps + benches.
    """
    poll = new_poll(
        "budget",
        budget_rule=rule,
        options=[
            {"label": "楼道灯", "cost_cents": 3000_00},
            {"label": "无障碍坡道", "cost_cents": 5000_00},
            {"label": "休息长椅", "cost_cents": 3200_00},
        ],
    )
    lamps, ramp, benches = [o["id"] for o in poll["options"]]
    voters = town.residents + [make_member(town.community)]
    for voter, chosen in zip(voters, [[lamps, ramp]] * 3 + [[benches]] * 2, strict=False):
        vote(voter, poll, {"option_ids": chosen})
    end_poll(poll["id"])
    results = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    labels = {o["id"]: o["label"] for o in poll["options"]}
    assert [labels[i] for i in results["funded"]] == funded
    assert results["rule"] == rule and results["budget_cents"] == 8000_00


# --- recount ---------------------------------------------------------------------------------------


def test_recount_csv_lists_every_ballot_without_voters(client_for, new_poll, vote, town, end_poll):
    poll = new_poll("approval", secret=True)
    ids = [o["id"] for o in poll["options"]]
    receipts = [
        vote(r, poll, {"option_ids": [ids[i % 3], ids[3]]}).json["receipt"] for i, r in enumerate(town.residents)
    ]
    assert client_for().get(f"/api/v1/polls/{poll['id']}/recount.csv").status_code == 409
    end_poll(poll["id"])
    response = client_for().get(f"/api/v1/polls/{poll['id']}/recount.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["receipt_hash", "choices", "labels"]
    body = rows[1:]
    assert len(body) == 4
    hashes = {hashlib.sha256(r.encode()).hexdigest() for r in receipts}
    assert {row[0] for row in body} == hashes
    assert [row[0] for row in body] == sorted(row[0] for row in body)  # not in the order of voting
    mine = next(row for row in body if row[0] == hashlib.sha256(receipts[1].encode()).hexdigest())
    assert mine[1] == f"{ids[1]};{ids[3]}" and mine[2] == "儿童沙坑;花坛"
    text = raw.decode("utf-8-sig")
    for resident in town.residents:
        assert resident.display_name not in text and resident.email not in text
    assert all(len(row) == 3 for row in rows)  # no column beyond hash, choices and labels


# --- revoting -------------------------------------------------------------------------------------


def test_revote_replaces_the_ballot_in_place_with_the_revote_key(app, new_poll, vote, town, end_poll, client_for):
    """The revote key (the server's, shown once; the PWA makes its own) replaces the ballot; the receipt does not
    (issue 15: tests/trust/test_ballots.py attacks it)."""
    from backend.voting.models import Ballot, RollEntry

    poll = new_poll("single", allow_revote=True)
    ids = [o["id"] for o in poll["options"]]
    first = vote(town.residents[0], poll, {"option_id": ids[0]})
    receipt, key = first.json["receipt"], first.json["revote_key"]
    assert key and key != receipt
    assert vote(town.residents[0], poll, {"option_id": ids[2]}).json["code"] == "already_voted"  # no key
    assert vote(town.residents[0], poll, {"option_id": ids[2], "receipt": receipt}).json["code"] == "already_voted"
    again = vote(town.residents[0], poll, {"option_id": ids[2], "revote_key": key})
    assert again.status_code == 201 and again.json["revoted"] is True and again.json["receipt"] == receipt
    assert again.json["revote_key"] is None  # never handed out again
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
        assert db.session.scalar(select(func.count()).select_from(RollEntry)) == 1
    end_poll(poll["id"])
    results = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    assert [c["votes"] for c in results["counts"]] == [0, 0, 1]


def test_without_revote_a_receipt_does_not_reopen_the_ballot(new_poll, vote, town):
    poll = new_poll("single")
    ids = [o["id"] for o in poll["options"]]
    receipt = vote(town.residents[0], poll, {"option_id": ids[0]}).json["receipt"]
    response = vote(town.residents[0], poll, {"option_id": ids[1], "receipt": receipt})
    assert response.status_code == 409 and response.json["code"] == "already_voted"


def test_a_client_made_receipt_is_kept_and_cannot_be_reused(new_poll, vote, town):
    poll = new_poll("yes_no")
    receipt = "offline-made-receipt-0123456789"
    assert vote(town.residents[0], poll, {"choice": "no", "receipt": receipt}).json["receipt"] == receipt
    response = vote(town.residents[1], poll, {"choice": "no", "receipt": receipt})
    assert response.status_code == 409 and response.json["code"] == "voting.receipt_reused"
    assert vote(town.residents[1], poll, {"choice": "no"}).status_code == 201  # the failed try left no roll entry


# --- my ballot ------------------------------------------------------------------------------------


def test_my_ballot_shows_choices_only_on_public_polls(client_for, new_poll, vote, town):
    secret, public = new_poll("single"), new_poll("single", secret=False)
    for poll in (secret, public):
        vote(town.residents[0], poll, {"option_id": poll["options"][1]["id"]})
    me = client_for(town.residents[0])
    got = me.get(f"/api/v1/polls/{secret['id']}").json["my_ballot"]
    assert got["voted"] is True and got["choices"] is None and got["receipt_hash"] is None
    got = me.get(f"/api/v1/polls/{public['id']}").json["my_ballot"]
    assert got["choices"] == {"option_id": public["options"][1]["id"]} and got["cast_by_me"] is True
    assert client_for(town.residents[1]).get(f"/api/v1/polls/{secret['id']}").json["my_ballot"] is None


# --- closing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status", [("visitor", 401), ("resident", 403), ("grid_worker", 403), ("other_committee", 403)]
)
def test_only_the_committee_closes(client_for, new_poll, people, who, status):
    poll = new_poll("yes_no")
    assert (
        client_for(people[who]).post(f"/api/v1/polls/{poll['id']}/close", json={"reason": "写错了"}).status_code
        == status
    )


def test_a_running_poll_cannot_be_closed_early_while_voters_are_missing(client_for, new_poll, vote, town):
    poll = new_poll("yes_no")
    vote(town.residents[0], poll)
    response = client_for(town.committee).post(f"/api/v1/polls/{poll['id']}/close", json={"reason": "够了"})
    assert response.status_code == 409 and response.json["code"] == "voting.poll_still_open"


def test_a_poll_closes_early_once_everyone_has_voted(client_for, new_poll, vote, town):
    poll = new_poll("yes_no")
    for voter in town.residents + [town.committee]:
        vote(voter, poll)
    response = client_for(town.committee).post(f"/api/v1/polls/{poll['id']}/close", json={"reason": "全部投完"})
    assert response.status_code == 200 and response.json["status"] == "closed"
    results = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["turnout"] == 1.0 and results["passed"] is True


def test_an_upcoming_poll_can_be_cancelled(client_for, new_poll, vote, town):
    from datetime import timedelta

    from backend.core.db import utcnow

    poll = new_poll("single", opens_at=(utcnow() + timedelta(days=1)).isoformat())
    response = client_for(town.committee).post(f"/api/v1/polls/{poll['id']}/close", json={"reason": "选项写错"})
    assert response.status_code == 200 and response.json["close_reason"] == "选项写错"
    assert client_for().get(f"/api/v1/polls/{poll['id']}/results").json["cancelled"] is True


def test_close_without_reason_is_refused(client_for, new_poll, town):
    poll = new_poll("yes_no")
    assert client_for(town.committee).post(f"/api/v1/polls/{poll['id']}/close", json={}).status_code == 422


# --- lists -----------------------------------------------------------------------------------------


def test_list_filters_by_status_and_pages_by_cursor(client_for, new_poll, town, end_poll):
    from datetime import timedelta

    from backend.core.db import utcnow

    open_polls = [new_poll("yes_no", title=f"开放{i}") for i in range(3)]
    upcoming = new_poll("yes_no", opens_at=(utcnow() + timedelta(days=1)).isoformat())
    closed = new_poll("yes_no")
    end_poll(closed["id"])
    visitor = client_for()
    url = polls_url(town.cid)
    assert [p["id"] for p in visitor.get(f"{url}?status=upcoming").json["items"]] == [upcoming["id"]]
    assert [p["id"] for p in visitor.get(f"{url}?status=closed").json["items"]] == [closed["id"]]
    assert [p["id"] for p in visitor.get(f"{url}?status=open").json["items"]] == [p["id"] for p in open_polls[::-1]]
    page = visitor.get(f"{url}?limit=2").json
    seen = [p["id"] for p in page["items"]]
    while page["next_cursor"]:
        page = visitor.get(f"{url}?limit=2&cursor={page['next_cursor']}").json
        seen += [p["id"] for p in page["items"]]
    assert seen == sorted(seen, reverse=True) and len(seen) == 5
    assert visitor.get(f"{url}?status=nope").status_code == 422
    assert visitor.get("/api/v1/communities/999999/polls").status_code == 404


def test_unknown_poll_is_404(client_for, town):
    assert client_for().get("/api/v1/polls/999999").status_code == 404
    assert client_for(town.residents[0]).post("/api/v1/polls/999999/ballots", json={"choice": "yes"}).status_code == 404


def test_openapi_documents_the_voting_endpoints(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in (
        "/api/v1/communities/{cid}/polls",
        "/api/v1/polls/{poll_id}",
        "/api/v1/polls/{poll_id}/ballots",
        "/api/v1/polls/{poll_id}/results",
        "/api/v1/polls/{poll_id}/recount.csv",
        "/api/v1/polls/{poll_id}/close",
    ):
        assert path in paths
    assert "text/csv" in paths["/api/v1/polls/{poll_id}/recount.csv"]["get"]["responses"]["200"]["content"]
