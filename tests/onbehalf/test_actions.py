"""Acting on behalf of residents (代办), the remaining actions: staff ask for or offer aid, sign a resident up for a
volunteering shift and record a resident's support for a project. The action is the resident's, says it was done
for them, is audited and is in their data download. Attacked: other communities' staff, plain residents, grid
workers outside their grid, invented accounts, acting for oneself, suspended staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from backend.aid.models import AidPost
from backend.audit.models import AuditEntry
from backend.communities.models import Membership
from backend.core.db import utcnow
from backend.extensions import db
from backend.projects.models import ProjectEvent, ProjectSupport
from backend.volunteering.models import ShiftSignup


@pytest.fixture
def world(app, make_community, make_member, client_for):
    community = make_community(settings={"project_support_threshold": 5})
    other = make_community()
    people = {
        "committee": make_member(community, "committee"),
        "suspended_committee": make_member(community, "committee"),
        "grid_worker": make_member(community, "grid_worker", grid=0),
        "other_grid_worker": make_member(community, "grid_worker", grid=1),
        "resident": make_member(community, grid=0),  # the one acted for: lives in grid 0
        "neighbour": make_member(community, grid=0),
        "author": make_member(community, grid=0),
        "other_committee": make_member(other, "committee"),
        "outsider": make_member(other),
    }
    with app.app_context():
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == people["suspended_committee"].id)
            .values(status="suspended", suspended_until=utcnow() + timedelta(days=7))
        )
        db.session.commit()
    return {"community": community, "cid": community.id, **people}


def _shift(client_for, world):
    """A verified organisation's activity with one shift tomorrow (2 places): its id."""
    organiser = world["author"]
    made = client_for(organiser).post(
        f"/api/v1/communities/{world['cid']}/organisations",
        json={"name": "阳光志愿者协会", "kind": "volunteer_group", "description": "社区清洁、敬老院探访"},
    )
    assert made.status_code == 201, made.json
    oid = made.json["id"]
    assert client_for(world["committee"]).post(f"/api/v1/organisations/{oid}/verify").status_code == 200
    start = utcnow() + timedelta(days=1)
    activity = client_for(organiser).post(
        f"/api/v1/organisations/{oid}/activities",
        json={
            "title": "社区清洁日",
            "description": "清理绿地和楼道",
            "location": "中心花园",
            "skills": ["清洁"],
            "shifts": [
                {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(), "capacity": 2}
            ],
        },
    )
    assert activity.status_code == 201, activity.json
    return activity.json["shifts"][0]["id"]


def _project(client_for, world):
    """A project of `author`, submitted and collecting supports: its id."""
    author = client_for(world["author"])
    made = author.post(
        f"/api/v1/communities/{world['cid']}/projects",
        json={"title": "修好3号楼前的长椅", "summary": "长椅坏了两年，老人没地方歇脚。", "category": "facilities"},
    )
    assert made.status_code == 201, made.json
    assert author.post(f"/api/v1/projects/{made.json['id']}/submit").status_code == 200
    return made.json["id"]


def _aid_for(client, cid, resident_id, **body):
    payload = {"kind": "request", "category": "errands", "title": "帮忙买药", "body": "腿脚不便", **body}
    if resident_id is not None:
        payload["on_behalf_of"] = resident_id
    return client.post(f"/api/v1/communities/{cid}/aid", json=payload)


def _audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _export(client_for, user):
    return client_for(user).get("/api/v1/me/export").json


# --- aid ------------------------------------------------------------------------------------------------------


def test_a_grid_worker_asks_for_help_for_a_resident_and_the_post_says_so(app, client_for, world):
    answer = _aid_for(client_for(world["grid_worker"]), world["cid"], world["resident"].id, channel="phone")
    assert answer.status_code == 201, answer.json
    post = answer.json
    assert (post["author"]["id"], post["filed_on_behalf"], post["channel"]) == (world["resident"].id, True, "phone")
    seen = client_for(world["neighbour"]).get(f"/api/v1/aid/{post['id']}").json
    assert (seen["filed_on_behalf"], seen["channel"]) == (True, "phone")
    [entry] = _audit(app, "aid.filed_on_behalf")
    assert (entry.actor_id, entry.target_id, entry.after) == (
        world["grid_worker"].id,
        post["id"],
        {"author_id": world["resident"].id, "kind": "request", "channel": "phone"},
    )
    [mine] = _export(client_for, world["resident"])["aid"]["posts"]
    assert (mine["id"], mine["filed_by_id"], mine["channel"]) == (post["id"], world["grid_worker"].id, "phone")


