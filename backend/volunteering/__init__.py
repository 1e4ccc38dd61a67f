"""Volunteering (志愿服务): organisations, activities with shifts, sign-ups with a waitlist, hours, recruitment."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "volunteering",
    layer="content",
    models="backend.volunteering.models",
    blueprints=("backend.volunteering.routes:blp",),
    targets="backend.volunteering.targets",
    personal_data="backend.volunteering.personal_data",
    search="backend.volunteering.search",
    calendar="backend.volunteering.calendar",
    seed="backend.volunteering.demo:seed_volunteering",
)
