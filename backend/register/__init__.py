"""The resident register (社区居民基础数据库): the committee's own record of residents and households, imported
from spreadsheets with a preview, exported in the same format; committee only, every read audited."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "register",
    layer="content",
    models="backend.register.models",
    blueprints=("backend.register.routes:blp",),
    personal_data="backend.register.personal_data",
    jobs=(
        Job(
            "purge-register-previews",
            "backend.register.services:purge_previews",
            HOUR,
            description="delete register import previews never confirmed within a day (their rows are personal data)",
        ),
    ),
    seed="backend.register.demo:seed_register",
)