def test_a_post_of_ones_own_is_not_on_behalf_and_takes_no_channel(client_for, world):
    own = _aid_for(client_for(world["resident"]), world["cid"], None)
    assert own.status_code == 201 and (own.json["filed_on_behalf"], own.json["channel"]) == (False, "app")
    claimed = _aid_for(client_for(world["resident"]), world["cid"], None, channel="hotline")
    assert claimed.status_code == 422 and "channel" in claimed.json["errors"]


def test_an_offer_filed_in_person_defaults_to_a_visit(client_for, world):
    answer = _aid_for(client_for(world["committee"]), world["cid"], world["resident"].id, kind="offer")
    assert answer.status_code == 201 and (answer.json["kind"], answer.json["channel"]) == ("offer", "visit")


# --- volunteering ---------------------------------------------------------------------------------------------


def test_the_committee_signs_a_resident_up_for_a_shift(app, client_for, world):
    sid = _shift(client_for, world)
    answer = client_for(world["committee"]).post(
        f"/api/v1/shifts/{sid}/signups", json={"on_behalf_of": world["resident"].id}
    )
    assert answer.status_code == 201, answer.json
    assert (answer.json["status"], answer.json["entered_by_id"]) == ("confirmed", world["committee"].id)
    listed = client_for(world["author"]).get(f"/api/v1/shifts/{sid}/signups").json["items"]
    assert [(s["user"]["id"], s["entered_by_id"]) for s in listed] == [(world["resident"].id, world["committee"].id)]
    again = client_for(world["resident"]).post(f"/api/v1/shifts/{sid}/signups")
    assert again.status_code == 409 and again.json["code"] == "volunteering.already_signed_up"
    [entry] = _audit(app, "volunteering.signed_up_on_behalf")
    assert (entry.actor_id, entry.target_id, entry.after["user_id"]) == (
        world["committee"].id,
        sid,
        world["resident"].id,
    )
    [mine] = _export(client_for, world["resident"])["volunteering"]["signups"]
    assert mine["entered_by_id"] == world["committee"].id


def test_signing_oneself_up_records_nobody_else(client_for, world):
    sid = _shift(client_for, world)
    answer = client_for(world["resident"]).post(f"/api/v1/shifts/{sid}/signups")
    assert answer.status_code == 201 and answer.json["entered_by_id"] is None


def _cancel_for(client, sid, resident_id):
    return client.delete(f"/api/v1/shifts/{sid}/signups/me?on_behalf_of={resident_id}")


def test_staff_cancel_a_residents_sign_up_at_their_word(app, client_for, world):
    """Can the committee cancel the shift it signed an elderly resident up for, when the resident asks? The place goes
    back, the audit log names both."""
    sid = _shift(client_for, world)
    committee = client_for(world["committee"])
    signup = committee.post(f"/api/v1/shifts/{sid}/signups", json={"on_behalf_of": world["resident"].id}).json
    answer = _cancel_for(committee, sid, world["resident"].id)
    assert answer.status_code == 204, answer.json
    with app.app_context():
        row = db.session.get(ShiftSignup, signup["id"])
        assert (row.user_id, row.status) == (world["resident"].id, "cancelled")
    [entry] = _audit(app, "volunteering.cancelled_on_behalf")
    assert (entry.actor_id, entry.target_id, entry.after) == (
        world["committee"].id,
        sid,
        {"user_id": world["resident"].id, "signup_id": signup["id"]},
    )
    again = _cancel_for(committee, sid, world["resident"].id)
    assert again.status_code == 404


def test_cancelling_for_a_resident_without_a_sign_up_leaves_the_neighbours_place(app, client_for, world):
    sid = _shift(client_for, world)
    client_for(world["neighbour"]).post(f"/api/v1/shifts/{sid}/signups")
    answer = _cancel_for(client_for(world["committee"]), sid, world["resident"].id)
    assert answer.status_code == 404
    assert _written(app) == (0, 1, 0)
    with app.app_context():
        assert db.session.scalar(select(ShiftSignup.status)) == "confirmed"
    assert not _audit(app, "volunteering.cancelled_on_behalf")


