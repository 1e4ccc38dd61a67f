"""Micro-projects (微项目): a resident's small wish, supported, reviewed, voted, built and rated."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "projects",
    layer="content",
    models="backend.projects.models",
    blueprints=("backend.projects.routes:blp",),
    targets="backend.projects.targets",
    personal_data="backend.projects.personal_data",
    search="backend.projects.search",
    seed="backend.projects.demo:seed_projects",
)
