"""Accounts: registration, sign-in with server-side sessions, profile, consent, deletion, the data download."""

from backend.core.manifest import Domain

DOMAIN = Domain(
    "accounts",
    layer="identity",
    models="backend.accounts.models",
    blueprints=("backend.accounts.routes:auth_blp", "backend.accounts.routes:me_blp"),
)
