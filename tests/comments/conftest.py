"""Comments are tested on project threads (the first registered target) and on a fake target type."""

from types import SimpleNamespace

import pytest

from backend.accounts.models import User
from backend.core.db import commit
from backend.extensions import db


@pytest.fixture
def thread(app, make_community, make_member):
    """A community with a submitted project to comment on, and one person per role."""
    from backend.projects import services

    community = make_community("阳光社区")
    people = SimpleNamespace(
        author=make_member(community, display_name="赵大爷"),
        resident=make_member(community, display_name="张阿姨"),
        pending=make_member(community, status="pending", display_name="小陈"),
        suspended=make_member(community, status="suspended", display_name="被暂停的人"),
        neighbour=make_member(community, display_name="钱老师"),
        committee=make_member(community, role="committee", display_name="王主任"),
        outsider=make_member(make_community("别的社区"), display_name="外人"),
    )
    with app.app_context():
        author = db.session.get(User, people.author.id)
        project = services.create_project(author, community.id, title="屋顶菜园", category="environment", submit=True)
        draft = services.create_project(author, community.id, title="草稿", category="other")
        ids = SimpleNamespace(project=project.id, draft=draft.id)
        commit()
    return SimpleNamespace(
        community=community,
        people=people,
        project_id=ids.project,
        draft_id=ids.draft,
        url=f"/api/v1/projects/{ids.project}/comments",
    )
