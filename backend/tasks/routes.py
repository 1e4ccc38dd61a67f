"""Task ledger HTTP layer: parse, call one service, dump."""

from flask_smorest import Blueprint

from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.tasks import services
from backend.tasks.schemas import (
    CommunityTaskListArgsSchema,
    TaskCreateSchema,
    TaskDetailSchema,
    TaskListArgsSchema,
    TaskSchema,
    TaskStepSchema,
    TaskUpdateSchema,
)

TaskPageSchema = page_schema(TaskSchema)

blp = Blueprint("tasks", __name__, url_prefix="/api/v1", description="The task ledger (任务台账)")


@blp.route("/me/tasks", methods=["GET"])
@blp.arguments(TaskListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, TaskPageSchema)
def list_my_tasks(filters, page):
    """My ledger: the tasks I own, in every community."""
    return services.list_my_tasks(actor(), **filters, **page)


@blp.route("/communities/<int:cid>/tasks", methods=["GET"])
@blp.arguments(CommunityTaskListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, TaskPageSchema)
def list_community_tasks(filters, page, cid):
    """Everyone's tasks in the community, by owner, status, lateness, grid (committee, street, district)."""
    return services.list_community_tasks(actor(), cid, **filters, **page)


@blp.route("/communities/<int:cid>/tasks", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(TaskCreateSchema)
@blp.response(201, TaskSchema)
def create_task(data, cid):
    """Assign a task, or open one from a report or a project in one step (committee, street, district)."""
    return services.create_task(actor(), cid, **data)


@blp.route("/tasks/<int:task_id>", methods=["GET"])
@blp.response(200, TaskDetailSchema)
def get_task(task_id):
    """One task with its links and history (owner, assigner, committee, street, district)."""
    return services.get_task(actor(), task_id)


@blp.route("/tasks/<int:task_id>", methods=["PATCH"])
@blp.arguments(TaskUpdateSchema)
@blp.response(200, TaskSchema)
def update_task(data, task_id):
    """Change the title, description, owner, due date, grid or links (committee, street, district; audited)."""
    return services.update_task(actor(), task_id, data)


@blp.route("/tasks/<int:task_id>/steps", methods=["POST"])
@blp.arguments(TaskStepSchema)
@blp.response(200, TaskSchema)
def step_task(data, task_id):
    """Start or complete (owner, assigners), cancel or reopen (assigners) a task, with an optional note."""
    return services.step_task(actor(), task_id, **data)
