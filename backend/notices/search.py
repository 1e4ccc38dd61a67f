"""Notices in search: found by the members they are addressed to (a grid's notice by that grid's residents;
the committee finds them all), once published, never a hidden one."""

from sqlalchemy import false, select

from backend.communities import access
from backend.core import search
from backend.core.db import utcnow
from backend.notices.models import Notice
from backend.notices.services import _addressed_to


def visible_ids(actor, community_id: int):
    member = access.membership(actor, community_id)
    if member is None:
        return select(Notice.id).where(false())
    stmt = select(Notice.id).where(
        Notice.community_id == community_id, Notice.is_hidden.is_(False), Notice.publish_at <= utcnow()
    )
    return stmt if member.is_committee else stmt.where(*_addressed_to(member))


search.register(
    "notice",
    model=Notice,
    screen="/notices/{id}",
    icon="globe",
    labels={"zh-CN": ("公告", "公告"), "en": ("Notice", "Notices")},
    title=lambda notice: notice.title,
    body=lambda notice: notice.body,
    words=("title", "body"),
    visible_ids=visible_ids,
)
