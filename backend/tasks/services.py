"""The task ledger's rules.

Who assigns tasks: the community's committee and the officials of the street or district above it. Who reads
them: the owner (their ledger, across communities: GET /me/tasks), whoever assigned a task, the committee, the
officials above, platform admins; other members of the community get a 404, outsiders a 403. The owner moves
their task along (start, complete); those who assign may also cancel, reopen and change it. Every change is a
step of the task's history and an audit entry. A task links to other things by target kind and id
(backend/core/targets.py), never to another domain's tables.

Other domains open a task in one step with `create_task(actor, community_id, title=..., owner_id=...,
due_on=..., links=[("report", 12)], source=("meeting", 3))`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, select, update

from backend.accounts import services as accounts
from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core import targets
from backend.core.actors import actor_id, is_signed_in, require_user
from backend.core.db import utcnow
from backend.core.errors import Forbidden, NotFound, ValidationFailed, register_messages
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.notifications import services as notifications
from backend.tasks.models import ACTIVE_STATUSES, LINK_KINDS, MAX_LINKS, TASK_STATES, Task, TaskEvent, TaskLink

ACTIONS = ("start", "complete", "cancel", "reopen", "edit")
OWNER_ACTIONS = ("start", "complete")
# Where the PWA shows a linked thing (every path is a real screen).
LINK_PATHS = {
    "report": "/reports/{id}",
    "project": "/projects/{id}",
    "poll": "/polls/{id}",
    "meeting": "/meetings/{id}",
    "care_record": "/care/{id}",
}

register_messages(
    "task",
    {
        "not_assigner": {
            "zh-CN": ("无权安排任务", "只有居委会和上级街道、区的干部可以安排和修改任务。"),
            "en": ("Not allowed to assign tasks", "Only the committee and the street or district can assign tasks."),
        },
    },
)


def local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE", "Asia/Shanghai"))).date()


# --- access ----------------------------------------------------------------------------------------------


def can_assign(actor, community_id: int) -> bool:
    """The committee (verified, not suspended) or an official of the street or district above."""
    if not is_signed_in(actor):
        return False
    found = access.membership(actor, community_id)
    if found is not None and found.is_committee and found.status != "suspended":
        return True
    return access.oversees(actor, community_id)


def require_assigner(actor, community_id: int) -> None:
    """:raises Forbidden: a member who is not the committee (the reason says why), anyone else ``task.not_assigner``"""
    require_user(actor)
    communities.get_community(community_id)
    if can_assign(actor, community_id):
        return
    if access.membership(actor, community_id) is not None:
        access.require_committee(actor, community_id)  # says why: suspended, not verified, role
    raise Forbidden(reason="official_required")


def _task_or_404(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound()
    return task


def _require_reader(actor, task: Task) -> None:
    """The owner, whoever assigned it, the overseers of its community; other members 404, outsiders 403."""
    require_user(actor)
    if actor.id in (task.owner_id, task.assigned_by_id):
        return
    if actor.is_platform_admin or can_assign(actor, task.community_id):
        return
    if access.membership(actor, task.community_id) is not None:
        raise NotFound()
    raise Forbidden(reason="official_required")


def abilities(actor, task: Task, *, assigner: bool | None = None) -> dict[str, bool]:
    """`assigner`: whether the actor assigns in the task's community, when the caller knows it already."""
    assigner = can_assign(actor, task.community_id) if assigner is None else assigner
    is_owner = actor_id(actor) == task.owner_id and _owner_active(actor, task)
    allowed = {action for action, (sources, _) in TASK_STATES.transitions.items() if task.status in sources}
    return {
        "start": "start" in allowed and (assigner or is_owner),
        "complete": "complete" in allowed and (assigner or is_owner),
        "cancel": "cancel" in allowed and assigner,
        "reopen": "reopen" in allowed and assigner,
        "edit": assigner,
    }


def _owner_active(actor, task: Task) -> bool:
    found = access.membership(actor, task.community_id)
    return found is not None and found.status == "verified"


# --- links -----------------------------------------------------------------------------------------------


def _check_target(community_id: int, kind: str, target_id: int, field: str):
    """The linked item, if its kind is known and it belongs to the community (else 422, the same sentence
    whether it is missing or elsewhere: the ledger tells nobody what other communities hold)."""
    registration = targets.get(kind) if kind in LINK_KINDS else None
    if registration is None:
        known = [k for k in LINK_KINDS if targets.get(k) is not None]
        raise ValidationFailed({field: [f"the kind must be one of {', '.join(known)}"]})
    item = registration.load(target_id)
    if item is None or registration.community_id(item) != community_id:
        raise ValidationFailed({field: [f"no {kind} {target_id} in this community"]})
    return item


