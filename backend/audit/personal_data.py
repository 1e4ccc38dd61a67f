"""What the audit log records that I did (committee and organisation actions)."""

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.personal_data import rows_of

TABLES = ("audit_entries",)


def export(user) -> dict:
    return {"entries": rows_of(select(AuditEntry).where(AuditEntry.actor_id == user.id))}
