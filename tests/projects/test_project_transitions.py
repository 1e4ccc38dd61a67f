"""Every lifecycle step × every role, wrong states, the timeline and notifications, through the API."""

import pytest
from sqlalchemy import select

from backend.core.states import InvalidTransition
from backend.extensions import db
from backend.notifications.models import Notification
from backend.projects.models import PROJECT_STATES, STATUSES, Project, ProjectEvent


def expect(allowed: dict, role: str) -> int:
    return allowed.get(role, allowed["*"])


# (name, state the project is in, method, path suffix, body, expected status per role)
MATRIX = [
    (
        "submit",
        "draft",
        "post",
        "/submit",
        None,
        {"author": 200, "*": 404},
    ),  # a draft does not exist for anyone but its author
    ("edit draft", "draft", "patch", "", {"title": "修好3号楼前的两张长椅"}, {"author": 200, "*": 404}),
    (
        "edit before poll",
        "in_review",
        "patch",
        "",
        {"budget_cents": 150000, "reason": "按报价单更正"},
        {"visitor": 401, "committee": 200, "author": 409, "*": 403},
    ),
    (
        "withdraw",
        "submitted",
        "post",
        "/withdraw",
        {"reason": "物业答应自己修"},
        {"visitor": 401, "author": 200, "*": 403},
    ),
    (
        "support",
        "submitted",
        "post",
        "/supports",
        None,
        {"visitor": 401, "resident": 201, "grid_worker": 201, "committee": 201, "*": 403},
    ),
    ("accept", "in_review", "post", "/review", {"decision": "accept"}, {"visitor": 401, "committee": 200, "*": 403}),
    (
        "reject",
        "in_review",
        "post",
        "/review",
        {"decision": "reject", "reason": "不在社区基金范围"},
        {"visitor": 401, "committee": 200, "*": 403},
    ),
    ("start", "approved", "post", "/start", {"note": "施工队周一进场"}, {"visitor": 401, "committee": 200, "*": 403}),
    (
        "progress",
        "in_progress",
        "post",
        "/updates",
        {"body": "旧长椅已拆除", "percent_done": 40},
        {"visitor": 401, "author": 201, "committee": 201, "*": 403},
    ),
    (
        "complete",
        "in_progress",
        "post",
        "/complete",
        {"note": "验收完成"},
        {"visitor": 401, "author": 200, "committee": 200, "*": 403},
    ),
    (
        "rate",
        "completed",
        "post",
        "/rating",
        {"stars": 5, "comment": "坐着很舒服"},
        {"visitor": 401, "resident": 201, "grid_worker": 201, "committee": 201, "*": 403},
    ),
]


@pytest.mark.parametrize(
    "role", ["visitor", "pending", "resident", "author", "grid_worker", "committee", "other_committee"]
)
@pytest.mark.parametrize("name, state, method, suffix, body, allowed", MATRIX, ids=[m[0] for m in MATRIX])
def test_each_transition_is_allowed_only_to_its_roles(
    make_project, as_role, role, name, state, method, suffix, body, allowed
):
    project_id = make_project(state)
    client = as_role(role)
    call = getattr(client, method)
    response = call(f"/api/v1/projects/{project_id}{suffix}", **({"json": body} if body is not None else {}))
    assert response.status_code == expect(allowed, role), response.json


@pytest.mark.parametrize(
    "role, status",
    [
        ("visitor", 401),
        ("pending", 403),
        ("resident", 201),
        ("author", 201),
        ("grid_worker", 201),
        ("committee", 201),
        ("other_committee", 403),
    ],
)
def test_only_verified_members_create_projects(world, as_role, role, status):
    response = as_role(role).post(
        f"/api/v1/communities/{world.community.id}/projects", json={"title": "屋顶菜园", "category": "environment"}
    )
    assert response.status_code == status
    if status == 201:
        assert response.json["status"] == "draft"
        assert response.json["can"]["submit"] is True


