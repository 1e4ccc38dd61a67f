"""Secret ballots: the roll says THAT someone voted, the ballots WHAT was voted, and nothing links them."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from backend.extensions import db


def test_no_column_or_foreign_key_connects_roll_and_ballots(app):
    with app.app_context():
        schema = inspect(db.engine)
        roll = {c["name"] for c in schema.get_columns("poll_roll")}
        ballots = {c["name"] for c in schema.get_columns("ballots")}
        assert roll & ballots == {"id", "poll_id"}  # their own keys, and the poll both belong to
        for table, other in (("poll_roll", "ballots"), ("ballots", "poll_roll")):
            assert all(fk["referred_table"] != other for fk in schema.get_foreign_keys(table))
        assert not any("time" in c or c.endswith("_at") for c in ballots)  # no timestamp to line up with the roll
        assert {fk["referred_table"] for fk in schema.get_foreign_keys("ballots")} <= {"polls", "users"}


def test_secret_ballots_carry_no_voter_and_random_ids(app, town, make_member, new_poll, vote):
    from backend.voting.models import Ballot, RollEntry

    voters = town.residents + [make_member(town.community) for _ in range(6)]
    poll = new_poll("single")
    for voter in voters:
        assert vote(voter, poll).status_code == 201
    with app.app_context():
        ballots = list(db.session.scalars(select(Ballot).where(Ballot.poll_id == poll["id"])))
        roll = list(db.session.scalars(select(RollEntry).where(RollEntry.poll_id == poll["id"]).order_by(RollEntry.id)))
        assert all(b.public_voter_id is None for b in ballots)
        ids = [b.id for b in ballots]
        # random 63-bit ids: not consecutive, and their order is not the order of voting
        assert max(ids) - min(ids) > 10**6
        if db.engine.dialect.name == "sqlite":  # the random id IS the rowid: no hidden sequential one
            rows = db.session.execute(text("SELECT rowid, id FROM ballots")).all()
            assert all(rowid == ballot_id for rowid, ballot_id in rows)
        assert len(roll) == len(ballots) == len(voters)
        user_ids = {r.user_id for r in roll}
        assert not any(b.id in user_ids or b.id in {r.id for r in roll} for b in ballots)


def test_public_ballots_name_their_caster(app, town, new_poll, vote):
    from backend.voting.models import Ballot

    poll = new_poll("single", secret=False)
    vote(town.residents[0], poll)
    with app.app_context():
        assert db.session.scalar(select(Ballot.public_voter_id)) == town.residents[0].id


def test_the_receipt_is_not_kept_where_it_would_link_voter_and_ballot(app, town, new_poll, vote):
    """The Idempotency-Key layer stores responses per user; the ballot's response must not be stored."""
    from backend.core.idempotency import IdempotencyRecord

    poll = new_poll("yes_no")
    response = vote(town.residents[0], poll, {"choice": "no"}, headers={"Idempotency-Key": "outbox-key-1"})
    assert response.status_code == 201
    receipt = response.json["receipt"]
    with app.app_context():
        bodies = list(db.session.scalars(select(IdempotencyRecord.body)))
    assert not any(receipt in body for body in bodies)
    # the outbox replaying the same key meets the roll instead: nothing is counted twice
    again = vote(town.residents[0], poll, {"choice": "no"}, headers={"Idempotency-Key": "outbox-key-1"})
    assert again.status_code == 409 and again.json["code"] == "already_voted"


def test_the_receipt_is_stored_only_as_its_hash(app, town, new_poll, vote):
    import hashlib

    from backend.voting.models import Ballot

    poll = new_poll("yes_no")
    receipt = vote(town.residents[0], poll).json["receipt"]
    assert len(receipt) >= 22
    with app.app_context():
        ballot = db.session.scalar(select(Ballot))
    assert ballot.receipt_hash == hashlib.sha256(receipt.encode()).hexdigest()
    assert receipt not in str(ballot.choices)
