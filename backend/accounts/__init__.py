"""Accounts: registration, sign-in with server-side sessions, profile, consent, deletion, the data download."""

from backend.core.manifest import HOUR, Domain, Job

DOMAIN = Domain(
    "accounts",
    layer="identity",
    models="backend.accounts.models",
    blueprints=("backend.accounts.routes:auth_blp", "backend.accounts.routes:me_blp"),
    jobs=(
        Job(
            "purge-login-codes",
            "backend.accounts.codes:purge_spent_codes",
            HOUR,
            description="delete one-time sign-in and reset codes a day after they expired",
        ),
    ),
)
