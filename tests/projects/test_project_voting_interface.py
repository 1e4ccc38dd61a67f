"""The functions the voting domain calls: get_project, projects_ready_for_poll, mark_voting, apply_poll_outcome."""

from datetime import timedelta

import pytest

from backend.core.db import utcnow
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.states import InvalidTransition
from backend.projects import services


def test_get_project_raises_not_found(ctx):
    with pytest.raises(NotFound):
        services.get_project(123456)


def test_ready_projects_are_returned_in_the_order_given(app, make_project, world):
    first, second = make_project("ready", title="屋顶菜园"), make_project("ready", title="楼道照明")
    with app.app_context():
        projects = services.projects_ready_for_poll(world.community.id, [second, first])
        assert [p.id for p in projects] == [second, first]


def test_projects_not_ready_or_elsewhere_are_named_in_options_errors(app, make_project, world, make_community):
    ready = make_project("ready")
    in_review = make_project("in_review")
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            services.projects_ready_for_poll(world.community.id, [ready, in_review, 999999, ready])
        messages = refused.value.errors["options"]
        assert len(messages) == 3
        assert "not ready" in messages[0] and "not a project of this community" in messages[1]
        assert "twice" in messages[2]
        with pytest.raises(ValidationFailed):
            services.projects_ready_for_poll(world.other.id, [ready])
        with pytest.raises(ValidationFailed):
            services.projects_ready_for_poll(world.community.id, [])


def test_mark_voting_then_outcome_with_system_events(app, make_project, world):
    from backend.core.db import commit

    approved_id, rejected_id = make_project("ready"), make_project("ready", title="儿童游乐区围栏")
    closes = utcnow() + timedelta(days=7)
    with app.app_context():
        services.mark_voting([approved_id, rejected_id], 77, closes_at=closes)
        assert services.get_project(approved_id).closes_at == closes
        services.apply_poll_outcome(approved_id, approved=True, poll_id=77)
        services.apply_poll_outcome(rejected_id, approved=False, poll_id=77)
        services.apply_poll_outcome(approved_id, approved=True, poll_id=77)  # a retried close job is harmless
        commit()
        assert services.get_project(approved_id).status == "approved"
        assert services.get_project(rejected_id).status == "rejected"
        with pytest.raises(Conflict) as wrong_poll:
            services.apply_poll_outcome(approved_id, approved=True, poll_id=78)
        assert wrong_poll.value.code == "project.poll_mismatch"


def test_mark_voting_refuses_a_project_that_is_not_ready(app, make_project):
    project_id = make_project("in_review")
    with app.app_context(), pytest.raises(InvalidTransition):
        services.mark_voting([project_id], 5)
