from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from backend.core.db import UTCDateTime, utcnow
from backend.core.errors import DomainError, register_messages
from backend.extensions import db

register_messages(
    "audit",
    {
        "audit_log_append_only": {
            "zh-CN": ("审计日志不可修改", "审计日志只能追加，不能修改或删除。"),
            "en": ("Audit log is append-only", "Audit entries can be added, never changed or removed."),
        },
    },
)


class AuditLogAppendOnly(DomainError):
    status = 409
    code = "audit.audit_log_append_only"


class AuditEntry(db.Model):
    """One committee/admin action: who, what, on what, why, before/after. Rows are never changed."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_community_id_id", "community_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(50))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship("User", lazy="joined")  # noqa: F821


# Append-only, enforced in the application for every database (and by a trigger on PostgreSQL).
@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper, _connection, _entry):
    raise AuditLogAppendOnly()


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state):
    if (state.is_update or state.is_delete) and any(
        getattr(m, "class_", None) is AuditEntry for m in state.all_mappers
    ):
        raise AuditLogAppendOnly()
