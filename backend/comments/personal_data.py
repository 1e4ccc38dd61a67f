"""Comments I wrote (deleted ones as their placeholder: the text was erased when deleted)."""

from sqlalchemy import select

from backend.comments.models import Comment
from backend.core.personal_data import rows_of

TABLES = ("comments",)


def export(user) -> dict:
    return {"comments": rows_of(select(Comment).where(Comment.author_id == user.id))}