def _normalise_links(community_id: int, links: Iterable, source) -> list[tuple[str, int]]:
    wanted = list(dict.fromkeys((str(kind), int(target_id)) for kind, target_id in links))
    if source is not None and tuple(source) not in wanted:
        wanted.insert(0, (str(source[0]), int(source[1])))
    if len(wanted) > MAX_LINKS:
        raise ValidationFailed({"links": [f"at most {MAX_LINKS} links"]})
    for kind, target_id in wanted:
        _check_target(community_id, kind, target_id, "links")
    return wanted


def _link_views(actor, tasks: list[Task]) -> dict[int, list[dict]]:
    """Each task's links, with the item's title only for a viewer who may see the item."""
    rows = db.session.scalars(
        select(TaskLink).where(TaskLink.task_id.in_([t.id for t in tasks])).order_by(TaskLink.id)
    ).all()
    loaded: dict[str, dict] = {}
    for kind in {row.kind for row in rows}:
        registration = targets.get(kind)
        ids = [row.target_id for row in rows if row.kind == kind]
        loaded[kind] = registration.load_many(ids) if registration else {}
    views: dict[int, list[dict]] = {t.id: [] for t in tasks}
    for row in rows:
        registration = targets.get(row.kind)
        item = loaded.get(row.kind, {}).get(row.target_id)
        visible = item is not None and registration is not None and registration.can_see(actor, item)
        views[row.task_id].append(
            {
                "kind": row.kind,
                "id": row.target_id,
                "title": str(registration.title(item))[:120] if visible else "",
                "url": LINK_PATHS.get(row.kind, "").format(id=row.target_id) if visible else None,
            }
        )
    return views


# --- writes ----------------------------------------------------------------------------------------------


def _check_owner(community_id: int, owner_id: int) -> None:
    member = communities.memberships_by_user(community_id, [owner_id]).get(owner_id)
    if member is None or member.status != "verified":
        raise ValidationFailed({"owner_id": ["not a verified member of this community"]})


def _check_due(due_on: date) -> None:
    if due_on < local_today():
        raise ValidationFailed({"due_on": ["the due date has passed"]})


def _event(task: Task, actor, action: str, note: str = "") -> None:
    db.session.add(TaskEvent(task_id=task.id, actor_id=actor_id(actor), action=action, note=note or ""))


def create_task(
    actor,
    community_id: int,
    *,
    title: str | None = None,
    description: str = "",
    owner_id: int,
    due_on: date,
    links: Iterable[tuple[str, int]] = (),
    source: tuple[str, int] | None = None,
    grid_id: int | None = None,
) -> Task:
    """Open a task (committee, officials above the community). From a report or a project in one step: give
    `source=("report", id)`; the title defaults to the source's, the grid to the source's grid, and the
    source is the first link. The owner is told.

    :raises Forbidden: not the committee nor an official above
    :raises ValidationFailed: an owner who is no verified member, a due date passed, a link or source of
        another community, an unknown kind, a grid of another community, more than MAX_LINKS links
    """
    require_assigner(actor, community_id)
    _check_owner(community_id, owner_id)
    _check_due(due_on)
    wanted = _normalise_links(community_id, links, source)
    source_item = None
    if source is not None:
        source_item = _check_target(community_id, source[0], source[1], "source")
    title = (title or "").strip()
    if not title and source_item is not None:
        title = str(targets.get(source[0]).title(source_item)).strip()[:120]
    if len(title) < 2:
        raise ValidationFailed({"title": ["give the task a title"]})
    if grid_id is None and source_item is not None:
        grid_id = getattr(source_item, "grid_id", None)
    grid = communities.grid_in_community(community_id, grid_id)
    task = Task(
        community_id=community_id,
        grid_id=grid.id if grid else None,
        title=title,
        description=(description or "").strip(),
        owner_id=owner_id,
        assigned_by_id=actor.id,
        due_on=due_on,
        source_kind=source[0] if source else None,
        source_id=int(source[1]) if source else None,
    )
    TASK_STATES.move(task, "create")
    db.session.add(task)
    db.session.flush()
    db.session.add_all(TaskLink(task_id=task.id, kind=kind, target_id=target_id) for kind, target_id in wanted)
    _event(task, actor, "created")
    db.session.flush()
    audit.record(
        actor,
        "task.create",
        "task",
        task.id,
        community_id=community_id,
        after={
            "title": task.title,
            "owner_id": owner_id,
            "due_on": due_on.isoformat(),
            "links": [f"{kind}:{target_id}" for kind, target_id in wanted],
        },
    )
    if owner_id != actor.id:
        notifications.notify(
            [owner_id],
            "task_assigned",
            {"task_id": task.id, "title": task.title},
            community_id=community_id,
            url=f"/tasks/{task.id}",
        )
    return present(actor, [task])[0]


