"""My tasks: those I own and those I assigned, and the steps I took in any task's history."""

from sqlalchemy import or_, select

from backend.core.personal_data import rows_of
from backend.tasks.models import Task, TaskEvent

TABLES = ("tasks", "task_links", "task_events")


def export(user) -> dict:
    return {
        "tasks": rows_of(select(Task).where(or_(Task.owner_id == user.id, Task.assigned_by_id == user.id))),
        "task_steps": rows_of(select(TaskEvent).where(TaskEvent.actor_id == user.id)),
    }
