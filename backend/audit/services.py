"""The append-only audit log: record an action in the caller's transaction; list a community's entries."""

from types import SimpleNamespace

from sqlalchemy import select

from backend import jobs
from backend.audit.models import AuditEntry
from backend.core.actors import actor_id
from backend.core.db import after_commit
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db


def record(
    actor,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    community_id: int | None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry in the current transaction: the action and its log commit or fail together."""
    entry = AuditEntry(
        community_id=community_id,
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        before=before,
        after=after,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def record_read_later(
    actor, action: str, target_type: str, target_id: int | None, *, community_id: int | None, detail: dict | None = None
) -> None:
    """Audit a staff read of sensitive records: the entry is written by a job once the read's request ends (a
    read's own transaction never writes), whether or not the response reached the reader."""
    who = actor_id(actor)
    after_commit(lambda: jobs.enqueue(record_read, who, community_id, action, target_type, target_id, detail or {}))


def record_read(user_id: int, community_id: int | None, action: str, target_type: str, target_id, detail: dict) -> None:
    """Job: the audit entry of one staff read (see `record_read_later`)."""
    record(SimpleNamespace(id=user_id), action, target_type, target_id, community_id=community_id, after=detail)


def recent(community_id: int, action: str, target_type: str, target_id: int, *, since) -> list[AuditEntry]:
    """Entries of one action about one target since a time, oldest first (requests that await a decision)."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.community_id == community_id,
                AuditEntry.action == action,
                AuditEntry.target_type == target_type,
                AuditEntry.target_id == target_id,
                AuditEntry.created_at >= since,
            )
            .order_by(AuditEntry.id)
        )
    )


def entries(
    community_id: int,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """One page of a community's log, newest first; `action` matches a prefix ("moderation." for all of them).

    The caller decides who may read it (the committee, through moderation).
    """
    stmt = select(AuditEntry).where(AuditEntry.community_id == community_id)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action))
    if actor_id:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    return paginate(stmt, [SortKey(AuditEntry.id, descending=True)], limit=limit, cursor=cursor)
