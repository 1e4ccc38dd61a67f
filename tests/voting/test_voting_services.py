"""Service-level rules: closing job and CLI, eligibility counts, and the projects a poll decides."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from backend.extensions import db
from tests.voting.conftest import poll_body


def test_close_job_freezes_every_due_poll_once(app, town, new_poll, vote, end_poll):
    from backend.voting.models import Poll
    from backend.voting.services import close_due_polls

    due, running = new_poll("yes_no"), new_poll("yes_no")
    vote(town.residents[0], due)
    end_poll(due["id"], closed=False)
    with app.app_context():
        assert close_due_polls() == 1
        db.session.commit()
        assert close_due_polls() == 0
        frozen = db.session.get(Poll, due["id"])
        assert frozen.state == "closed" and frozen.results["voters"] == 1 and frozen.eligible_count == 5
        assert db.session.get(Poll, running["id"]).results is None


def test_flask_jobs_run_close_polls(app, new_poll, end_poll):
    poll = new_poll("single")
    end_poll(poll["id"], closed=False)
    result = app.test_cli_runner().invoke(args=["jobs", "run", "close-polls"])
    assert result.exit_code == 0 and result.output == "close-polls: 1\n"


def test_listing_a_due_poll_queues_its_close(app, town, new_poll, end_poll, client_for):
    from backend.voting.models import Poll

    poll = new_poll("yes_no")
    end_poll(poll["id"], closed=False)
    listed = client_for().get(f"/api/v1/communities/{town.cid}/polls").json["items"]
    assert listed[0]["status"] == "closed"
    with app.app_context():  # JOBS_INLINE: the job ran after the list request's commit
        assert db.session.get(Poll, poll["id"]).results is not None


def test_reading_a_due_poll_shows_it_closed_and_counting_and_writes_nothing(
    app, town, new_poll, vote, end_poll, client_for, monkeypatch
):
    """Between the window's end and the close job, a read shows a closed poll whose results are being
    counted, and asks for the job instead of closing the poll itself."""
    from backend import jobs
    from backend.voting.models import Poll

    poll = new_poll("yes_no")
    vote(town.residents[0], poll)
    end_poll(poll["id"], closed=False)
    asked = []
    monkeypatch.setattr(jobs, "enqueue", lambda func, *args, **kwargs: asked.append(func.__name__))
    seen = client_for(town.residents[1]).get(f"/api/v1/polls/{poll['id']}").json
    assert (seen["status"], seen["results_available"], seen["can"]) == ("closed", False, {"vote": False})
    results = client_for().get(f"/api/v1/polls/{poll['id']}/results")
    assert results.status_code == 409 and results.json["reason"] == "counting"
    with app.app_context():
        assert db.session.get(Poll, poll["id"]).state == "active"  # nothing written by the reads
    assert asked == ["close_due_polls"]  # asked by the read that answered (a 409 rolls back what it queued)


def test_household_polls_count_households_not_people(app, town, make_member, new_poll, client_for):
    for _ in range(3):
        make_member(town.community, household=("2", "1", "808"))
    poll = new_poll("yes_no", eligibility="household")
    seen = client_for(town.committee).get(f"/api/v1/polls/{poll['id']}").json
    assert seen["turnout"]["eligible"] == 6  # 5 own households + one shared by three people


# --- the projects a poll decides -------------------------------------------------------------------


@pytest.fixture
def ready_projects(app, town):
    """ready_projects(n, budgets) -> ids of accepted projects ready for a poll (built by the projects domain)."""
    projects_services = pytest.importorskip("backend.projects.services")
    from backend.accounts.models import User
    from backend.projects.models import Project

    def make(budgets: list[int]) -> list[int]:
        ids = []
        with app.app_context():
            author = db.session.get(User, town.residents[0].id)
            for index, budget in enumerate(budgets):
                project = projects_services.create_project(
                    author, town.cid, title=f"微项目{index}", category="facilities", budget_cents=budget, submit=True
                )
                ids.append(project.id)
            # review is the projects domain's business: skip straight to "accepted, ready for a poll"
            db.session.execute(update(Project).where(Project.id.in_(ids)).values(status="ready"))
            db.session.commit()
        return ids

    return make


def _status_of(app, project_ids):
    from backend.projects.models import Project

    with app.app_context():
        return [db.session.get(Project, pid).status for pid in project_ids]


@pytest.mark.parametrize("choices, outcome", [(["yes", "yes", "no"], "approved"), (["yes", "no"], "rejected")])
def test_a_yes_no_poll_decides_its_project(
    app, town, ready_projects, new_poll, vote, end_poll, client_for, choices, outcome
):
    [project_id] = ready_projects([500_00])
    poll = new_poll("yes_no", project_id=project_id)
    assert _status_of(app, [project_id]) == ["voting"]
    for resident, choice in zip(town.residents, choices, strict=False):
        vote(resident, poll, {"choice": choice})
    end_poll(poll["id"])
    client_for().get(f"/api/v1/polls/{poll['id']}")
    assert _status_of(app, [project_id]) == [outcome]


def test_a_budget_poll_approves_funded_projects_and_rejects_the_rest(
    app, town, ready_projects, client_for, vote, end_poll
):
    lamps, ramp, benches = ready_projects([3000_00, 5000_00, 4000_00])
    body = poll_body(
        "budget",
        budget_cents=8000_00,
        options=[{"project_id": lamps}, {"project_id": ramp}, {"project_id": benches, "label": "长椅（改）"}],
    )
    response = client_for(town.committee).post(f"/api/v1/communities/{town.cid}/polls", json=body)
    assert response.status_code == 201, response.json
    poll = response.json
    assert [o["cost_cents"] for o in poll["options"]] == [3000_00, 5000_00, 4000_00]
    assert [o["label"] for o in poll["options"]] == ["微项目0", "微项目1", "长椅（改）"]
    ids = [o["id"] for o in poll["options"]]
    for resident in town.residents[:3]:
        vote(resident, poll, {"option_ids": ids[:2]})
    vote(town.residents[3], poll, {"option_ids": [ids[2]]})
    end_poll(poll["id"])
    results = client_for().get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["funded_projects"] == [lamps, ramp] and results["money_used_cents"] == 8000_00
    assert _status_of(app, [lamps, ramp, benches]) == ["approved", "approved", "rejected"]


def test_a_project_not_ready_cannot_be_put_to_a_vote(app, town, ready_projects, client_for):
    [project_id] = ready_projects([100_00])
    from backend.projects.models import Project

    with app.app_context():
        db.session.execute(update(Project).where(Project.id == project_id).values(status="submitted"))
        db.session.commit()
    response = client_for(town.committee).post(
        f"/api/v1/communities/{town.cid}/polls", json=poll_body("yes_no", project_id=project_id)
    )
    assert response.status_code == 422 and "options" in response.json["errors"]


def test_cancelling_a_project_poll_before_it_opens_frees_the_project_for_another(app, town, ready_projects, client_for):
    from datetime import timedelta

    from backend.core.db import utcnow

    [project_id] = ready_projects([100_00])
    committee = client_for(town.committee)
    body = poll_body("yes_no", project_id=project_id, opens_at=(utcnow() + timedelta(days=1)).isoformat())
    poll = committee.post(f"/api/v1/communities/{town.cid}/polls", json=body).json
    assert committee.get(f"/api/v1/projects/{project_id}").json["status"] == "voting"
    response = committee.post(f"/api/v1/polls/{poll['id']}/close", json={"reason": "日期定错了"})
    assert response.status_code == 200 and response.json["status"] == "closed"
    assert committee.get(f"/api/v1/projects/{project_id}").json["status"] == "ready"
    again = committee.post(f"/api/v1/communities/{town.cid}/polls", json=body)
    assert again.status_code == 201


def test_quorum_missed_rejects_the_budget_projects(app, town, ready_projects, client_for, vote, end_poll):
    a, b = ready_projects([100_00, 100_00])
    body = poll_body("budget", budget_cents=1000_00, quorum=0.5, options=[{"project_id": a}, {"project_id": b}])
    poll = client_for(town.committee).post(f"/api/v1/communities/{town.cid}/polls", json=body).json
    vote(town.residents[0], poll, {"option_ids": [poll["options"][0]["id"]]})
    end_poll(poll["id"])
    assert client_for().get(f"/api/v1/polls/{poll['id']}/results").json["quorum_met"] is False
    assert _status_of(app, [a, b]) == ["rejected", "rejected"]


def test_service_refuses_anonymous_and_non_committee(app, town):
    from flask_login import AnonymousUserMixin

    from backend.accounts.models import User
    from backend.core.errors import AuthRequired, Forbidden
    from backend.voting import services

    with app.app_context():
        body = {k: v for k, v in poll_body("single").items()}
        from datetime import datetime

        body["opens_at"] = datetime.fromisoformat(body["opens_at"])
        body["closes_at"] = datetime.fromisoformat(body["closes_at"])
        with pytest.raises(AuthRequired):
            services.create_poll(AnonymousUserMixin(), town.cid, **body)
        with pytest.raises(Forbidden):
            services.create_poll(db.session.get(User, town.residents[0].id), town.cid, **body)
        assert db.session.scalars(select(User)).first() is not None


def test_voters_who_have_not_voted_are_reminded_once_a_day_before_the_close(app, town, new_poll, vote):
    from datetime import timedelta

    from backend.core.db import utcnow
    from backend.notifications.models import Notification
    from backend.voting.services import remind_closing_polls

    soon = new_poll("yes_no", closes_at=(utcnow() + timedelta(hours=5)).isoformat())
    new_poll("yes_no")  # closes in three days: not yet
    vote(town.residents[0], soon)
    with app.app_context():
        assert remind_closing_polls() == 1
        db.session.commit()
        assert remind_closing_polls() == 0
        db.session.commit()
        told = list(db.session.scalars(select(Notification.user_id).where(Notification.kind == "poll_closing_soon")))
    assert sorted(told) == sorted([town.committee.id] + [r.id for r in town.residents[1:]])
