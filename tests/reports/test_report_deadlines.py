"""Deadlines: computed at creation per category and community; the sweep escalates once and closes by default."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.communities.models import Community
from backend.core.db import commit
from backend.extensions import db
from backend.notifications.models import Notification
from backend.reports import services
from backend.reports.categories import DEFAULT_SLA, deadline_for
from backend.reports.models import Report, ReportEvent
from tests.reports.conftest import shift


def _due_spans(report):
    from datetime import datetime

    created = datetime.fromisoformat(report["created_at"])
    return (
        datetime.fromisoformat(report["response_due_at"]) - created,
        datetime.fromisoformat(report["resolve_due_at"]) - created,
    )


@pytest.mark.parametrize(
    "category, accept, resolve",
    [
        ("safety_hazard", timedelta(hours=2), timedelta(days=1)),
        ("street_lights", timedelta(hours=24), timedelta(days=3)),
        ("greenery", timedelta(hours=48), timedelta(days=7)),
    ],
)
def test_due_times_follow_the_category_default(new_report, category, accept, resolve):
    assert _due_spans(new_report(category=category)) == (accept, resolve)


def test_every_default_category_has_a_sane_deadline():
    for category, (hours, days) in DEFAULT_SLA.items():
        assert 0 < hours <= 48 and 0 < days <= 7 and hours <= days * 24, category


def test_a_community_overrides_a_deadline_and_bad_values_fall_back(app, place, new_report):
    with app.app_context():
        db.session.get(Community, place.cid).settings = {
            "report_sla": {
                "street_lights": {"accept_hours": 4, "resolve_days": 2},
                "rubbish": {"accept_hours": -1, "resolve_days": "soon"},
            }
        }
        db.session.commit()
        community = db.session.get(Community, place.cid)
        assert deadline_for(community, "rubbish").accept_hours == DEFAULT_SLA["rubbish"][0]
    assert _due_spans(new_report()) == (timedelta(hours=4), timedelta(days=2))


def _escalations(app):
    with app.app_context():
        events = db.session.scalar(
            select(func.count()).select_from(ReportEvent).where(ReportEvent.action == "escalated")
        )
        pushes = db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.kind == "report_escalated")
        )
        return events, pushes


def _sweep(app, now):
    with app.app_context():
        result = services.sla_sweep(now)
        commit()
        return result


def test_the_sweep_escalates_an_overdue_report_once(app, client_for, place, new_report):
    report = new_report(category="safety_hazard", description="井盖松动，有人差点踩空")
    assert _sweep(app, shift(hours=1))["escalated"] == 0  # not late yet
    assert _sweep(app, shift(hours=3))["escalated"] == 1  # missed the 2-hour response deadline
    assert _sweep(app, shift(hours=4))["escalated"] == 0  # twice = one escalation
    assert _escalations(app) == (1, 2)  # one event; the committee member and the grid worker told
    shown = client_for().get(f"/api/v1/reports/{report['id']}").json
    assert shown["escalated_at"] is not None
    assert shown["events"][-1]["actor_role"] == "system" and shown["events"][-1]["note"] == "response"


def test_two_sweeps_at_once_escalate_once(app, place, new_report):
    for _ in range(5):
        new_report(category="safety_hazard")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                results.append(services.sla_sweep(shift(hours=3)))
                commit()
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert sum(r["escalated"] for r in results) == 5
    assert _escalations(app)[0] == 5


def test_an_accepted_report_is_escalated_when_it_misses_the_resolve_deadline(app, place, new_report, act):
    report = new_report(category="street_lights")
    act(place.worker, report["id"], "accept")
    assert _sweep(app, shift(hours=30))["escalated"] == 0  # accepted in time; 3 days to resolve
    assert _sweep(app, shift(days=4))["escalated"] == 1


def test_overdue_filter_and_the_workers_queue_put_the_late_first(app, client_for, place, new_report, act):
    calm = new_report(category="greenery", description="草坪需要修剪")
    urgent = new_report(category="safety_hazard", description="井盖松动")
    with app.app_context():  # make the hazard late already
        row = db.session.get(Report, urgent["id"])
        row.response_due_at = row.next_due_at = shift(hours=-1)
        db.session.commit()
    board = f"/api/v1/communities/{place.cid}/reports"
    late = client_for().get(board, query_string={"overdue": "true"}).json["items"]
    assert [r["id"] for r in late] == [urgent["id"]] and late[0]["is_overdue"] is True
    queue = client_for(place.worker).get(board, query_string={"assigned_to": "me"}).json["items"]
    assert [r["id"] for r in queue] == [urgent["id"], calm["id"]]
    act(place.worker, urgent["id"], "reject", reason="cannot_reproduce")
    queue = client_for(place.worker).get(board, query_string={"assigned_to": "me"}).json["items"]
    assert [r["id"] for r in queue] == [calm["id"]]


def test_resolved_reports_close_as_confirmed_by_default_after_a_week(app, client_for, place, new_report, act):
    report = new_report()
    act(place.worker, report["id"], "accept")
    act(place.worker, report["id"], "resolve")
    assert _sweep(app, shift(days=6))["confirmed_by_default"] == 0
    assert _sweep(app, shift(days=8))["confirmed_by_default"] == 1
    assert _sweep(app, shift(days=9))["confirmed_by_default"] == 0
    shown = client_for().get(f"/api/v1/reports/{report['id']}").json
    assert (shown["status"], shown["is_confirmed_by_default"], shown["rating_stars"]) == ("confirmed", True, None)


def test_flask_jobs_run_sla_sweep_runs_the_sweep_and_commits(app, place, new_report):
    new_report(category="safety_hazard")
    with app.app_context():
        db.session.execute(db.update(Report).values(next_due_at=shift(hours=-1)))
        db.session.commit()
    runner = app.test_cli_runner()
    assert "'escalated': 1," in runner.invoke(args=["jobs", "run", "sla-sweep"]).output
    assert "'escalated': 0," in runner.invoke(args=["jobs", "run", "sla-sweep"]).output
