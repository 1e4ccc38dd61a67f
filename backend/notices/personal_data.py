"""Notices I published (committee) and the read receipts I left."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.notices.models import Notice, NoticeRead

TABLES = ("notices", "notice_reads")


def export(user) -> dict:
    return {
        "notices_published": rows_of(select(Notice).where(Notice.author_id == user.id)),
        "read_receipts": rows_of(select(NoticeRead).where(NoticeRead.user_id == user.id)),
    }
