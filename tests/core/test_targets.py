"""The one registry of things people act on: every kind once, singular, with what it can be."""

import pytest
from flask_login import AnonymousUserMixin

from backend.core import targets
from backend.core.errors import NotFound, ValidationFailed

# The API contract names these thread paths (GET, POST /api/v1/{target}/{id}/comments).
CONTRACT_THREADS = {
    "projects": "project",
    "reports": "report",
    "aid": "aid",
    "activities": "activity",
    "notices": "notice",
}


def test_what_each_generic_domain_may_act_on(app):
    """Are the capabilities the ones comments, follows, moderation and photos accepted before the registry?"""
    assert {t: targets.get(t).kind for t in CONTRACT_THREADS.values()} == {k: k for k in CONTRACT_THREADS.values()}
    assert {targets.get(kind).path: kind for kind in targets.kinds("commentable")} == CONTRACT_THREADS
    assert set(targets.kinds("followable")) == {"project", "report", "poll", "aid", "activity", "notice"}
    assert set(targets.kinds("flaggable")) == {
        "project",
        "report",
        "aid",
        "activity",
        "organisation",
        "comment",
        "notice",
        "member",
        "survey_answer",
        "hearing_comment",
    }
    assert set(targets.kinds("hideable")) == set(targets.kinds("flaggable")) - {"member"}
    assert set(targets.kinds("photos")) == {"project", "project_event", "report", "report_event"}


def test_kinds_are_one_singular_word_each(app):
    for kind in targets.kinds():
        assert kind == kind.lower() and " " not in kind and not kind.endswith("s"), kind


def test_a_kind_registered_twice_is_refused_at_import(app):
    with pytest.raises(ValueError, match="registered twice"):
        targets.register("project", load=lambda _id: None, can_see=lambda _actor, _item: True)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"load": lambda _id: None, "commentable": True}, "needs the `path`"),
        ({"load": lambda _id: None, "shareable": True}, "unknown capabilities"),
        ({}, "needs `model` or `load`"),
    ],
)
def test_an_incomplete_registration_is_refused(app, fields, message):
    with pytest.raises(ValueError, match=message):
        targets.register("widget", can_see=lambda _actor, _item: True, **fields)
    assert targets.get("widget") is None


def test_require_names_the_kinds_that_have_the_capability(app):
    with pytest.raises(ValidationFailed) as refused:
        targets.require("poll", "flaggable")
    assert refused.value.errors == {"target_type": [f"one of {', '.join(targets.kinds('flaggable'))}"]}
    assert targets.require("poll", "followable").kind == "poll"


def test_get_visible_hides_what_the_actor_may_not_see(app, make_community, make_member):
    """A draft project does not exist for a visitor; a missing id is NotFound too."""
    from backend.extensions import db
    from backend.projects import services as projects
    from tests.projects.conftest import load

    community = make_community("阳光社区")
    author = make_member(community)
    with app.app_context():
        draft = projects.create_project(load(author), community.id, title="草稿", category="other")
        project = targets.get("project")
        assert project.get_visible(load(author), draft.id).id == draft.id
        with pytest.raises(NotFound):
            project.get_visible(AnonymousUserMixin(), draft.id)
        with pytest.raises(NotFound):
            project.get(draft.id + 1000)
        assert project.load_many([draft.id, draft.id + 1000]) == {draft.id: draft}
        db.session.rollback()