@pytest.mark.parametrize(
    "name, state, method, suffix, body, role, code",
    [
        ("submit twice", "submitted", "post", "/submit", None, "author", "project.invalid_transition"),
        (
            "review before the goal",
            "submitted",
            "post",
            "/review",
            {"decision": "accept"},
            "committee",
            "project.invalid_transition",
        ),
        (
            "review twice",
            "ready",
            "post",
            "/review",
            {"decision": "reject", "reason": "x"},
            "committee",
            "project.invalid_transition",
        ),
        ("start before the vote", "ready", "post", "/start", None, "committee", "project.invalid_transition"),
        ("start a rejected one", "rejected", "post", "/start", None, "committee", "project.invalid_transition"),
        ("complete before starting", "approved", "post", "/complete", None, "committee", "project.invalid_transition"),
        ("withdraw while voting", "voting", "post", "/withdraw", None, "author", "project.invalid_transition"),
        ("withdraw after approval", "approved", "post", "/withdraw", None, "author", "project.invalid_transition"),
        ("support in review", "in_review", "post", "/supports", None, "resident", "project.not_open_for_support"),
        (
            "support a draft's twin: ready",
            "ready",
            "post",
            "/supports",
            None,
            "resident",
            "project.not_open_for_support",
        ),
        (
            "progress before start",
            "approved",
            "post",
            "/updates",
            {"body": "x", "percent_done": 10},
            "author",
            "project.not_in_progress",
        ),
        ("rate before completion", "in_progress", "post", "/rating", {"stars": 4}, "resident", "project.not_completed"),
        ("committee edits while voting", "voting", "patch", "", {"title": "改名"}, "committee", "project.not_editable"),
        (
            "author edits after submitting",
            "submitted",
            "patch",
            "",
            {"title": "改名"},
            "author",
            "project.not_editable",
        ),
    ],
)
def test_steps_from_the_wrong_state_are_conflicts(make_project, as_role, name, state, method, suffix, body, role, code):
    project_id = make_project(state)
    response = getattr(as_role(role), method)(
        f"/api/v1/projects/{project_id}{suffix}", **({"json": body} if body is not None else {})
    )
    assert response.status_code == 409, response.json
    assert response.json["code"] == code


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(PROJECT_STATES.transitions))
def test_state_machine_moves_only_from_its_start_states(action, status):
    project = Project(status=status)
    allowed_from, to_status = PROJECT_STATES.sources(action), PROJECT_STATES.target(action)
    if status in allowed_from:
        assert project._move(action) == (status, to_status)
        assert project.status == to_status
    else:
        with pytest.raises(InvalidTransition) as refused:
            project._move(action)
        assert project.status == status
        assert (refused.value.code, refused.value.params) == (
            "project.invalid_transition",
            {"from_status": status, "action": action},
        )


def test_every_state_is_reachable_and_the_timeline_tells_the_story(app, make_project, as_role):
    project_id = make_project("completed")
    events = as_role("visitor").get(f"/api/v1/projects/{project_id}/events?limit=100").json["items"]
    assert [(e["action"], e["to_status"]) for e in events] == [
        ("create", "draft"),
        ("submit", "submitted"),
        ("reach_threshold", "in_review"),
        ("accept", "ready"),
        ("open_voting", "voting"),
        ("approve_by_vote", "approved"),
        ("start", "in_progress"),
        ("complete", "completed"),
    ]
    system_steps = [e for e in events if e["actor"] is None]
    assert {e["action"] for e in system_steps} == {"reach_threshold", "open_voting", "approve_by_vote"}
    assert events[1]["actor"]["display_name"] == "赵大爷"


def test_rejection_needs_a_reason_that_the_author_sees(make_project, as_role, app, world):
    project_id = make_project("in_review")
    committee = as_role("committee")
    missing = committee.post(f"/api/v1/projects/{project_id}/review", json={"decision": "reject", "reason": " "})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    response = committee.post(
        f"/api/v1/projects/{project_id}/review", json={"decision": "reject", "reason": "与物业维修计划重复"}
    )
    assert response.json["status"] == "rejected"
    seen_by_author = as_role("author").get(f"/api/v1/projects/{project_id}").json
    assert seen_by_author["review_reason"] == "与物业维修计划重复"
    with app.app_context():
        told = db.session.scalars(
            select(Notification).where(
                Notification.user_id == world.people["author"].id, Notification.kind == "project_transition"
            )
        ).all()
        assert any(n.context["state"] == "rejected" and n.context["reason"] == "与物业维修计划重复" for n in told)


def test_committee_edit_is_audited_and_shown_on_the_timeline(make_project, as_role, app):
    from backend.audit.models import AuditEntry

    project_id = make_project("submitted")
    response = as_role("committee").patch(
        f"/api/v1/projects/{project_id}", json={"budget_cents": 88000, "reason": "按物业报价更正预算"}
    )
    assert response.status_code == 200 and response.json["budget_cents"] == 88000
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "project.edit"))
        assert entry.before == {"budget_cents": 0} and entry.after == {"budget_cents": 88000}
        assert entry.reason == "按物业报价更正预算"
        event = db.session.scalar(
            select(ProjectEvent).where(ProjectEvent.project_id == project_id, ProjectEvent.action == "edit")
        )
        assert event.note == "budget_cents" and event.reason == "按物业报价更正预算"


def test_progress_may_go_down_only_with_an_explanation(make_project, as_role):
    project_id = make_project("in_progress")
    author = as_role("author")
    url = f"/api/v1/projects/{project_id}/updates"
    assert author.post(url, json={"body": "木料到了", "percent_done": 60}).status_code == 201
    lower = author.post(url, json={"body": "返工", "percent_done": 30})
    assert lower.status_code == 422 and lower.json["code"] == "project.percent_decreased"
    explained = author.post(url, json={"body": "返工", "percent_done": 30, "reason": "油漆不合格，需要重刷"})
    assert explained.status_code == 201 and explained.json["reason"] == "油漆不合格，需要重刷"
    assert author.get(f"/api/v1/projects/{project_id}").json["percent_done"] == 30
    done = author.post(f"/api/v1/projects/{project_id}/complete")
    assert done.json["percent_done"] == 100 and done.json["status"] == "completed"


