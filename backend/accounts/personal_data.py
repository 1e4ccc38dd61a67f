"""A person's copy of everything Linli holds about them (PIPL art. 45: the right to access and copy).

Each domain knows its own tables, so each names in its manifest a `personal_data` module with
`export(user) -> dict` and `TABLES`, the tables it reads (a test checks that together they cover every
table that refers to a person). An exporter returns plain JSON values about the person only: their
own rows, and other people as ids at most, never their names or contact details. Secrets are left out
(password and session-token hashes, push keys), and so is anything that would undo ballot secrecy: a
secret ballot was never linked to its voter. The helpers that turn rows into JSON are in core.personal_data.
"""

from __future__ import annotations

from sqlalchemy import select

from backend.accounts import privacy
from backend.accounts.models import LoginCode, User, UserSession
from backend.core.actors import require_user
from backend.core.db import utcnow
from backend.core.manifest import installed, resolve
from backend.core.personal_data import row_dict, rows_of

FORMAT_VERSION = 1
TABLES = ("users", "user_sessions", "login_codes")


def section_modules() -> dict:
    """One section per domain that holds personal data, in the order of backend/domains.py."""
    return {domain.name: resolve(domain.personal_data) for domain in installed() if domain.personal_data}


def _account(user: User) -> dict:
    return {
        "profile": row_dict(user, leave_out=("password_hash",)),
        "sessions": rows_of(select(UserSession).where(UserSession.user_id == user.id), leave_out=("token_hash",)),
        # One-time codes asked for this account: when, what for, used or not; never the code or the address.
        "one_time_codes": rows_of(
            select(LoginCode).where(LoginCode.user_id == user.id), leave_out=("code_hash", "login_hash")
        ),
    }


def export_for(actor) -> dict:
    """Everything about the signed-in person, one section per domain."""
    user = require_user(actor)
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "user_id": user.id,
        "privacy_notice": {"current_version": privacy.NOTICE_VERSION, "accepted_version": user.privacy_notice_version},
        "account": _account(user),
        **{name: module.export(user) for name, module in section_modules().items()},
    }
