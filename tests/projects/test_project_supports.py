"""Supports: one per person, withdrawable, counted in SQL; the goal moves a project to review exactly once."""

import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from backend.core.db import utcnow
from backend.extensions import db
from backend.projects.models import Project, ProjectEvent, ProjectSupport


def support(client, project_id):
    return client.post(f"/api/v1/projects/{project_id}/supports")


def test_supports_are_one_per_person_and_can_be_taken_back(make_project, as_role):
    project_id = make_project("submitted")
    resident = as_role("resident")
    first = support(resident, project_id)
    assert first.status_code == 201
    assert first.json["supports_count"] == 1 and first.json["supported_by_me"] is True
    again = support(resident, project_id)
    assert again.status_code == 409 and again.json["code"] == "project.already_supported"
    back = resident.delete(f"/api/v1/projects/{project_id}/supports")
    assert back.status_code == 200 and back.json["supports_count"] == 0 and back.json["supported_by_me"] is False
    twice = resident.delete(f"/api/v1/projects/{project_id}/supports")
    assert twice.status_code == 409 and twice.json["code"] == "project.not_supported"


def test_reaching_the_goal_moves_the_project_to_review_by_itself(
    app, make_project, as_role, world, make_member, client_for
):
    project_id = make_project("submitted")
    supporters = [as_role("resident"), as_role("grid_worker")]
    for client in supporters:
        assert support(client, project_id).json["status"] == "submitted"
    last = support(as_role("committee"), project_id)
    assert last.json["status"] == "in_review" and last.json["supports_count"] == 3
    assert last.json["closes_at"] is None
    with app.app_context():
        event = db.session.scalar(
            select(ProjectEvent).where(ProjectEvent.project_id == project_id, ProjectEvent.action == "reach_threshold")
        )
        assert event.actor_id is None and (event.from_status, event.to_status) == ("submitted", "in_review")
    late = support(client_for(make_member(world.community)), project_id)
    assert late.status_code == 409 and late.json["code"] == "project.not_open_for_support"


def test_the_support_window_closes(app, make_project, as_role):
    project_id = make_project("submitted")
    with app.app_context():
        db.session.execute(
            update(Project).where(Project.id == project_id).values(closes_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    response = support(as_role("resident"), project_id)
    assert response.status_code == 409 and response.json["code"] == "project.support_window_closed"


def test_default_goal_is_two_percent_of_verified_households_at_least_five(app, make_community, make_member):
    from backend.communities.models import Community
    from backend.projects.services import support_threshold

    small = make_community()
    for _ in range(3):
        make_member(small)
    make_member(small, status="pending")
    with app.app_context():
        assert support_threshold(db.session.get(Community, small.id)) == 5
        configured = db.session.get(Community, small.id)
        configured.settings = {"project_support_threshold": 12}
        assert support_threshold(configured) == 12


def test_default_goal_grows_with_the_community(app, make_community, make_member, monkeypatch):
    from backend.communities.models import Community
    from backend.projects import services

    community = make_community()
    monkeypatch.setattr(services.communities, "verified_household_count", lambda community_id: 3_201)
    with app.app_context():
        assert services.support_threshold(db.session.get(Community, community.id)) == 65  # ceil(64.02)


def _race(clients, project_id):
    """Fire one support per client at the same moment; returns the responses."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def go(index, client):
        barrier.wait()
        responses[index] = support(client, project_id)

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_two_last_supports_at_once_cause_one_transition(app, make_project, as_role, world, make_member, client_for):
    project_id = make_project("submitted")
    assert support(as_role("resident"), project_id).status_code == 201
    assert support(as_role("grid_worker"), project_id).status_code == 201  # one short of the goal of 3
    last_two = [client_for(make_member(world.community)) for _ in range(2)]
    responses = _race(last_two, project_id)
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409], [r.json for r in responses]
    assert [r.json["code"] for r in responses if r.status_code == 409] == ["project.not_open_for_support"]
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert project.status == "in_review" and project.supports_count == 3
        assert (
            db.session.scalar(
                select(func.count()).select_from(ProjectSupport).where(ProjectSupport.project_id == project_id)
            )
            == 3
        )
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(ProjectEvent)
                .where(ProjectEvent.project_id == project_id, ProjectEvent.action == "reach_threshold")
            )
            == 1
        )


def test_many_simultaneous_supports_stop_exactly_at_the_goal(app, make_project, world, make_member, client_for):
    project_id = make_project("submitted")
    crowd = [client_for(make_member(world.community)) for _ in range(8)]
    responses = _race(crowd, project_id)
    assert sorted(r.status_code for r in responses) == [201] * 3 + [409] * 5
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert (project.status, project.supports_count) == ("in_review", 3)
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(ProjectEvent)
                .where(ProjectEvent.project_id == project_id, ProjectEvent.action == "reach_threshold")
            )
            == 1
        )


def test_the_same_person_racing_themselves_supports_once(app, make_project, world, make_member, client_for):
    project_id = make_project("submitted")
    person = make_member(world.community)
    responses = _race([client_for(person) for _ in range(4)], project_id)
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    with app.app_context():
        assert db.session.get(Project, project_id).supports_count == 1
