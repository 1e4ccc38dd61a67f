"""The messages Linli sent me (codes expire in minutes; their words are erased once a real provider sent them)."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.messaging.models import Message

TABLES = ("messages",)


def export(user) -> dict:
    return {"messages": rows_of(select(Message).where(Message.user_id == user.id), leave_out=("params",))}
