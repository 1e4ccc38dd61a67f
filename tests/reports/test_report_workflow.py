"""Handling: every action × role, the state machine, rejection reasons, confirm, reopen, still broken."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.reports.models import REPORT_STATES, STATUSES, Report
from backend.reports.services import ACTIONS
from tests.reports.conftest import IN_EAST
from tests.uploads.test_uploads import jpeg_bytes, post_file

ROLES = ("committee", "worker", "other_worker", "reporter", "neighbour", "visitor")
# Who may move a report in grid 1 (its grid worker is `worker`).
ALLOWED = {
    "committee": True,
    "worker": True,
    "other_worker": False,
    "reporter": False,
    "neighbour": False,
    "visitor": False,
}
# A body that makes each action valid from the state it is tried in.
SETUP = {"accept": [], "start": ["accept"], "resolve": ["accept", "start"], "reject": []}


def _actor(place, make_member, role):
    if role == "other_worker":
        return make_member(place.community, "grid_worker", grid=1)
    return None if role == "visitor" else getattr(place, role)


def _put(app, rid, **values):
    with app.app_context():
        report = db.session.get(Report, rid)
        for key, value in values.items():
            setattr(report, key, value)
        db.session.commit()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["accept", "start", "resolve", "reject"])
def test_each_action_by_each_role(place, make_member, new_report, act, role, action):
    report = new_report()
    for step in SETUP[action]:
        assert act(place.committee, report["id"], step).status_code == 200
    body = {"reason": "cannot_reproduce", "note": "现场查看路灯正常"} if action == "reject" else {"note": "收到"}
    response = act(_actor(place, make_member, role), report["id"], action, **body)
    if ALLOWED[role]:
        assert response.status_code == 200, response.json
        assert response.json["status"] == REPORT_STATES.target(action)
        assert response.json["events"][-1]["action"] == action
    else:
        assert response.status_code == (401 if role == "visitor" else 403)


@pytest.mark.parametrize(
    "role, assignee, status",
    [
        ("committee", "other_worker", 200),  # committee assigns anyone on staff
        ("worker", "worker_2_same_grid", 200),  # a grid worker hands on within their grid
        ("worker", "other_worker", 403),  # ... but not outside it
        ("worker", "neighbour", 422),  # residents are not staff
        ("reporter", "worker", 403),
    ],
)
def test_assign_by_role(app, place, make_member, new_report, act, role, assignee, status):
    report = new_report()
    people = {
        "other_worker": make_member(place.community, "grid_worker", grid=1),
        "worker_2_same_grid": make_member(place.community, "grid_worker", grid=0, display_name="第二位网格员"),
        "neighbour": place.neighbour,
        "worker": place.worker,
    }
    with app.app_context():  # the second grid-1 worker is a member of grid 1 but the grid stays with `worker`
        from backend.communities.models import Grid

        db.session.get(Grid, place.grid1).responsible_user_id = place.worker.id
        db.session.commit()
    response = act(getattr(place, role), report["id"], "assign", assignee_id=people[assignee].id, note="请跟进")
    assert response.status_code == status, response.json
    if status == 200:
        assert response.json["status"] == "assigned"
        assert response.json["assignee"]["id"] == people[assignee].id


def test_the_assignee_may_act_although_not_responsible_for_the_grid(place, make_member, new_report, act):
    helper = make_member(place.community, "grid_worker", grid=1)
    report = new_report()
    act(place.committee, report["id"], "assign", assignee_id=helper.id)
    assert act(helper, report["id"], "start").json["status"] == "in_progress"


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ["accept", "assign", "start", "resolve", "reject"])
def test_the_state_machine_allows_only_its_transitions(app, place, new_report, act, status, action):
    report = new_report()
    _put(app, report["id"], status=status)
    body = {"assignee_id": place.worker.id} if action == "assign" else {}
    if action == "reject":
        body = {"reason": "cannot_reproduce"}
    response = act(place.committee, report["id"], action, **body)
    if status in REPORT_STATES.sources(action):
        assert response.status_code == 200, response.json
    else:
        assert response.status_code == 409 and response.json["code"] == "report.invalid_transition"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "reason"),
        ({"reason": "duplicate"}, "duplicate_of_id"),
        ({"reason": "duplicate", "duplicate_of_id": 999_999}, "duplicate_of_id"),
        ({"reason": "not_our_responsibility"}, "redirect_to"),
        ({"reason": "because"}, "reason"),
    ],
)
def test_a_rejection_needs_its_reason_and_details(place, new_report, act, body, field):
    response = act(place.committee, new_report()["id"], "reject", **body)
    assert response.status_code == 422 and field in response.json["errors"]


def test_rejections_carry_where_to_go_or_the_original(place, new_report, act):
    original, copy, elsewhere = new_report(), new_report(), new_report(category="parking")
    dup = act(place.worker, copy["id"], "reject", reason="duplicate", duplicate_of_id=original["id"]).json
    assert (dup["status"], dup["reject_reason"], dup["duplicate_of_id"]) == ("rejected", "duplicate", original["id"])
    away = act(
        place.committee,
        elsewhere["id"],
        "reject",
        reason="not_our_responsibility",
        redirect_to="市政道路请拨打 12345 市民热线",
    ).json
    assert away["redirect_to"] == "市政道路请拨打 12345 市民热线"


def test_committee_actions_are_audited(app, place, new_report, act):
    report = new_report()
    act(place.committee, report["id"], "reject", reason="cannot_reproduce", note="现场正常")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.reject"))
        assert entry.target_id == report["id"] and entry.after["status"] == "rejected"


def test_staff_are_named_on_the_timeline_and_resolve_photos_show(client_for, place, new_report, act):
    report = new_report()
    act(place.worker, report["id"], "accept", note="已收到，今天下午去看")
    photo = post_file(client_for(place.worker), jpeg_bytes()).json
    act(place.worker, report["id"], "resolve", note="已更换灯泡", photo_ids=[photo["id"]])
    events = client_for().get(f"/api/v1/reports/{report['id']}").json["events"]
    assert [e["action"] for e in events] == ["submitted", "accept", "resolve"]
    assert events[1]["actor"]["display_name"] == "李网格员" and events[1]["actor_role"] == "grid_worker"
    assert [p["id"] for p in events[2]["photos"]] == [photo["id"]]


def test_photos_only_go_with_resolve(client_for, place, new_report, act):
    photo = post_file(client_for(place.worker), jpeg_bytes()).json
    response = act(place.worker, new_report()["id"], "accept", photo_ids=[photo["id"]])
    assert response.status_code == 422


def _resolved(place, new_report, act, **body):
    report = new_report(**body)
    act(place.committee, report["id"], "accept")
    act(place.committee, report["id"], "resolve", note="已修复")
    return report


def test_the_reporter_confirms_with_stars(client_for, place, new_report, act):
    report = _resolved(place, new_report, act)
    url = f"/api/v1/reports/{report['id']}/confirm"
    assert client_for(place.neighbour).post(url, json={"stars": 5}).status_code == 403
    done = client_for(place.reporter).post(url, json={"stars": 4, "comment": "修得很快，谢谢！"}).json
    assert (done["status"], done["rating_stars"], done["is_confirmed_by_default"]) == ("confirmed", 4, False)
    assert client_for(place.reporter).post(url, json={"stars": 4}).status_code == 409


@pytest.mark.parametrize(
    "body", [{}, {"stars": 0}, {"stars": 6}, {"reopen": True}, {"reopen": True, "stars": 3, "comment": "x"}]
)
def test_confirm_needs_stars_or_a_reopen_with_a_comment(client_for, place, new_report, act, body):
    report = _resolved(place, new_report, act)
    assert client_for(place.reporter).post(f"/api/v1/reports/{report['id']}/confirm", json=body).status_code == 422


def test_the_reporter_reopens_and_it_goes_back_to_be_handled(client_for, place, new_report, act):
    report = _resolved(place, new_report, act)
    reopened = (
        client_for(place.reporter)
        .post(f"/api/v1/reports/{report['id']}/confirm", json={"reopen": True, "comment": "晚上还是不亮"})
        .json
    )
    assert (reopened["status"], reopened["reopen_count"]) == ("reopened", 1)
    assert act(place.worker, report["id"], "start").json["status"] == "in_progress"


def test_still_broken_reopens_once_for_followers_within_30_days(app, client_for, place, new_report, act):
    report = _resolved(place, new_report, act)
    client_for(place.neighbour).post(f"/api/v1/reports/{report['id']}/me-too")
    url = f"/api/v1/reports/{report['id']}/still-broken"
    assert client_for(place.other).post(url, json={"comment": "没修好"}).status_code == 403  # not a follower
    first = client_for(place.neighbour).post(url, json={"comment": "修好两天又坏了"})
    assert first.status_code == 200 and first.json["status"] == "reopened" and first.json["reopen_count"] == 1
    assert first.json["events"][-1]["action"] == "still_broken"
    act(place.worker, report["id"], "resolve")
    again = client_for(place.reporter).post(url, json={"comment": "还是坏的"})
    assert again.status_code == 409 and again.json["code"] == "report.already_reopened_once"


def test_still_broken_works_on_confirmed_but_not_after_30_days(app, client_for, place, new_report, act):
    report = _resolved(place, new_report, act)
    client_for(place.reporter).post(f"/api/v1/reports/{report['id']}/confirm", json={"stars": 5})
    url = f"/api/v1/reports/{report['id']}/still-broken"
    with app.app_context():
        resolved_at = db.session.get(Report, report["id"]).resolved_at
    _put(app, report["id"], resolved_at=resolved_at - timedelta(days=31))
    assert client_for(place.reporter).post(url, json={"comment": "坏了"}).json["code"] == "report.still_broken_too_late"
    _put(app, report["id"], resolved_at=resolved_at)
    assert client_for(place.reporter).post(url, json={"comment": "坏了"}).json["status"] == "reopened"


def test_can_tells_the_pwa_which_buttons_to_show(client_for, place, new_report, act):
    report = new_report(lat=IN_EAST[0], lng=IN_EAST[1])  # grid 2: not the worker's grid

    def allowed(user) -> set[str]:
        can = client_for(user).get(f"/api/v1/reports/{report['id']}").json["can"]
        assert set(can) == set(ACTIONS) and all(isinstance(v, bool) for v in can.values())
        return {action for action, yes in can.items() if yes}

    assert allowed(place.committee) >= {"accept", "assign", "reject"}
    assert allowed(place.worker) == {"me_too"}
    assert allowed(place.reporter) == set()
    assert allowed(None) == set()