EDITABLE = ("title", "description", "owner_id", "due_on", "grid_id", "links")


def update_task(actor, task_id: int, changes: dict) -> Task:
    """Change the title, description, owner, due date, grid or links (committee, officials above). A new due
    date or owner clears the escalation, so a new lateness is told again; a new owner is told.

    :raises ValidationFailed: as create_task
    """
    task = _task_or_404(task_id)
    _require_reader(actor, task)
    require_assigner(actor, task.community_id)
    changes = {key: value for key, value in changes.items() if key in EDITABLE}
    before: dict = {}
    after: dict = {}
    if "owner_id" in changes and changes["owner_id"] != task.owner_id:
        _check_owner(task.community_id, changes["owner_id"])
    if "due_on" in changes and changes["due_on"] != task.due_on:
        _check_due(changes["due_on"])
    if "grid_id" in changes:
        grid = communities.grid_in_community(task.community_id, changes["grid_id"])
        changes["grid_id"] = grid.id if grid else None
    if "title" in changes:
        changes["title"] = changes["title"].strip()
        if len(changes["title"]) < 2:
            raise ValidationFailed({"title": ["give the task a title"]})
    if "links" in changes:
        wanted = _normalise_links(task.community_id, changes.pop("links"), None)
        current = [
            (row.kind, row.target_id)
            for row in db.session.scalars(select(TaskLink).where(TaskLink.task_id == task.id).order_by(TaskLink.id))
        ]
        if set(current) != set(wanted):
            db.session.execute(
                TaskLink.__table__.delete()
                .where(TaskLink.task_id == task.id)
                .execution_options(synchronize_session=False)
            )
            db.session.add_all(TaskLink(task_id=task.id, kind=k, target_id=i) for k, i in wanted)
            before["links"] = [f"{k}:{i}" for k, i in current]
            after["links"] = [f"{k}:{i}" for k, i in wanted]
    for key, value in changes.items():
        if getattr(task, key) != value:
            before[key] = _plain(getattr(task, key))
            after[key] = _plain(value)
            setattr(task, key, value)
    if not after:
        return present(actor, [task])[0]
    if "due_on" in after or "owner_id" in after:
        task.escalated_at = None
    task.updated_at = utcnow()
    _event(task, actor, "edited", ", ".join(sorted(after)))
    db.session.flush()
    audit.record(actor, "task.update", "task", task.id, community_id=task.community_id, before=before, after=after)
    if "owner_id" in after and task.owner_id != actor.id:
        notifications.notify(
            [task.owner_id],
            "task_assigned",
            {"task_id": task.id, "title": task.title},
            community_id=task.community_id,
            url=f"/tasks/{task.id}",
        )
    return present(actor, [task])[0]


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def step_task(actor, task_id: int, action: str, note: str = "") -> Task:
    """Move a task along: the owner starts and completes it; those who assign may also cancel and reopen.
    The step is a conditional UPDATE from the states the machine allows, so two steps at once cannot both
    apply (the loser gets 409 task.invalid_transition).

    :raises Forbidden: the owner cancelling or reopening, a suspended owner, anyone else
    """
    task = _task_or_404(task_id)
    _require_reader(actor, task)
    if not can_assign(actor, task.community_id):
        if actor.id != task.owner_id:
            require_assigner(actor, task.community_id)
        access.require_verified(actor, task.community_id)  # a suspended owner does not move the ledger
        if action not in OWNER_ACTIONS:
            raise Forbidden(reason="role_required")
    target = TASK_STATES.target(action)
    now = utcnow()
    values = {"status": target, "updated_at": now, "done_at": now if target == "done" else None}
    if action == "reopen":
        values["escalated_at"] = None
    moved = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.status.in_(TASK_STATES.sources(action)))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        db.session.refresh(task)
        raise TASK_STATES.refuse(task.status, action)
    previous = task.status
    db.session.refresh(task)
    _event(task, actor, action, note)
    db.session.flush()
    audit.record(
        actor,
        f"task.{action}",
        "task",
        task.id,
        community_id=task.community_id,
        before={"status": previous},
        after={"status": task.status, "note": note or ""},
    )
    told = {task.owner_id, task.assigned_by_id} - {actor.id}
    if told:
        notifications.notify(
            sorted(told),
            "task_changed",
            {"task_id": task.id, "title": task.title, "action": action},
            community_id=task.community_id,
            url=f"/tasks/{task.id}",
        )
    return present(actor, [task])[0]


