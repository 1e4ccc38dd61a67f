"""A claim on a household where verified residents live needs one of them, or the committee, to agree (issue 15).

Before: only the committee could confirm a claim, and the family whose flat a stranger typed learnt nothing.
Now the verified residents of the flat are told, one of them agrees or refuses (the first answer counts, held by a
unique constraint), the claimant and the committee are told. Nobody else can answer: a resident of another flat,
of another community, the claimant, a pending or suspended resident of the flat, a visitor, an invented account.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from backend.core.db import utcnow
from backend.extensions import db

FLAT = ("3", "1", "101")


def _claims(client, cid):
    return client.get(f"/api/v1/communities/{cid}/household-claims")


def _answer(client, cid, uid, decision="agree", reason=None):
    body = {"decision": decision} if reason is None else {"decision": decision, "reason": reason}
    return client.post(f"/api/v1/communities/{cid}/household-claims/{uid}", json=body)


def _notifications(app, user_id, kind):
    from backend.notifications.models import Notification

    with app.app_context():
        return list(db.session.scalars(select(Notification).filter_by(user_id=user_id, kind=kind)))


def _answers(app) -> int:
    from backend.communities.models import HouseholdAgreement

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(HouseholdAgreement))


@pytest.fixture
def family(make_community, make_member, make_user, client_for):
    """A verified family in flat 3-1-101, a committee member, and a newcomer who joins giving that flat."""
    community = make_community()
    committee = make_member(community, "committee")
    mother = make_member(community, household=FLAT, display_name="陈阿姨")
    son = make_member(community, household=FLAT)
    claimant = make_user(display_name="新来的人")
    joined = client_for(claimant).post(
        f"/api/v1/communities/{community.id}/join", json={"building": "3", "unit": "1", "room": "101"}
    )
    assert joined.status_code == 201 and joined.json["status"] == "pending", joined.json
    return community, committee, mother, son, claimant


def test_does_the_family_learn_of_a_claim_on_their_flat_and_can_one_of_them_agree(app, client_for, family):
    community, committee, mother, son, claimant = family
    for resident in (mother, son):  # both verified residents are asked; nobody else is
        told = _notifications(app, resident.id, "household_claim")
        assert len(told) == 1 and told[0].context["household"] == "3-1-101"
    assert not _notifications(app, committee.id, "household_claim")

    listed = _claims(client_for(mother), community.id)
    assert listed.status_code == 200
    [claim] = listed.json["items"]
    assert claim["user"]["id"] == claimant.id and claim["status"] == "pending" and claim["agreement"] is None
    assert claim["can"] == {"agree": True, "refuse": True}

    answered = _answer(client_for(mother), community.id, claimant.id)
    assert answered.status_code == 201, answered.json
    assert answered.json["agreement"]["decision"] == "agree"
    assert answered.json["agreement"]["resident"] is None  # who answered: the committee's to see
    assert answered.json["can"] == {"agree": False, "refuse": False}
    assert len(_notifications(app, claimant.id, "household_claim_agreed")) == 1
    assert len(_notifications(app, committee.id, "household_claim_answered")) == 1

    seen = _claims(client_for(committee), community.id).json["items"]
    assert seen[0]["agreement"]["resident"]["id"] == mother.id
    assert seen[0]["can"] == {"agree": False, "refuse": False}  # the committee agrees by verifying
    # an answer does not verify: the claimant is still pending (no vote) until the committee verifies
    from backend.communities.models import Membership

    with app.app_context():
        status = db.session.scalar(select(Membership.recorded_status).filter_by(user_id=claimant.id))
    assert status == "pending"
    verified = client_for(committee).post(f"/api/v1/communities/{community.id}/members/{claimant.id}/verify")
    assert verified.status_code == 200 and verified.json["status"] == "verified"
    assert _claims(client_for(committee), community.id).json["items"] == []  # no longer a claim


def test_a_refusal_reaches_the_claimant_without_naming_who_refused(app, client_for, family):
    community, committee, mother, son, claimant = family
    answered = _answer(client_for(mother), community.id, claimant.id, "refuse", "我们家没有这个人")
    assert answered.status_code == 201 and answered.json["agreement"]["decision"] == "refuse"
    [told] = _notifications(app, claimant.id, "household_claim_refused")
    assert "陈阿姨" not in str(told.context) and "我们家没有这个人" not in str(told.context)
    [committee_told] = _notifications(app, committee.id, "household_claim_answered")
    assert committee_told.context["decision"] == "refuse"
    seen = _claims(client_for(committee), community.id).json["items"][0]["agreement"]
    assert seen["decision"] == "refuse" and seen["reason"] == "我们家没有这个人" and seen["resident"]["id"] == mother.id
    assert _claims(client_for(mother), community.id).json["items"][0]["agreement"]["reason"] == "我们家没有这个人"
    family_view = _claims(client_for(son), community.id).json["items"][0]["agreement"]
    assert family_view["decision"] == "refuse" and family_view["reason"] is None and family_view["resident"] is None


def test_the_second_answer_and_a_settled_claim_are_refused(app, client_for, family):
    community, committee, mother, son, claimant = family
    assert _answer(client_for(mother), community.id, claimant.id).status_code == 201
    again = _answer(client_for(son), community.id, claimant.id, "refuse")
    assert again.status_code == 409 and again.json["code"] == "community.claim_answered"
    same_again = _answer(client_for(mother), community.id, claimant.id, "refuse")
    assert same_again.status_code == 409
    # a verified member's household is no longer a claim
    settled = _answer(client_for(mother), community.id, son.id)
    assert settled.status_code == 409 and settled.json["code"] == "community.claim_settled"
    assert _answers(app) == 1


def test_two_residents_answering_at_the_same_moment_give_one_answer(app, client_for, family):
    community, _committee, mother, son, claimant = family
    clients = [client_for(mother), client_for(son)] * 3
    barrier = threading.Barrier(len(clients))

    def answer(pair):
        index, client = pair
        barrier.wait()
        return _answer(client, community.id, claimant.id, "agree" if index % 2 else "refuse")

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = [r.status_code for r in pool.map(answer, enumerate(clients))]
    assert statuses.count(201) == 1 and statuses.count(409) == len(clients) - 1, statuses
    assert _answers(app) == 1


@pytest.mark.parametrize(
    "who, status, reason",
    [
        ("neighbour of another flat", 404, None),
        ("committee member of another flat", 404, None),
        ("member of another community", 403, "not_a_member"),
        ("claimant", 403, "not_verified"),
        ("pending resident of the flat", 403, "not_verified"),
        ("invited resident of the flat", 403, "not_verified"),
        ("suspended resident of the flat", 403, "suspended"),
        ("visitor", 401, None),
    ],
)
def test_who_cannot_answer_a_claim(app, client_for, make_community, make_member, family, who, status, reason):
    community, committee, _mother, _son, claimant = family
    if who == "neighbour of another flat":
        actor = make_member(community, household=("3", "1", "102"))
    elif who == "committee member of another flat":
        actor = committee
    elif who == "member of another community":
        actor = make_member(make_community(), household=FLAT)
    elif who == "claimant":
        actor = claimant
    elif who.endswith("resident of the flat"):
        state = who.split()[0]
        actor = make_member(community, status=state, household=FLAT)
        if state == "suspended":
            from backend.communities.models import Membership

            with app.app_context():
                db.session.execute(
                    update(Membership)
                    .where(Membership.user_id == actor.id)
                    .values(suspended_until=utcnow() + timedelta(days=3))
                )
                db.session.commit()
    else:
        actor = None
    response = _answer(client_for(actor), community.id, claimant.id)
    assert response.status_code == status, response.json
    if reason:
        assert response.json["reason"] == reason
    assert _answers(app) == 0


def test_the_claimant_cannot_agree_to_their_own_claim_even_once_verified_elsewhere(
    app, client_for, make_member, family
):
    """A verified member who also has a pending claim in the same community is impossible (one membership per
    community); the own-claim rule is the service's own guard: a verified resident answering their own id."""
    community, _committee, mother, _son, _claimant = family
    response = _answer(client_for(mother), community.id, mother.id)
    assert response.status_code == 403 and response.json["reason"] == "own_claim"