@pytest.mark.parametrize(
    "who, target, status",
    [
        ("neighbour", "resident", 403),
        ("other_grid_worker", "resident", 403),
        ("other_committee", "resident", 403),
        ("suspended_committee", "resident", 403),
        ("committee", "outsider", 404),
        ("committee", "invented", 404),
    ],
)
def test_who_may_not_cancel_a_sign_up_for_whom(app, client_for, world, who, target, status):
    sid = _shift(client_for, world)
    client_for(world["resident"]).post(f"/api/v1/shifts/{sid}/signups")
    target_id = {"resident": world["resident"].id, "outsider": world["outsider"].id, "invented": 2_000_000}[target]
    answer = _cancel_for(client_for(world[who]), sid, target_id)
    assert answer.status_code == status, answer.json
    with app.app_context():
        assert db.session.scalar(select(ShiftSignup.status)) == "confirmed"  # the resident's own place stands
    assert not _audit(app, "volunteering.cancelled_on_behalf")


def test_on_behalf_of_in_the_cancel_query_must_be_a_number(client_for, world):
    sid = _shift(client_for, world)
    answer = client_for(world["committee"]).delete(f"/api/v1/shifts/{sid}/signups/me?on_behalf_of=王阿姨")
    assert answer.status_code == 422 and "on_behalf_of" in answer.json["errors"]


# --- projects -------------------------------------------------------------------------------------------------


def test_a_grid_worker_records_a_residents_support_and_the_timeline_says_so(app, client_for, world):
    pid = _project(client_for, world)
    answer = client_for(world["grid_worker"]).post(
        f"/api/v1/projects/{pid}/supports", json={"on_behalf_of": world["resident"].id}
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["supports_count"] == 1
    events = client_for(world["neighbour"]).get(f"/api/v1/projects/{pid}/events").json["items"]
    [step] = [e for e in events if e["action"] == "support_on_behalf"]
    assert step["actor"]["id"] == world["grid_worker"].id
    # Supports are not public: the step names the staff member only, never the resident.
    assert step["note"] == "" and world["resident"].display_name not in str(step)
    with app.app_context():
        support = db.session.scalar(select(ProjectSupport).where(ProjectSupport.project_id == pid))
        assert (support.user_id, support.entered_by_id) == (world["resident"].id, world["grid_worker"].id)
    mine = client_for(world["resident"]).get(f"/api/v1/projects/{pid}").json
    assert mine["supported_by_me"] is True
    again = client_for(world["resident"]).post(f"/api/v1/projects/{pid}/supports")
    assert again.status_code == 409 and again.json["code"] == "project.already_supported"
    [entry] = _audit(app, "project.supported_on_behalf")
    assert (entry.actor_id, entry.target_id, entry.after) == (
        world["grid_worker"].id,
        pid,
        {"user_id": world["resident"].id},
    )
    [exported] = _export(client_for, world["resident"])["projects"]["supports"]
    assert exported["entered_by_id"] == world["grid_worker"].id


def test_staff_cannot_support_for_the_projects_own_author(client_for, world):
    pid = _project(client_for, world)
    answer = client_for(world["committee"]).post(
        f"/api/v1/projects/{pid}/supports", json={"on_behalf_of": world["author"].id}
    )
    assert answer.status_code == 403


def _withdraw_for(client, pid, resident_id):
    return client.delete(f"/api/v1/projects/{pid}/supports?on_behalf_of={resident_id}")


def test_staff_take_back_a_residents_support_at_their_word_and_the_timeline_says_so(app, client_for, world):
    """Can the grid worker who recorded an elderly resident's support take it back when the resident asks?"""
    pid = _project(client_for, world)
    worker = client_for(world["grid_worker"])
    worker.post(f"/api/v1/projects/{pid}/supports", json={"on_behalf_of": world["resident"].id})
    answer = _withdraw_for(worker, pid, world["resident"].id)
    assert answer.status_code == 200, answer.json
    assert answer.json["supports_count"] == 0
    assert client_for(world["resident"]).get(f"/api/v1/projects/{pid}").json["supported_by_me"] is False
    events = client_for(world["neighbour"]).get(f"/api/v1/projects/{pid}/events").json["items"]
    [step] = [e for e in events if e["action"] == "unsupport_on_behalf"]
    assert step["actor"]["id"] == world["grid_worker"].id and world["resident"].display_name not in str(step)
    [entry] = _audit(app, "project.unsupported_on_behalf")
    assert (entry.actor_id, entry.target_id, entry.after) == (
        world["grid_worker"].id,
        pid,
        {"user_id": world["resident"].id},
    )
    again = _withdraw_for(worker, pid, world["resident"].id)
    assert again.status_code == 409 and again.json["code"] == "project.not_supported"


def test_withdrawing_for_a_resident_who_never_supported_tells_nothing_more(app, client_for, world):
    """Staff act on the resident's word: trying a project the resident never supported is a plain 409, and the
    neighbour's support next to it stays."""
    pid = _project(client_for, world)
    client_for(world["neighbour"]).post(f"/api/v1/projects/{pid}/supports")
    answer = _withdraw_for(client_for(world["committee"]), pid, world["resident"].id)
    assert answer.status_code == 409 and answer.json["code"] == "project.not_supported"
    assert _written(app) == (0, 0, 1)
    assert not _audit(app, "project.unsupported_on_behalf")


@pytest.mark.parametrize(
    "who, target, status",
    [
        ("neighbour", "resident", 403),
        ("other_grid_worker", "resident", 403),
        ("other_committee", "resident", 403),
        ("suspended_committee", "resident", 403),
        ("committee", "outsider", 404),
        ("committee", "invented", 404),
    ],
)
def test_who_may_not_take_a_support_back_for_whom(app, client_for, world, who, target, status):
    pid = _project(client_for, world)
    client_for(world["resident"]).post(f"/api/v1/projects/{pid}/supports")
    target_id = {"resident": world["resident"].id, "outsider": world["outsider"].id, "invented": 2_000_000}[target]
    answer = _withdraw_for(client_for(world[who]), pid, target_id)
    assert answer.status_code == status, answer.json
    assert _written(app) == (0, 0, 1)  # the resident's own support stands
    assert not _audit(app, "project.unsupported_on_behalf")


def test_on_behalf_of_in_the_query_must_be_a_number(client_for, world):
    pid = _project(client_for, world)
    answer = client_for(world["committee"]).delete(f"/api/v1/projects/{pid}/supports?on_behalf_of=王阿姨")
    assert answer.status_code == 422 and "on_behalf_of" in answer.json["errors"]


# --- who may not act for whom, on each action -------------------------------------------------------------------


def _act(client_for, world, action, who, target_id):
    client = client_for(world[who])
    if action == "aid":
        return _aid_for(client, world["cid"], target_id, channel="phone")
    if action == "shift":
        sid = _shift(client_for, world)
        return client.post(f"/api/v1/shifts/{sid}/signups", json={"on_behalf_of": target_id})
    pid = _project(client_for, world)
    return client.post(f"/api/v1/projects/{pid}/supports", json={"on_behalf_of": target_id})


def _written(app):
    """Rows an on-behalf action could have left: aid posts, sign-ups, supports (the setup writes none of them)."""
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m)) for m in (AidPost, ShiftSignup, ProjectSupport)
        )