def test_ratings_once_each_with_the_average_kept(make_project, as_role):
    project_id = make_project("completed")
    url = f"/api/v1/projects/{project_id}/rating"
    first = as_role("resident").post(url, json={"stars": 5, "comment": "很好"})
    assert first.status_code == 201 and first.json["rating_average"] == 5.0
    again = as_role("resident").post(url, json={"stars": 1})
    assert again.status_code == 409 and again.json["code"] == "project.already_rated"
    second = as_role("committee").post(url, json={"stars": 4})
    assert second.json["rating_count"] == 2 and second.json["rating_average"] == 4.5
    third = as_role("grid_worker").post(url, json={"stars": 4})
    assert third.json["rating_average"] == pytest.approx(4.33)
    detail = as_role("resident").get(f"/api/v1/projects/{project_id}").json
    assert detail["my_rating"]["stars"] == 5 and detail["can"]["rate"] is False
    ratings = as_role("visitor").get(f"/api/v1/projects/{project_id}/ratings").json["items"]
    assert [r["stars"] for r in ratings] == [4, 4, 5]


def test_withdrawn_projects_are_seen_by_author_and_committee_only(make_project, as_role, world):
    project_id = make_project("withdrawn")
    for role, status in [
        ("author", 200),
        ("committee", 200),
        ("resident", 404),
        ("visitor", 404),
        ("other_committee", 404),
    ]:
        assert as_role(role).get(f"/api/v1/projects/{project_id}").status_code == status, role


def test_notifications_reach_author_supporters_and_committee(app, make_project, as_role, world):
    project_id = make_project("submitted")
    as_role("resident").post(f"/api/v1/projects/{project_id}/supports")
    as_role("author").post(f"/api/v1/projects/{project_id}/withdraw", json={"reason": "物业已经修好了"})
    with app.app_context():
        rows = db.session.scalars(select(Notification).where(Notification.kind == "project_transition")).all()
        withdrawn_to = {n.user_id for n in rows if n.context["action"] == "withdraw"}
        submitted_to = {n.user_id for n in rows if n.context["action"] == "submit"}
    assert withdrawn_to == {world.people["resident"].id, world.people["committee"].id}
    assert submitted_to == {world.people["committee"].id}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "", "category": "environment"}, "title"),
        ({"title": "x" * 121, "category": "environment"}, "title"),
        ({"title": "屋顶菜园", "category": "gardening"}, "category"),
        ({"title": "屋顶菜园", "category": "environment", "summary": "x" * 301}, "summary"),
        ({"title": "屋顶菜园", "category": "environment", "body": "x" * 10001}, "body"),
        ({"title": "屋顶菜园", "category": "environment", "budget_cents": -1}, "budget_cents"),
        ({"title": "屋顶菜园", "category": "environment", "volunteers_needed": -3}, "volunteers_needed"),
        ({"title": "屋顶菜园", "category": "environment", "photo_ids": ["a"]}, "photo_ids"),
        ({"title": "屋顶菜园", "category": "environment", "status": "approved"}, "status"),
        ({"title": "屋顶菜园", "category": "environment", "supports_count": 99}, "supports_count"),
        ({"category": "environment"}, "title"),
    ],
)
def test_bad_project_input_is_refused_with_field_errors(world, as_role, body, field):
    response = as_role("resident").post(f"/api/v1/communities/{world.community.id}/projects", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_a_grid_of_another_community_is_bad_input(world, as_role, make_community):
    elsewhere = make_community()
    response = as_role("resident").post(
        f"/api/v1/communities/{world.community.id}/projects",
        json={"title": "楼道照明", "category": "safety", "grid_id": elsewhere.grid_ids[0]},
    )
    assert response.status_code == 422 and "grid_id" in response.json["errors"]


def test_a_community_may_add_its_own_categories(app, world, as_role):
    from backend.communities.models import Community

    with app.app_context():
        community = db.session.get(Community, world.community.id)
        community.settings = {
            **community.settings,
            "project_categories": [{"key": "pets", "zh-CN": "宠物友好", "en": "Pets"}],
        }
        db.session.commit()
    categories = as_role("visitor").get(f"/api/v1/communities/{world.community.id}/project-categories").json
    assert categories["items"][-1] == {"key": "pets", "zh-CN": "宠物友好", "en": "Pets"}
    assert categories["support_threshold"] == 3
    response = as_role("resident").post(
        f"/api/v1/communities/{world.community.id}/projects", json={"title": "狗狗便便箱", "category": "pets"}
    )
    assert response.status_code == 201


def test_create_and_submit_at_once_for_the_offline_outbox(world, as_role):
    client = as_role("resident")
    body = {"title": "楼道照明", "category": "safety", "submit": True}
    headers = {"Idempotency-Key": "outbox-1"}
    first = client.post(f"/api/v1/communities/{world.community.id}/projects", json=body, headers=headers)
    replay = client.post(f"/api/v1/communities/{world.community.id}/projects", json=body, headers=headers)
    assert first.status_code == 201 and first.json["status"] == "submitted"
    assert replay.json["id"] == first.json["id"]
    assert first.json["support_threshold"] == 3 and first.json["closes_at"]