# --- reads -----------------------------------------------------------------------------------------------


def _filtered(stmt, *, status: str | None, overdue: bool | None):
    if status is not None:
        stmt = stmt.where(Task.status == status)
    if overdue is True:
        stmt = stmt.where(Task.status.in_(ACTIVE_STATUSES), Task.due_on < local_today())
    elif overdue is False:
        stmt = stmt.where(~and_(Task.status.in_(ACTIVE_STATUSES), Task.due_on < local_today()))
    return stmt


def list_my_tasks(
    actor, *, status: str | None = None, overdue: bool | None = None, limit: int = 20, cursor: str | None = None
) -> Page:
    """My ledger: the tasks I own, in every community, newest first."""
    require_user(actor)
    stmt = _filtered(select(Task).where(Task.owner_id == actor.id), status=status, overdue=overdue)
    page = paginate(stmt, [SortKey(Task.id, descending=True)], limit=limit, cursor=cursor)
    page.items = present(actor, page.items)
    return page


def list_community_tasks(
    actor,
    community_id: int,
    *,
    owner_id: int | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    grid_id: int | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """Everyone's tasks in a community (committee, officials above, platform admins), with filters."""
    access.require_overseer(actor, community_id)
    stmt = _filtered(select(Task).where(Task.community_id == community_id), status=status, overdue=overdue)
    if owner_id is not None:
        stmt = stmt.where(Task.owner_id == owner_id)
    if grid_id is not None:
        stmt = stmt.where(Task.grid_id == grid_id)
    page = paginate(stmt, [SortKey(Task.id, descending=True)], limit=limit, cursor=cursor)
    page.items = present(actor, page.items)
    return page


def get_task(actor, task_id: int) -> Task:
    """One task with its links and history."""
    task = _task_or_404(task_id)
    _require_reader(actor, task)
    task = present(actor, [task])[0]
    task.events = present_events(
        list(db.session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id)))
    )
    return task


def present_events(events: list[TaskEvent]) -> list[TaskEvent]:
    people = accounts.users_by_id({e.actor_id for e in events if e.actor_id})
    for event in events:
        event.actor_name = _name(people.get(event.actor_id))
    return events


def _name(user) -> str:
    return (user.display_name or "") if user is not None else ""


def present(actor, tasks: list[Task]) -> list[Task]:
    """Attach the owner's and assigner's names, the grid's name, whether it is overdue, the links and `can`."""
    if not tasks:
        return tasks
    people = accounts.users_by_id({t.owner_id for t in tasks} | {t.assigned_by_id for t in tasks})
    links = _link_views(actor, tasks)
    grid_names = {gid: communities.get_grid(gid).name for gid in {t.grid_id for t in tasks if t.grid_id}}
    today = local_today()
    assigns = {cid: can_assign(actor, cid) for cid in {t.community_id for t in tasks}}
    for task in tasks:
        task.owner_name = _name(people.get(task.owner_id))
        task.assigned_by_name = _name(people.get(task.assigned_by_id))
        task.grid_name = grid_names.get(task.grid_id, "")
        task.is_overdue = task.status in ACTIVE_STATUSES and task.due_on < today
        task.links = links[task.id]
        task.can = abilities(actor, task, assigner=assigns[task.community_id])
    return tasks


# --- the overdue sweep -----------------------------------------------------------------------------------


def escalate_overdue_tasks(now=None) -> int:
    """Job: a task past its due date is told to whoever assigned it (and reminded to its owner), once: the
    row is claimed by a conditional UPDATE, so two runs, or two at once, tell nobody twice."""
    now = now or utcnow()
    today = local_today()
    due = db.session.execute(
        select(Task.id, Task.owner_id, Task.assigned_by_id, Task.community_id, Task.title).where(
            Task.status.in_(ACTIVE_STATUSES), Task.due_on < today, Task.escalated_at.is_(None)
        )
    ).all()
    told = 0
    for task_id, owner_id, assigned_by_id, community_id, title in due:
        claimed = db.session.execute(
            update(Task)
            .where(Task.id == task_id, Task.escalated_at.is_(None), Task.status.in_(ACTIVE_STATUSES))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        db.session.add(TaskEvent(task_id=task_id, actor_id=None, action="escalated"))
        context = {"task_id": task_id, "title": title}
        notifications.notify(
            [assigned_by_id], "task_escalated", context, community_id=community_id, url=f"/tasks/{task_id}"
        )
        if owner_id != assigned_by_id:
            notifications.notify(
                [owner_id], "task_overdue", context, community_id=community_id, url=f"/tasks/{task_id}"
            )
        told += 1
    db.session.flush()
    return told
