"""Fixtures for projects and comments: a community with one person per role, projects in any state."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from backend.accounts.models import User
from backend.core.db import commit
from backend.extensions import db

ROLES = ("visitor", "pending", "resident", "author", "grid_worker", "committee", "other_committee")
POLL_ID = 4242
# The lifecycle path each state is reached by, through the real services.
PATH = ("draft", "submitted", "in_review", "ready", "voting", "approved", "in_progress", "completed")


@pytest.fixture
def world(make_community, make_member):
    """A community (support goal 3) with a person in each role, and a second community's committee."""
    community = make_community("阳光社区", settings={"project_support_threshold": 3})
    other = make_community("月亮社区")
    people = {
        "visitor": None,
        "pending": make_member(community, status="pending", display_name="小陈"),
        "resident": make_member(community, display_name="张阿姨"),
        "author": make_member(community, display_name="赵大爷"),
        "grid_worker": make_member(community, role="grid_worker", display_name="李网格员"),
        "committee": make_member(community, role="committee", display_name="王主任"),
        "other_committee": make_member(other, role="committee", display_name="外社区主任"),
    }
    helper = make_member(community, display_name="钱老师")  # supports projects along the setup path
    return SimpleNamespace(community=community, other=other, people=people, helper=helper)


def load(user):
    """The session's copy of a user (services take a bound actor)."""
    return db.session.get(User, user.id) if user is not None else None


@pytest.fixture
def make_project(app, world):
    """make_project(status="draft", **fields) -> project id, brought to `status` through the services."""
    from backend.projects import services

    def make(status: str = "draft", *, author=None, **fields):
        with app.app_context():
            writer = load(author or world.people["author"])
            committee = load(world.people["committee"])
            values = {
                "title": "修好3号楼前的长椅",
                "summary": "长椅坏了两年，老人没地方歇脚。",
                "category": "facilities",
                **fields,
            }
            project_id = services.create_project(writer, world.community.id, **values).id
            walk = PATH[: PATH.index(status) + 1] if status in PATH else None
            if status == "rejected":
                walk = PATH[:3]
            if status == "withdrawn":
                walk = PATH[:2]
            steps = {
                "submitted": lambda: services.submit_project(writer, project_id),
                "in_review": lambda: _reach_review(services, project_id, load(world.helper)),
                "ready": lambda: services.review_project(committee, project_id, decision="accept"),
                "voting": lambda: services.mark_voting([project_id], POLL_ID),
                "approved": lambda: services.apply_poll_outcome(project_id, approved=True, poll_id=POLL_ID),
                "in_progress": lambda: services.start_project(committee, project_id),
                "completed": lambda: services.complete_project(committee, project_id),
            }
            for step in walk[1:]:
                steps[step]()
            if status == "rejected":
                services.review_project(committee, project_id, decision="reject", reason="预算超出社区基金")
            if status == "withdrawn":
                services.withdraw_project(writer, project_id)
            commit()
            return project_id

    return make


def _reach_review(services, project_id, supporter):
    services.get_project(project_id).support_threshold = 1
    services.support_project(supporter, project_id)


@pytest.fixture
def as_role(client_for, world):
    """as_role("committee") -> an API client signed in as that person (a visitor for "visitor")."""
    return lambda role: client_for(world.people[role])


@pytest.fixture
def project_status(app):
    from backend.projects.models import Project

    def read(project_id):
        with app.app_context():
            return db.session.get(Project, project_id).status

    return read
