"""CSV exports for the committee: UTF-8 with a byte-order mark (so that Excel opens Chinese correctly),
a header row in the request's language, local times, and personal data only where the committee is
entitled to it: display names of reporters, authors, helpers and volunteers, never a phone number, an
e-mail address or a household. Cells that a spreadsheet would run as a formula are defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from backend.aid import figures as aid_figures
from backend.core.spreadsheet import defuse
from backend.projects import figures as project_figures
from backend.reports import figures as report_figures
from backend.reports.categories import label as category_label
from backend.volunteering import figures as volunteer_figures
from backend.voting import figures as voting_figures

BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    value: Callable[[dict, dict], object] | None = None  # (row, context) -> cell; default: row[key]


def _time(name):
    return lambda row, ctx: ctx["local"](row[name])


def _grid(row, ctx):
    return ctx["grids"].get(row["grid_id"], "")


def _hours(name):
    return lambda row, ctx: "" if row[name] is None else round(row[name] / 60, 2)


REPORT_COLUMNS = (
    Column("id", "编号", "id"),
    Column("created_at", "提交时间", "submitted at", _time("created_at")),
    Column("category", "类别", "category", lambda r, c: category_label(r["category"], c["locale"])),
    Column("grid", "网格", "grid", _grid),
    Column("status", "状态", "status"),
    Column("location_text", "位置", "location"),
    Column("description", "描述", "description"),
    Column("reporter_name", "反映人", "reporter"),
    Column("assignee_name", "处理人", "handler"),
    Column("accepted_at", "受理时间", "accepted at", _time("accepted_at")),
    Column("resolved_at", "办结时间", "resolved at", _time("resolved_at")),
    Column("resolve_due_at", "办结期限", "resolve deadline", _time("resolve_due_at")),
    Column(
        "within_deadline",
        "按期办结",
        "resolved within deadline",
        lambda r, c: "" if r["resolved_at"] is None else int(r["resolved_at"] <= r["resolve_due_at"]),
    ),
    Column("closed_at", "关闭时间", "closed at", _time("closed_at")),
    Column("reopen_count", "重办次数", "reopened"),
    Column("me_too_count", "附议人数", "me too"),
    Column("rating_stars", "评价星级", "stars"),
    Column(
        "is_confirmed_by_default", "默认好评", "confirmed by default", lambda r, c: int(r["is_confirmed_by_default"])
    ),
    Column("reject_reason", "驳回原因", "reject reason"),
)
PROJECT_COLUMNS = (
    Column("id", "编号", "id"),
    Column("title", "标题", "title"),
    Column("category", "类别", "category"),
    Column("grid", "网格", "grid", _grid),
    Column("status", "状态", "status"),
    Column("author_name", "发起人", "author"),
    Column("budget_yuan", "预算（元）", "budget (yuan)", lambda r, c: round((r["budget_cents"] or 0) / 100, 2)),
    Column("supports_count", "支持人数", "supporters"),
    Column("created_at", "创建时间", "created at", _time("created_at")),
    Column("submitted_at", "提交时间", "submitted at", _time("submitted_at")),
    Column("decided_at", "决定时间", "decided at", _time("decided_at")),
    Column("completed_at", "完成时间", "completed at", _time("completed_at")),
    Column("percent_done", "完成度", "percent done"),
    Column("rating_count", "评价数", "ratings"),
    Column("rating_average", "平均星级", "mean stars"),
    Column("poll_id", "投票编号", "poll id"),
)
POLL_COLUMNS = (
    Column("id", "编号", "id"),
    Column("title", "标题", "title"),
    Column("method", "方式", "method"),
    Column("eligibility", "投票资格", "eligibility"),
    Column("grid", "网格", "grid", _grid),
    Column("project_id", "项目编号", "project id"),
    Column("opens_at", "开始时间", "opens at", _time("opens_at")),
    Column("closes_at", "截止时间", "closes at", _time("closes_at")),
    Column("state", "状态", "state"),
    Column("is_secret", "无记名", "secret", lambda r, c: int(r["is_secret"])),
    Column("voters", "投票人数", "voters"),
    Column("eligible", "有资格人数", "eligible"),
    Column("turnout", "投票率", "turnout"),
    Column("quorum_met", "达到法定人数", "quorum met"),
    Column("passed", "通过", "passed"),
    Column("results", "结果", "results"),
    Column("cancelled", "已取消", "cancelled"),
)
AID_COLUMNS = (
    Column("id", "编号", "id"),
    Column("created_at", "发布时间", "posted at", _time("created_at")),
    Column("kind", "类型", "kind"),
    Column("category", "类别", "category"),
    Column("title", "标题", "title"),
    Column("grid", "网格", "grid", _grid),
    Column("status", "状态", "status"),
    Column("author_name", "发布人", "author"),
    Column("helper_name", "帮助人", "helper"),
    Column("completed_at", "完成时间", "completed at", _time("completed_at")),
    Column("hours", "时长（小时）", "hours", _hours("minutes")),
)
VOLUNTEER_HOUR_COLUMNS = (
    Column("organisation", "组织", "organisation"),
    Column("activity_id", "活动编号", "activity id"),
    Column("activity", "活动", "activity"),
    Column("starts_at", "开始时间", "starts at", _time("starts_at")),
    Column("ends_at", "结束时间", "ends at", _time("ends_at")),
    Column("volunteer_name", "志愿者", "volunteer"),
    Column("checked_in_at", "签到时间", "checked in at", _time("checked_in_at")),
    Column("hours", "时长（小时）", "hours", _hours("minutes")),
    Column("hours_reason", "时长说明", "hours note"),
)

EXPORTS: dict[str, tuple[tuple[Column, ...], Callable[[int, datetime, datetime], Iterable[dict]]]] = {
    "reports": (REPORT_COLUMNS, report_figures.export_rows),
    "projects": (PROJECT_COLUMNS, project_figures.export_rows),
    "polls": (POLL_COLUMNS, voting_figures.export_rows),
    "aid": (AID_COLUMNS, aid_figures.export_rows),
    "volunteer-hours": (VOLUNTEER_HOUR_COLUMNS, volunteer_figures.export_rows),
}


def header(name: str, locale: str) -> list[str]:
    return [column.zh if locale == "zh-CN" else column.en for column in EXPORTS[name][0]]


def csv_lines(name: str, community_id: int, start: datetime, end: datetime, context: dict) -> Iterator[str]:
    """The CSV text in chunks: BOM and header first, then one row per record (streamed from the database)."""
    columns, rows = EXPORTS[name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header(name, context["locale"]))
    yield BOM + flush()
    for count, row in enumerate(rows(community_id, start, end), start=1):
        writer.writerow([defuse(column.value(row, context) if column.value else row[column.key]) for column in columns])
        if count % 500 == 0:
            yield flush()
    yield flush()
