"""The task ledger: who assigns and reads tasks, links through the targets registry, steps, the overdue sweep,
the audit trail; and every rule attacked (other communities' ids, invented accounts, residents, officials of
another street, huge input, two steps at once)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.notifications.models import Notification
from backend.tasks import services
from backend.tasks.models import Task

TOMORROW = (date.today() + timedelta(days=2)).isoformat()


def new_task(client, cid, owner_id, **overrides):
    body = {"title": "清理北门垃圾", "owner_id": owner_id, "due_on": TOMORROW, **overrides}
    return client.post(f"/api/v1/communities/{cid}/tasks", json=body)


def notified(app, user_id, kind):
    with app.app_context():
        return db.session.scalar(
            select(db.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.kind == kind)
        )


def audit_actions(app, task_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.target_type == "task", AuditEntry.target_id == task_id)
                .order_by(AuditEntry.id)
            )
        )


def test_the_committee_assigns_a_task_the_owner_is_told_and_sees_it_in_their_ledger(app, ledger, client_for):
    p = ledger.people
    response = new_task(client_for(p.committee), ledger.cid, p.worker.id, description="周五前清运")
    assert response.status_code == 201, response.get_json()
    task = response.get_json()
    assert task["status"] == "open" and task["owner_name"] == "李网格员" and task["assigned_by_name"] == "王主任"
    assert task["is_overdue"] is False and task["can"]["cancel"] is True
    assert notified(app, p.worker.id, "task_assigned") == 1
    mine = client_for(p.worker).get("/api/v1/me/tasks").get_json()["items"]
    assert [t["id"] for t in mine] == [task["id"]]
    assert mine[0]["can"] == {"start": True, "complete": True, "cancel": False, "reopen": False, "edit": False}
    assert client_for(p.resident).get("/api/v1/me/tasks").get_json()["items"] == []
    detail = client_for(p.worker).get(f"/api/v1/tasks/{task['id']}").get_json()
    assert [e["action"] for e in detail["events"]] == ["created"]
    assert audit_actions(app, task["id"]) == ["task.create"]


def test_a_task_from_a_report_in_one_step_takes_its_title_grid_and_link(ledger, client_for):
    p = ledger.people
    task = new_task(
        client_for(p.committee),
        ledger.cid,
        p.other_worker.id,
        title=None,
        source={"type": "report", "id": ledger.ids.report},
        links=[{"type": "project", "id": ledger.ids.project}],
    ).get_json()
    assert task["title"] == "北门垃圾桶满了"
    assert task["grid_id"] == ledger.sunshine.grid_ids[1]
    assert task["source_kind"] == "report" and task["source_id"] == ledger.ids.report
    assert [(link["type"], link["id"], link["url"]) for link in task["links"]] == [
        ("report", ledger.ids.report, f"/reports/{ledger.ids.report}"),
        ("project", ledger.ids.project, f"/projects/{ledger.ids.project}"),
    ]
    assert task["links"][1]["title"] == "修好长椅"


def test_other_domains_open_a_task_through_the_service(app, ledger):
    from backend.accounts.models import User

    with app.app_context():
        committee = db.session.get(User, ledger.people.committee.id)
        task = services.create_task(
            committee,
            ledger.cid,
            title="落实会议决定",
            owner_id=ledger.people.worker.id,
            due_on=date.today() + timedelta(days=7),
            source=("project", ledger.ids.project),
            links=[("report", ledger.ids.report)],
        )
        db.session.commit()
        assert task.source_kind == "project" and [link["kind"] for link in task.links] == ["project", "report"]


@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 401),
        ("resident", 403),
        ("worker", 403),
        ("star_committee", 403),  # another community's committee
        ("east_official", 403),  # the official of another street of the same district
        ("far_official", 403),
        ("far_district_official", 403),
        ("west_official", 201),  # the street above
        ("district_official", 201),  # the district above
        ("committee", 201),
    ],
)
def test_only_the_committee_and_the_officials_above_assign_tasks(ledger, client_for, who, status):
    response = new_task(client_for(getattr(ledger.people, who, None)), ledger.cid, ledger.people.worker.id)
    assert response.status_code == status, response.get_json()
    if status != 201:
        assert response.get_json()["code"] in ("auth_required", "forbidden")


def test_a_suspended_committee_member_assigns_nothing(app, ledger, client_for):
    from backend.communities.models import Membership
    from backend.core.db import utcnow

    with app.app_context():
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == ledger.people.committee.id)
            .values(status="suspended", suspended_until=utcnow() + timedelta(days=3))
        )
        db.session.commit()
    response = new_task(client_for(ledger.people.committee), ledger.cid, ledger.people.worker.id)
    assert response.status_code == 403 and response.get_json()["reason"] == "suspended"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"owner_id": 999_999}, "owner_id"),  # an invented account
        ({"owner_id": "star_worker"}, "owner_id"),  # a member of another community
        ({"owner_id": "west_official"}, "owner_id"),  # an official is no member
        ({"links": [{"type": "report", "id": "star_report"}]}, "links"),  # another community's report
        ({"links": [{"type": "report", "id": 999_999}]}, "links"),
        ({"source": {"type": "report", "id": "star_report"}}, "links"),
        ({"links": [{"type": "aid", "id": 1}]}, "links"),  # not a kind the ledger links
        ({"links": [{"type": "report", "id": n} for n in range(1, 12)]}, "links"),  # more than ten
        ({"due_on": (date.today() - timedelta(days=2)).isoformat()}, "due_on"),
        ({"due_on": "not a date"}, "due_on"),
        ({"title": "清" * 121}, "title"),
        ({"title": " "}, "title"),
        ({"description": "长" * 2001}, "description"),
        ({"grid_id": 999_999}, "grid_id"),
    ],
)
def test_bad_tasks_are_refused_and_nothing_is_written(app, ledger, client_for, overrides, field):
    p, ids = ledger.people, ledger.ids
    named = {"star_worker": p.star_worker.id, "west_official": p.west_official.id, "star_report": ids.star_report}
    body = {"owner_id": p.worker.id, **overrides}
    if body["owner_id"] in named:
        body["owner_id"] = named[body["owner_id"]]
    for key in ("links",):
        for link in body.get(key, []):
            link["id"] = named.get(link["id"], link["id"])
    if body.get("source"):
        body["source"]["id"] = named.get(body["source"]["id"], body["source"]["id"])
    owner = body.pop("owner_id")
    response = new_task(client_for(p.committee), ledger.cid, owner, **body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Task)) == 0


@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 401),
        ("resident", 404),  # a member of the community: the task does not exist for them
        ("other_worker", 404),
        ("star_committee", 403),
        ("east_official", 403),
        ("far_district_official", 403),
        ("worker", 200),  # the owner
        ("second_committee", 200),
        ("west_official", 200),
        ("district_official", 200),
        ("admin", 200),
    ],
)
def test_who_reads_a_task(ledger, client_for, who, status):
    task = new_task(client_for(ledger.people.committee), ledger.cid, ledger.people.worker.id).get_json()
    response = client_for(getattr(ledger.people, who, None)).get(f"/api/v1/tasks/{task['id']}")
    assert response.status_code == status
    if status != 200:
        assert "清理北门垃圾" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 401),
        ("resident", 403),
        ("worker", 403),
        ("star_committee", 403),
        ("east_official", 403),
        ("west_official", 200),
        ("district_official", 200),
        ("committee", 200),
    ],
)
def test_who_reads_everyones_ledger(ledger, client_for, who, status):
    new_task(client_for(ledger.people.committee), ledger.cid, ledger.people.worker.id)
    response = client_for(getattr(ledger.people, who, None)).get(f"/api/v1/communities/{ledger.cid}/tasks")
    assert response.status_code == status
    if status == 200:
        assert len(response.get_json()["items"]) == 1


def test_the_ledger_filters_by_owner_status_lateness_and_grid(app, ledger, client_for):
    p = ledger.people
    committee = client_for(p.committee)
    first = new_task(committee, ledger.cid, p.worker.id, grid_id=ledger.sunshine.grid_ids[0]).get_json()
    second = new_task(committee, ledger.cid, p.other_worker.id, grid_id=ledger.sunshine.grid_ids[1]).get_json()
    third = new_task(committee, ledger.cid, p.worker.id).get_json()
    committee.post(f"/api/v1/tasks/{third['id']}/steps", json={"action": "complete"})
    with app.app_context():
        db.session.execute(update(Task).where(Task.id == second["id"]).values(due_on=date.today() - timedelta(days=3)))
        db.session.commit()
    url = f"/api/v1/communities/{ledger.cid}/tasks"

    def ids(query):
        response = committee.get(url + query)
        assert response.status_code == 200, response.get_json()
        return sorted(t["id"] for t in response.get_json()["items"])

    assert ids(f"?owner_id={p.worker.id}") == sorted([first["id"], third["id"]])
    assert ids("?status=done") == [third["id"]]
    assert ids("?overdue=true") == [second["id"]]
    assert ids("?overdue=false") == sorted([first["id"], third["id"]])
    assert ids(f"?grid_id={ledger.sunshine.grid_ids[0]}") == [first["id"]]
    assert committee.get(url + "?status=finished").status_code == 422
    assert ids(f"?owner_id={p.star_worker.id}") == []  # another community's people own nothing here
    assert client_for(p.other_worker).get("/api/v1/me/tasks?overdue=true").get_json()["items"][0]["is_overdue"]


def test_the_owner_starts_and_completes_the_committee_cancels_and_reopens(app, ledger, client_for):
    p = ledger.people
    task = new_task(client_for(p.committee), ledger.cid, p.worker.id).get_json()
    url = f"/api/v1/tasks/{task['id']}/steps"
    owner = client_for(p.worker)
    assert owner.post(url, json={"action": "cancel"}).status_code == 403
    assert owner.post(url, json={"action": "start", "note": "已联系物业"}).get_json()["status"] == "in_progress"
    done = owner.post(url, json={"action": "complete"})
    assert done.status_code == 200 and done.get_json()["status"] == "done" and done.get_json()["done_at"]
    again = owner.post(url, json={"action": "complete"})
    assert again.status_code == 409 and again.get_json()["code"] == "task.invalid_transition"
    assert owner.post(url, json={"action": "reopen"}).status_code == 403
    assert client_for(p.resident).post(url, json={"action": "reopen"}).status_code == 404
    assert client_for(p.star_committee).post(url, json={"action": "reopen"}).status_code == 403
    assert client_for(p.committee).post(url, json={"action": "reopen"}).get_json()["status"] == "open"
    assert client_for(p.west_official).post(url, json={"action": "cancel"}).get_json()["status"] == "cancelled"
    assert client_for(p.committee).post(url, json={"action": "finish"}).status_code == 422
    history = client_for(p.committee).get(f"/api/v1/tasks/{task['id']}").get_json()["events"]
    assert [e["action"] for e in history] == ["created", "start", "complete", "reopen", "cancel"]
    assert history[1]["note"] == "已联系物业" and history[1]["actor_name"] == "李网格员"
    assert audit_actions(app, task["id"]) == [
        "task.create",
        "task.start",
        "task.complete",
        "task.reopen",
        "task.cancel",
    ]
    assert notified(app, p.committee.id, "task_changed") == 3  # the owner's steps and the street's


def test_two_completions_at_once_apply_once(app, ledger, client_for):
    """The step is a conditional UPDATE: the second of two completions in flight finds the task done."""
    from backend.accounts.models import User

    task = new_task(client_for(ledger.people.committee), ledger.cid, ledger.people.worker.id).get_json()
    with app.app_context():
        owner = db.session.get(User, ledger.people.worker.id)
        stale = db.session.get(Task, task["id"])  # loaded while open, as a racing request would have it
        services.step_task(owner, task["id"], "complete")
        db.session.commit()
        with pytest.raises(Exception) as refused:
            services.step_task(owner, stale.id, "complete")
        assert getattr(refused.value, "code", "") == "task.invalid_transition"
        db.session.rollback()


def test_the_committee_edits_a_task_and_the_new_owner_is_told(app, ledger, client_for):
    p = ledger.people
    task = new_task(client_for(p.committee), ledger.cid, p.worker.id).get_json()
    url = f"/api/v1/tasks/{task['id']}"
    assert client_for(p.worker).patch(url, json={"title": "改个标题"}).status_code == 403
    changed = client_for(p.committee).patch(
        url, json={"owner_id": p.other_worker.id, "links": [{"type": "report", "id": ledger.ids.report}]}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["owner_id"] == p.other_worker.id and len(changed.get_json()["links"]) == 1
    assert notified(app, p.other_worker.id, "task_assigned") == 1
    bad = client_for(p.committee).patch(url, json={"owner_id": p.star_worker.id})
    assert bad.status_code == 422
    assert (
        client_for(p.committee)
        .patch(url, json={"links": [{"type": "report", "id": ledger.ids.star_report}]})
        .status_code
        == 422
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "task.update"))
        assert entry.before["owner_id"] == p.worker.id and entry.after["owner_id"] == p.other_worker.id


def test_an_overdue_task_is_told_to_whoever_assigned_it_once(app, ledger, client_for):
    p = ledger.people
    task = new_task(client_for(p.west_official), ledger.cid, p.worker.id).get_json()
    with app.app_context():
        db.session.execute(update(Task).where(Task.id == task["id"]).values(due_on=date.today() - timedelta(days=1)))
        db.session.commit()
        assert services.escalate_overdue_tasks() == 1
        db.session.commit()
        assert services.escalate_overdue_tasks() == 0  # run twice: nobody is told twice
        db.session.commit()
    assert notified(app, p.west_official.id, "task_escalated") == 1
    assert notified(app, p.worker.id, "task_overdue") == 1
    # a new due date, later passed again, is told again (once)
    assert client_for(p.committee).patch(f"/api/v1/tasks/{task['id']}", json={"due_on": TOMORROW}).status_code == 200
    with app.app_context():
        db.session.execute(update(Task).where(Task.id == task["id"]).values(due_on=date.today() - timedelta(days=1)))
        db.session.commit()
        assert services.escalate_overdue_tasks() == 1
        db.session.commit()
    assert notified(app, p.west_official.id, "task_escalated") == 2
    # a task done in time is never told
    done = new_task(client_for(p.committee), ledger.cid, p.worker.id).get_json()
    client_for(p.worker).post(f"/api/v1/tasks/{done['id']}/steps", json={"action": "complete"})
    with app.app_context():
        db.session.execute(update(Task).where(Task.id == done["id"]).values(due_on=date.today() - timedelta(days=5)))
        db.session.commit()
        assert services.escalate_overdue_tasks() == 0


def test_a_suspended_owner_does_not_move_the_ledger(app, ledger, client_for):
    from backend.communities.models import Membership
    from backend.core.db import utcnow

    task = new_task(client_for(ledger.people.committee), ledger.cid, ledger.people.worker.id).get_json()
    with app.app_context():
        db.session.execute(
            update(Membership)
            .where(Membership.user_id == ledger.people.worker.id)
            .values(status="suspended", suspended_until=utcnow() + timedelta(days=3))
        )
        db.session.commit()
    response = client_for(ledger.people.worker).post(f"/api/v1/tasks/{task['id']}/steps", json={"action": "start"})
    assert response.status_code == 403


def test_my_tasks_are_in_my_data_download(ledger, client_for):
    task = new_task(client_for(ledger.people.committee), ledger.cid, ledger.people.worker.id).get_json()
    export = client_for(ledger.people.worker).get("/api/v1/me/export").get_json()
    assert [t["id"] for t in export["tasks"]["tasks"]] == [task["id"]]
