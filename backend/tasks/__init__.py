"""The task ledger (任务台账): who does what, for whom, by when. Tasks with an owner, a due date, a status and
links to reports, projects, polls, meetings or care visits; created by the committee or the street above it
(or from a report or a project in one step, or by another domain through `services.create_task`); overdue
tasks escalate to whoever assigned them; every change audited."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "tasks",
    layer="content",
    models="backend.tasks.models",
    blueprints=("backend.tasks.routes:blp",),
    personal_data="backend.tasks.personal_data",
    jobs=(
        Job(
            "task-overdue-sweep",
            "backend.tasks.services:escalate_overdue_tasks",
            HOUR,
            description="tell whoever assigned a task, once, that it is past its due date",
        ),
    ),
    seed="backend.tasks.demo:seed_tasks",
)