@pytest.mark.parametrize("action", ["aid", "shift", "project"])
@pytest.mark.parametrize(
    "who, target, status",
    [
        ("neighbour", "resident", 403),  # a plain resident acting for a neighbour
        ("other_grid_worker", "resident", 403),  # a grid worker for a resident of another grid
        ("other_committee", "resident", 403),  # staff of another community
        ("suspended_committee", "resident", 403),  # suspended staff
        ("committee", "outsider", 404),  # a resident of another community
        ("committee", "invented", 404),  # an account that does not exist
        ("committee", "self", 404),  # "on behalf of" oneself
    ],
)
def test_who_may_not_act_for_whom(app, client_for, world, action, who, target, status):
    target_id = {"resident": world["resident"].id, "outsider": world["outsider"].id, "invented": 2_000_000}.get(
        target, world[who].id
    )
    answer = _act(client_for, world, action, who, target_id)
    assert answer.status_code == status, answer.json
    assert _written(app) == (0, 0, 0)
    with app.app_context():
        on_behalf_steps = select(func.count()).where(ProjectEvent.action == "support_on_behalf")
        assert db.session.scalar(on_behalf_steps) == 0
    with app.app_context():
        assert not db.session.scalar(select(func.count()).where(AuditEntry.action.like("%on_behalf")))


@pytest.mark.parametrize("action", ["aid", "shift", "project"])
def test_on_behalf_of_must_be_a_number(client_for, world, action):
    answer = _act(client_for, world, action, "committee", "王阿姨")
    assert answer.status_code == 422 and "on_behalf_of" in answer.json["errors"]
