"""Idempotency-Key: a repeated POST returns the first response and never writes a second row."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from backend.communities.models import Invite
from backend.core.db import utcnow
from backend.core.idempotency import IdempotencyRecord
from backend.extensions import db


def _invites(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Invite))


def test_same_key_returns_the_first_response(app, client_for, make_community, make_member):
    community = make_community()
    client = client_for(make_member(community))
    path = f"/api/v1/communities/{community.id}/invites"
    first = client.post(path, headers={"Idempotency-Key": "outbox-1"})
    again = client.post(path, headers={"Idempotency-Key": "outbox-1"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _invites(app) == 1
    assert client.post(path, headers={"Idempotency-Key": "outbox-2"}).json["code"] != first.json["code"]
    assert _invites(app) == 2


def test_keys_are_per_user(app, client_for, make_community, make_member):
    community = make_community()
    path = f"/api/v1/communities/{community.id}/invites"
    one = client_for(make_member(community)).post(path, headers={"Idempotency-Key": "same"})
    two = client_for(make_member(community)).post(path, headers={"Idempotency-Key": "same"})
    assert one.json["code"] != two.json["code"]
    assert _invites(app) == 2


def test_failed_request_is_not_remembered(app, client_for, make_user, make_community):
    community = make_community()
    client = client_for(make_user())
    path = f"/api/v1/communities/{community.id}/join"
    bad = client.post(path, json={"building": "", "unit": "1", "room": "1"}, headers={"Idempotency-Key": "k"})
    assert bad.status_code == 422
    good = client.post(path, json={"building": "1", "unit": "1", "room": "1"}, headers={"Idempotency-Key": "k"})
    assert good.status_code == 201


def test_key_reused_on_another_path_is_refused(client_for, make_community, make_member):
    community = make_community()
    client = client_for(make_member(community))
    client.post(f"/api/v1/communities/{community.id}/invites", headers={"Idempotency-Key": "k1"})
    response = client.post("/api/v1/auth/logout", headers={"Idempotency-Key": "k1"})
    assert response.status_code == 422 and response.json["code"] == "idempotency_key_reused"


def test_key_older_than_a_day_is_forgotten(app, client_for, make_community, make_member):
    community = make_community()
    client = client_for(make_member(community))
    path = f"/api/v1/communities/{community.id}/invites"
    client.post(path, headers={"Idempotency-Key": "old"})
    with app.app_context():
        db.session.scalar(db.select(IdempotencyRecord)).created_at = utcnow() - timedelta(hours=25)
        db.session.commit()
    assert client.post(path, headers={"Idempotency-Key": "old"}).headers.get("Idempotent-Replayed") is None
    assert _invites(app) == 2


def test_overlong_key_is_refused(client_for, make_community, make_member):
    community = make_community()
    response = client_for(make_member(community)).post(
        f"/api/v1/communities/{community.id}/invites", headers={"Idempotency-Key": "x" * 101}
    )
    assert response.status_code == 422


def test_concurrent_retries_with_one_key_create_one_row(app, client_for, make_community, make_member):
    """The outbox may resend while the first attempt is still in flight: still exactly one invite."""
    community = make_community()
    member = make_member(community)
    path = f"/api/v1/communities/{community.id}/invites"

    def send(_):
        return client_for(member).post(path, headers={"Idempotency-Key": "race"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(16)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json["code"] for r in responses}) == 1
    assert _invites(app) == 1
