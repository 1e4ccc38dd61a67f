"""Outside agencies (部门报到, issue 19): property management, city management, the police station's community
officer, water and power utilities, registered at street or district level, serving several communities, with
their own staff accounts. Reports are transferred to them (backend.reports.transfers)."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "agencies",
    layer="shared",
    models="backend.agencies.models",
    blueprints=("backend.agencies.routes:blp",),
    personal_data="backend.agencies.personal_data",
    seed="backend.agencies.demo:seed_agencies",
)
