"""The care register (关爱对象): the committee's private list of residents who need care, with a visit plan,
an assignee, logged visits, overdue alerts, coverage per grid; and private requests for emotional support
(社区心理服务) that only the counsellors the committee designates see."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "care",
    layer="content",
    models="backend.care.models",
    blueprints=("backend.care.routes:blp",),
    personal_data="backend.care.personal_data",
    jobs=(
        Job(
            "care-overdue-visits",
            "backend.care.services:alert_overdue_visits",
            HOUR,
            description="tell the assignee of a care visit that is due, then the committee two days later",
        ),
    ),
    seed="backend.care.demo:seed_care",
)
