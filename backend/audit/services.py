from backend.audit.models import AuditEntry
from backend.extensions import db


def record(actor, action: str, target_type: str, target_id: int | None, *, community_id: int | None,
           reason: str = "", before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Append one entry in the current transaction: the action and its log commit or fail together."""
    entry = AuditEntry(community_id=community_id, actor_id=getattr(actor, "id", None), action=action,
                       target_type=target_type, target_id=target_id, reason=reason or "",
                       before=before, after=after)
    db.session.add(entry)
    db.session.flush()
    return entry
