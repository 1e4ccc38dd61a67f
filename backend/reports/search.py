"""Reports in search: what the public board shows of them (the description and the place in words), found by
anyone unless moderation hid them. The reporter is never part of the document."""

from sqlalchemy import select

from backend.core import search
from backend.reports.models import Report


def visible_ids(_actor, community_id: int):
    return select(Report.id).where(Report.community_id == community_id, Report.is_hidden.is_(False))


search.register(
    "report",
    model=Report,
    screen="/reports/{id}",
    icon="camera",
    labels={"zh-CN": ("随手拍", "报告"), "en": ("Report", "Reports")},
    title=lambda report: report.description[:60],
    body=lambda report: f"{report.description}\n{report.location_text or ''}",
    words=("description", "location_text"),
    visible_ids=visible_ids,
)