def test_invented_ids_and_other_communities_ids_find_nothing(app, client_for, make_community, make_member, family):
    community, _committee, mother, _son, claimant = family
    assert _answer(client_for(mother), community.id, 2**31 - 1).status_code == 404
    assert _answer(client_for(mother), 2**31 - 1, claimant.id).status_code == 404
    elsewhere = make_community()
    stranger = make_member(elsewhere, status="pending", household=FLAT)
    assert _answer(client_for(mother), elsewhere.id, stranger.id).status_code == 403  # not a member there
    assert _answer(client_for(mother), community.id, stranger.id).status_code == 404  # not a member here
    assert _answers(app) == 0


@pytest.mark.parametrize(
    "body",
    [{"decision": "maybe"}, {"decision": "agree", "reason": "很" * 501}, {}, {"decision": "agree", "extra": 1}],
)
def test_bad_answers_are_a_422(app, client_for, family, body):
    community, _committee, mother, _son, claimant = family
    response = client_for(mother).post(f"/api/v1/communities/{community.id}/household-claims/{claimant.id}", json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert _answers(app) == 0


def test_who_sees_which_claims(app, client_for, make_community, make_member, make_user, family):
    community, committee, mother, _son, claimant = family
    lonely = make_user()  # joins a flat where nobody verified lives: no claim on anyone's home
    client_for(lonely).post(
        f"/api/v1/communities/{community.id}/join", json={"building": "9", "unit": "9", "room": "9"}
    )
    other_flat = make_member(community, household=("3", "1", "102"))
    assert _claims(client_for(other_flat), community.id).json["items"] == []
    assert [c["user"]["id"] for c in _claims(client_for(mother), community.id).json["items"]] == [claimant.id]
    assert [c["user"]["id"] for c in _claims(client_for(committee), community.id).json["items"]] == [claimant.id]
    assert _claims(client_for(claimant), community.id).status_code == 403  # pending: not verified
    assert _claims(client_for(None), community.id).status_code == 401
    assert _claims(client_for(make_member(make_community())), community.id).status_code == 403
    assert _claims(client_for(mother), 2**31 - 1).status_code == 404


def test_a_rejected_claim_takes_its_answer_with_it(app, client_for, family):
    community, committee, mother, _son, claimant = family
    assert _answer(client_for(mother), community.id, claimant.id, "refuse").status_code == 201
    rejected = client_for(committee).post(
        f"/api/v1/communities/{community.id}/members/{claimant.id}/reject", json={"reason": "不住这里"}
    )
    assert rejected.status_code == 204
    assert _answers(app) == 0
