"""Problem reports (随手拍): photos, grid routing, deadlines with escalation, public board, satisfaction."""

from backend.core.manifest import MINUTE, Domain, Job

DOMAIN = Domain(
    "reports",
    layer="content",
    models="backend.reports.models",
    blueprints=("backend.reports.routes:blp", "backend.reports.transfer_routes:blp"),
    targets="backend.reports.targets",
    personal_data="backend.reports.personal_data",
    search="backend.reports.search",
    jobs=(
        Job(
            "sla-sweep",
            "backend.reports.services:sla_sweep",
            5 * MINUTE,
            description="escalate overdue reports once; close week-old resolved ones as confirmed",
        ),
    ),
    seed="backend.reports.demo:seed_reports",
)
