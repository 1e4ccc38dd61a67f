"""The resident register's rules: committee only; imports previewed, then applied once on confirmation;
every staff read of a person's record written to the audit log (by a job after the read: reads never write).

An import is two requests. The preview reads and checks the file, stores the checked rows under an id and
says, row by row, what would be added, changed or left alone, and what is wrong (in the reader's language);
nothing of the register changes. Confirming applies the stored rows in one transaction, once: the same rows
the committee saw, not a file sent again. Re-importing the same file finds nothing to change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import Row, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from backend import jobs
from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core.actors import actor_id
from backend.core.db import after_commit, utcnow
from backend.core.errors import Conflict, NotFound, ValidationFailed, register_messages
from backend.core.i18n import DEFAULT_LOCALE
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.register import sheets
from backend.register.models import RegisterHousehold, RegisterImport, RegisterResident

PREVIEW_HOURS = 24
ERRORS_SHOWN = 200
CHANGES_SHOWN = 200

register_messages(
    "register",
    {
        "no_file": {
            "zh-CN": ("没有收到文件", "请选择一个 CSV 或 XLSX 表格再上传。"),
            "en": ("No file", "Choose a CSV or XLSX spreadsheet to upload."),
        },
        "file_too_large": {
            "zh-CN": ("文件太大", "表格不能超过 {max_mb} MB。请分批导入。"),
            "en": ("File too large", "The spreadsheet may be at most {max_mb} MB. Import it in parts."),
        },
        "file_too_large_unpacked": {
            "zh-CN": ("文件解压后太大", "这个 XLSX 文件解压后远超一份居民表格应有的大小，未读取。"),
            "en": ("File too large unpacked", "This XLSX unpacks to far more than a register could be; not read."),
        },
        "too_many_rows": {
            "zh-CN": ("行数太多", "一次最多导入 {max} 行。请分批导入。"),
            "en": ("Too many rows", "At most {max} rows per import. Import the file in parts."),
        },
        "empty_file": {
            "zh-CN": ("表格是空的", "文件里没有找到任何行。"),
            "en": ("Empty spreadsheet", "The file has no rows."),
        },
        "bad_encoding": {
            "zh-CN": ("无法识别文字编码", "CSV 文件应为 UTF-8 或 GBK 编码。请在 Excel/WPS 中另存为“CSV UTF-8”再试。"),
            "en": ("Unknown text encoding", "A CSV must be UTF-8 or GBK. Save it as “CSV UTF-8” and try again."),
        },
        "unreadable_file": {
            "zh-CN": ("无法读取文件", "这不是可以读取的 CSV 或 XLSX 表格。"),
            "en": ("Unreadable file", "This is not a CSV or XLSX spreadsheet that can be read."),
        },
        "missing_columns": {
            "zh-CN": ("缺少必需的列", "表头缺少：{columns}。第一行应是列名。"),
            "en": ("Required columns missing", "The header lacks: {columns}. The first row must name the columns."),
        },
        "preview_expired": {
            "zh-CN": ("预览已失效", "这次导入已确认过，或预览已超过 24 小时。请重新上传文件。"),
            "en": (
                "Preview no longer valid",
                "This import was confirmed already, or is over 24 hours old. Upload again.",
            ),
        },
        "account_linked_elsewhere": {
            "zh-CN": ("账号已关联其他居民", "这个账号已经关联到本社区的另一位居民。请先在那位居民的档案里解除关联。"),
            "en": (
                "Account linked to another resident",
                "This account is linked to another resident of the register. Unlink it there first.",
            ),
        },
        "import_has_errors": {
            "zh-CN": ("有些行有错误", "有 {count} 行有错误。请改正后重新上传，或确认跳过这些行只导入其余行。"),
            "en": (
                "Some rows have errors",
                "{count} rows have errors. Fix them and upload again, or confirm skipping them.",
            ),
        },
    },
)

# Per-row problems, in the committee member's language (the preview lists them by line and column).
ROW_MESSAGES = {
    "required": {"zh-CN": "必填", "en": "Required"},
    "too_long": {"zh-CN": "不能超过 {max} 个字", "en": "At most {max} characters"},
    "bad_date": {"zh-CN": "日期应为 年-月-日（如 1950-03-08）", "en": "A date as YYYY-MM-DD (e.g. 1950-03-08)"},
    "future_date": {"zh-CN": "日期不能晚于今天或早于 1900 年", "en": "A date between 1900 and today"},
    "bad_phone": {"zh-CN": "电话号码应为 5–20 位数字", "en": "A phone number of 5–20 digits"},
    "bad_gender": {"zh-CN": "性别应为 男 或 女", "en": "Gender must be male or female"},
    "bad_grid": {"zh-CN": "本社区没有这个网格", "en": "No such grid in this community"},
    "duplicate": {"zh-CN": "与第 {line} 行是同一个人", "en": "The same person as line {line}"},
    "name_taken": {
        "zh-CN": "这一户已登记了另一位同名居民",
        "en": "Another resident of this name is already registered in this household",
    },
}

LIMITS = {"ref": 40, "name": 50, "building": 20, "unit": 20, "room": 20, "relation": 20, "notes": 200}
GENDER_WORDS = {"": "", "女": "female", "f": "female", "female": "female", "男": "male", "m": "male", "male": "male"}
DATE_FORMAT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")
FIELDS = ("ref", "name", "building", "unit", "room", "grid", "gender", "birth_date", "phone", "relation", "notes")
RESIDENT_FIELDS = ("ref", "name", "gender", "birth_date", "phone", "relation", "notes")


def max_bytes() -> int:
    return current_app.config.get("REGISTER_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def max_rows() -> int:
    return current_app.config.get("REGISTER_IMPORT_MAX_ROWS", 20_000)


# --- reading a file into checked rows ------------------------------------------------------------------


def _row_message(code: str, locale: str, **params) -> str:
    texts = ROW_MESSAGES[code]
    return (texts.get(locale) or texts["en"]).format(**params)


def _parse_date(value: str) -> tuple[str | None, str | None]:
    """(ISO date, None) or (None, problem)."""
    match = DATE_FORMAT.match(value)
    if not match:
        return None, "bad_date"
    year, month, day = (int(part) for part in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None, "bad_date"
    if parsed.year < 1900 or parsed > date.today():
        return None, "future_date"
    return parsed.isoformat(), None


def _check_row(values: dict[str, str], grids: dict[str, int]) -> tuple[dict, dict[str, tuple]]:
    """A row's values cleaned, and its problems as {column: (code, params)}."""
    row, problems = {}, {}
    for column in FIELDS:
        if column not in values:
            continue  # a column the file does not have leaves the register's value alone
        value = values[column]
        if column in LIMITS and len(value) > LIMITS[column]:
            problems[column] = ("too_long", {"max": LIMITS[column]})
            continue
        if column in sheets.REQUIRED_COLUMNS and not value:
            problems[column] = ("required", {})
            continue
        if column == "gender":
            if value.lower() not in GENDER_WORDS:
                problems[column] = ("bad_gender", {})
                continue
            value = GENDER_WORDS[value.lower()]
        elif column == "birth_date" and value:
            value, problem = _parse_date(value)
            if problem:
                problems[column] = (problem, {})
                continue
        elif column == "birth_date":
            value = None
        elif column == "phone" and value:
            digits = re.sub(r"[\s\-()]", "", value)
            if not re.fullmatch(r"\+?\d{5,20}", digits):
                problems[column] = ("bad_phone", {})
                continue
            value = digits
        elif column == "grid" and value:
            key = value.removeprefix("第").removesuffix("网格").strip()
            if key not in grids and value not in grids:
                problems[column] = ("bad_grid", {})
                continue
            value = grids.get(key) or grids[value]
        elif column == "grid":
            value = None
        elif column == "ref":
            value = value or None
        row[column] = value
    return row, problems


def _grid_lookup(community_id: int) -> dict[str, int]:
    """Grid number or name -> grid id (a file may name grids either way)."""
    lookup = {}
    for grid in communities.get_community(community_id).grids:
        lookup[str(grid.number)] = grid.id
        lookup[grid.name] = grid.id
    return lookup


def _read_file(community_id: int, data: bytes, locale: str) -> tuple[list[dict], list[dict], int]:
    """The file's rows checked: (valid rows with their line numbers, problems by line and column, rows read).

    :raises ValidationFailed: the file as a whole cannot be read (422 with a code naming why)
    """
    try:
        table = sheets.read_rows(data, max_rows=max_rows())
        positions = sheets.map_header(table[0])
    except sheets.SheetError as error:
        raise ValidationFailed(code=f"register.{error.code}", **error.params) from None
    grids = _grid_lookup(community_id)
    valid, problems, seen_keys = [], [], {}
    for line, cells in enumerate(table[1:], start=2):
        values = {column: (cells[index] if index < len(cells) else "") for column, index in positions.items()}
        row, row_problems = _check_row(values, grids)
        if not row_problems:
            for key in _keys(row):
                if key in seen_keys:
                    row_problems["name"] = ("duplicate", {"line": seen_keys[key]})
                    break
        if row_problems:
            problems += [
                {"row": line, "field": column, "message": _row_message(code, locale, **params)}
                for column, (code, params) in row_problems.items()
            ]
            continue
        for key in _keys(row):
            seen_keys[key] = line
        row["line"] = line
        valid.append(row)
    return valid, problems, len(table) - 1


def _address(row: dict) -> tuple[str, str, str]:
    return (row["building"], row.get("unit", ""), row["room"])


def _keys(row: dict) -> list[tuple]:
    """What identifies the person of a row: the committee's number, and the household and name."""
    keys = [("at", *_address(row), row["name"])]
    if row.get("ref"):
        keys.append(("ref", row["ref"]))
    return keys


# --- planning and applying an import ------------------------------------------------------------------


@dataclass
class Plan:
    """What applying the rows would do: per row, new / changed (with the columns) / unchanged / refused."""

    new: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, int, list[str]]] = field(default_factory=list)  # (row, resident id, columns)
    unchanged: int = 0
    refused: list[dict] = field(default_factory=list)
    new_households: set = field(default_factory=set)


def _households(community_id: int) -> dict[tuple[str, str, str], Row]:
    """(building, unit, room) -> (id, grid_id) of the register's households: plain rows, one SELECT."""
    stmt = select(
        RegisterHousehold.id,
        RegisterHousehold.building,
        RegisterHousehold.unit,
        RegisterHousehold.room,
        RegisterHousehold.grid_id,
    ).where(RegisterHousehold.community_id == community_id)
    return {(h.building, h.unit, h.room): h for h in db.session.execute(stmt)}


def _plan(community_id: int, rows: list[dict]) -> Plan:
    """Compare the rows with the register as it is now: one SELECT of households, one of residents, as plain
    rows (10,000 residents as ORM objects would cost seconds of bookkeeping for nothing)."""
    households = _households(community_id)
    columns = [getattr(RegisterResident, name) for name in ("id", "household_id", *RESIDENT_FIELDS)]
    residents = db.session.execute(select(*columns).where(RegisterResident.community_id == community_id)).all()
    by_ref = {r.ref: r for r in residents if r.ref}
    by_place = {(r.household_id, r.name): r for r in residents}
    plan = Plan()
    for row in rows:
        household = households.get(_address(row))
        found = by_ref.get(row.get("ref")) if row.get("ref") else None
        occupant = by_place.get((household.id, row["name"])) if household is not None else None
        # By household and name only when the register has no other number for that person.
        if found is None and occupant is not None and (not occupant.ref or not row.get("ref")):
            found = occupant
        if occupant is not None and (found is None or occupant.id != found.id):
            plan.refused.append(row)
            continue
        if household is None:
            plan.new_households.add(_address(row))
        if found is None:
            plan.new.append(row)
            continue
        changes = _changes(found, household, row)
        if changes:
            plan.changed.append((row, found.id, changes))
        else:
            plan.unchanged += 1
    return plan


def _changes(resident: Row, household: Row | None, row: dict) -> list[str]:
    changes = [
        column
        for column in RESIDENT_FIELDS
        if column in row and _stored(resident, column) != row[column] and not (column == "ref" and row[column] is None)
    ]
    if household is None or household.id != resident.household_id:
        changes.append("household")
    elif "grid" in row and row["grid"] is not None and household.grid_id != row["grid"]:
        changes.append("grid")
    return changes


def _stored(resident: Row, column: str):
    value = getattr(resident, column)
    return value.isoformat() if isinstance(value, date) else value


def _apply(community_id: int, plan: Plan) -> None:
    """Write the plan in a few statements: new households (one multi-row INSERT), their grids, new residents
    (one multi-row INSERT), changed residents (an UPDATE by id, executed as one batch)."""
    rows = [*plan.new, *(row for row, _id, _changes in plan.changed)]
    households = _households(community_id)
    created = {}
    for row in rows:
        address = _address(row)
        if address in households:
            continue
        household = created.setdefault(
            address,
            {
                "community_id": community_id,
                "building": address[0],
                "unit": address[1],
                "room": address[2],
                "grid_id": None,
                "created_at": utcnow(),
            },
        )
        if row.get("grid") is not None:
            household["grid_id"] = row["grid"]
    if created:
        db.session.execute(insert(RegisterHousehold), list(created.values()))
        households = _households(community_id)
    grids = {}
    for row in rows:
        household = households[_address(row)]
        if row.get("grid") is not None and household.grid_id != row["grid"]:
            grids[household.id] = row["grid"]
    if grids:
        db.session.execute(update(RegisterHousehold), [{"id": k, "grid_id": v} for k, v in grids.items()])
    now = utcnow()
    if plan.new:
        db.session.execute(
            insert(RegisterResident),
            [
                {
                    "community_id": community_id,
                    "household_id": households[_address(row)].id,
                    "created_at": now,
                    "updated_at": now,
                    **_resident_values(row, keep_ref=False),
                }
                for row in plan.new
            ],
        )
    if plan.changed:
        db.session.execute(
            update(RegisterResident),
            [
                {
                    "id": resident_id,
                    "household_id": households[_address(row)].id,
                    "updated_at": now,
                    **_resident_values(row, keep_ref=True),
                }
                for row, resident_id, _changes in plan.changed
            ],
        )
    db.session.flush()


def _resident_values(row: dict, *, keep_ref: bool) -> dict:
    """A row's values for the residents table; a column the file lacks is left out (unchanged on update, the
    default on insert), and a blank number never erases the one the register has (`keep_ref`)."""
    values = {}
    for column in RESIDENT_FIELDS:
        if column not in row or (column == "ref" and row[column] is None and keep_ref):
            continue
        value = row[column]
        values[column] = date.fromisoformat(value) if column == "birth_date" and value else value
    for column, default in (("gender", ""), ("phone", ""), ("relation", ""), ("notes", "")):
        if not keep_ref:
            values.setdefault(column, default)
    return values


def _counts(plan: Plan, problems: list[dict], rows_read: int) -> dict:
    return {
        "rows": rows_read,
        "new": len(plan.new),
        "changed": len(plan.changed),
        "unchanged": plan.unchanged,
        "invalid": len({p["row"] for p in problems}),
        "new_households": len(plan.new_households),
    }


def _refusals(plan: Plan, locale: str) -> list[dict]:
    return [
        {"row": row["line"], "field": "name", "message": _row_message("name_taken", locale)} for row in plan.refused
    ]


def _changes_shown(plan: Plan) -> list[dict]:
    shown = [
        {
            "row": r["line"],
            "action": "new",
            "name": r["name"],
            "address": "-".join(filter(None, _address(r))),
            "fields": [],
        }
        for r in plan.new[:CHANGES_SHOWN]
    ]
    shown += [
        {
            "row": r["line"],
            "action": "changed",
            "name": r["name"],
            "address": "-".join(filter(None, _address(r))),
            "fields": columns,
        }
        for r, _resident, columns in plan.changed[: max(CHANGES_SHOWN - len(shown), 0)]
    ]
    return sorted(shown, key=lambda item: item["row"])


def preview_import(actor, community_id: int, data: bytes | None, *, file_name: str = "", locale: str = DEFAULT_LOCALE):
    """Check a spreadsheet and say what importing it would do; the register is not touched (committee).

    :raises ValidationFailed: no file, too large, unreadable, bad encoding, too many rows, columns missing
    """
    access.require_committee(actor, community_id)
    if not data:
        raise ValidationFailed(code="register.no_file")
    if len(data) > max_bytes():
        raise ValidationFailed(code="register.file_too_large", max_mb=max_bytes() // (1024 * 1024))
    rows, problems, rows_read = _read_file(community_id, data, locale)
    plan = _plan(community_id, rows)
    problems = sorted(problems + _refusals(plan, locale), key=lambda p: p["row"])
    refused_lines = {row["line"] for row in plan.refused}
    preview = RegisterImport(
        community_id=community_id,
        created_by_id=actor.id,
        file_name=(file_name or "")[:200],
        file_sha256=hashlib.sha256(data).hexdigest(),
        rows=[row for row in rows if row["line"] not in refused_lines],
        counts=_counts(plan, problems, rows_read),
        row_count=len(rows),
    )
    db.session.add(preview)
    db.session.flush()
    audit.record(
        actor,
        "register.preview",
        "register_import",
        preview.id,
        community_id=community_id,
        after={"file_sha256": preview.file_sha256, **preview.counts},
    )
    return SimpleNamespace(
        id=preview.id,
        rows=rows_read,
        valid=len(rows) - len(refused_lines),
        file_name=preview.file_name,
        expires_at=preview.created_at + timedelta(hours=PREVIEW_HOURS),
        counts=preview.counts,
        errors=problems[:ERRORS_SHOWN],
        errors_total=len(problems),
        changes=_changes_shown(plan),
    )


def confirm_import(actor, import_id: int, *, skip_invalid_rows: bool = False):
    """Apply a previewed import: the same rows, once, all or nothing (the committee of its community).

    :raises NotFound: no such preview
    :raises Conflict: register.preview_expired (applied already, or over a day old), register.import_has_errors
    """
    preview = db.session.get(RegisterImport, import_id)
    if preview is None:
        access.require_user(actor)
        raise NotFound()
    community_id = preview.community_id
    access.require_committee(actor, community_id)
    fresh_since = utcnow() - timedelta(hours=PREVIEW_HOURS)
    if preview.status != "previewed" or preview.created_at < fresh_since:
        raise Conflict("register.preview_expired")
    if preview.counts.get("invalid") and not skip_invalid_rows:
        raise Conflict("register.import_has_errors", count=preview.counts["invalid"])
    # Claim the preview first: of two confirmations at once, one applies and the other is told it is used.
    claimed = db.session.execute(
        update(RegisterImport)
        .where(RegisterImport.id == preview.id, RegisterImport.status == "previewed")
        .values(status="applied", applied_at=utcnow(), rows=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("register.preview_expired")
    plan = _plan(community_id, preview.rows or [])
    if plan.refused and not skip_invalid_rows:
        raise Conflict("register.import_has_errors", count=len(plan.refused))
    _apply(community_id, plan)
    result = {
        "created": len(plan.new),
        "updated": len(plan.changed),
        "unchanged": plan.unchanged,
        "skipped": preview.counts.get("invalid", 0) + len(plan.refused),
        "new_households": len(plan.new_households),
    }
    audit.record(actor, "register.import", "register_import", preview.id, community_id=community_id, after=result)
    return result


def purge_previews(now=None) -> int:
    """Job: drop previews older than a day (their rows are personal data waiting for nothing)."""
    cutoff = (now or utcnow()) - timedelta(hours=PREVIEW_HOURS)
    return db.session.execute(
        delete(RegisterImport).where(RegisterImport.status == "previewed", RegisterImport.created_at < cutoff)
    ).rowcount


# --- reading the register ------------------------------------------------------------------------------


def _audit_read_later(actor, community_id: int, action: str, target_type: str, target_id: int | None, detail: dict):
    """The audit entry of a staff read, written by a job after the read (a read's own transaction never
    writes); the job runs whether the read's response was sent or not."""
    who = actor_id(actor)
    after_commit(lambda: jobs.enqueue(record_read, who, community_id, action, target_type, target_id, detail))


def record_read(user_id: int, community_id: int, action: str, target_type: str, target_id, detail: dict) -> None:
    """Job: one audit entry for one staff read of the register."""
    audit.record(SimpleNamespace(id=user_id), action, target_type, target_id, community_id=community_id, after=detail)


def list_residents(
    actor,
    community_id: int,
    *,
    query: str | None = None,
    grid_id: int | None = None,
    building: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
    locale: str = DEFAULT_LOCALE,
) -> Page:
    """One page of the register (committee); the read is audited."""
    access.require_committee(actor, community_id)
    stmt = (
        select(RegisterResident)
        .join(RegisterHousehold, RegisterHousehold.id == RegisterResident.household_id)
        .where(RegisterResident.community_id == community_id)
    )
    if query:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                RegisterResident.name.like(pattern, escape="\\"),
                RegisterResident.ref == query,
                RegisterResident.phone == query,
            )
        )
    if grid_id is not None:
        stmt = stmt.where(RegisterHousehold.grid_id == grid_id)
    if building:
        stmt = stmt.where(RegisterHousehold.building == building)
    page = paginate(stmt, [SortKey(RegisterResident.id)], limit=limit, cursor=cursor)
    filters = {k: v for k, v in (("query", query), ("grid_id", grid_id), ("building", building)) if v}
    _audit_read_later(
        actor,
        community_id,
        "register.list",
        "community",
        community_id,
        {"shown": [r.id for r in page.items], **filters},
    )
    return page


def get_resident(actor, resident_id: int) -> RegisterResident:
    """One person's record (committee of their community); the read is audited.

    :raises NotFound: no such record
    """
    resident = db.session.get(RegisterResident, resident_id)
    if resident is None:
        access.require_user(actor)
        raise NotFound()
    access.require_committee(actor, resident.community_id)
    _audit_read_later(actor, resident.community_id, "register.read", "register_resident", resident.id, {})
    return resident


def export_register(actor, community_id: int, *, file_format: str, locale: str = DEFAULT_LOCALE):
    """The whole register as the import reads it (committee): (bytes, mimetype, file name). Audited."""
    access.require_committee(actor, community_id)
    grids = {grid.id: grid.number for grid in communities.get_community(community_id).grids}
    rows = []
    ids = []
    stmt = (
        select(RegisterResident)
        .where(RegisterResident.community_id == community_id)
        .order_by(RegisterResident.household_id, RegisterResident.id)
    )
    for resident in db.session.scalars(stmt):
        household = resident.household
        ids.append(resident.id)
        rows.append(
            [
                resident.ref or "",
                resident.name,
                household.building,
                household.unit,
                household.room,
                grids.get(household.grid_id, ""),
                {"female": "女", "male": "男"}.get(resident.gender, "") if locale == "zh-CN" else resident.gender,
                resident.birth_date.isoformat() if resident.birth_date else "",
                resident.phone,
                resident.relation,
                resident.notes,
            ]
        )
    header = sheets.header_titles(locale)
    _audit_read_later(
        actor, community_id, "register.export", "community", community_id, {"format": file_format, "count": len(ids)}
    )
    stamp = utcnow().strftime("%Y%m%d")
    if file_format == "xlsx":
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return sheets.write_xlsx(header, rows), mimetype, f"register-{community_id}-{stamp}.xlsx"
    return sheets.write_csv(header, rows), "text/csv; charset=utf-8", f"register-{community_id}-{stamp}.csv"


# --- the link between a register record and a member's account -------------------------------------------
#
# The committee links a record to the account of the person it describes, so the register shows who uses the
# app and the person's data download holds their record. Nothing links by itself: two people of one name in
# one flat, or a relative who signed up for an elderly parent, would be linked wrongly by a name match. The
# committee is offered the verified members living at the record's address (a same name marked), and decides;
# every link and unlink is audited. One account is linked to at most one record of a community (a unique key).


def _resident_for_committee(actor, resident_id: int) -> RegisterResident:
    resident = db.session.get(RegisterResident, resident_id)
    if resident is None:
        access.require_user(actor)
        raise NotFound()
    access.require_committee(actor, resident.community_id)
    return resident


def account_candidates(actor, resident_id: int) -> list[dict]:
    """The verified members living at the record's address, a same name first (committee)."""
    resident = _resident_for_committee(actor, resident_id)
    home = resident.household
    members = communities.verified_members_at(resident.community_id, home.building, home.unit, home.room)
    linked = dict(
        db.session.execute(
            select(RegisterResident.user_id, RegisterResident.id).where(
                RegisterResident.community_id == resident.community_id,
                RegisterResident.user_id.in_([m.user_id for m in members]),
            )
        ).all()
    )
    found = [
        {
            "user": member.user,
            "name_matches": (member.user.display_name or "").strip() == resident.name,
            "linked_resident_id": linked.get(member.user_id),
        }
        for member in members
    ]
    return sorted(found, key=lambda c: (not c["name_matches"], c["user"].id))


def link_account(actor, resident_id: int, user_id: int) -> RegisterResident:
    """Link the record to a verified member's account (committee; audited).

    :raises ValidationFailed: the account is not a verified member of the record's community
    :raises Conflict: ``register.account_linked_elsewhere`` when another record of the community has it
    """
    resident = _resident_for_committee(actor, resident_id)
    access.require_active_member(actor, resident.community_id)
    member = communities.memberships_by_user(resident.community_id, [user_id]).get(user_id)
    if member is None or member.status != "verified":
        raise ValidationFailed({"user_id": ["not a verified member of this community"]})
    before = resident.user_id
    if before == user_id:
        return resident
    try:
        with db.session.begin_nested():
            resident.user_id = user_id
            resident.updated_at = utcnow()
            db.session.flush()
    except IntegrityError:
        db.session.refresh(resident)
        raise Conflict("register.account_linked_elsewhere") from None
    audit.record(
        actor,
        "register.link",
        "register_resident",
        resident.id,
        community_id=resident.community_id,
        before={"user_id": before},
        after={"user_id": user_id},
    )
    return resident


def unlink_account(actor, resident_id: int) -> RegisterResident:
    """Take the account off the record (committee; audited). Unlinking an unlinked record changes nothing."""
    resident = _resident_for_committee(actor, resident_id)
    access.require_active_member(actor, resident.community_id)
    before = resident.user_id
    if before is None:
        return resident
    resident.user_id, resident.updated_at = None, utcnow()
    db.session.flush()
    audit.record(
        actor,
        "register.unlink",
        "register_resident",
        resident.id,
        community_id=resident.community_id,
        before={"user_id": before},
        after={"user_id": None},
    )
    return resident


# --- for other domains (care) and the data download ----------------------------------------------------


def resident_in_community(community_id: int, resident_id: int | None) -> RegisterResident | None:
    """A register record of this community, or None (another community's id reads as missing)."""
    if resident_id is None:
        return None
    resident = db.session.get(RegisterResident, resident_id)
    return resident if resident is not None and resident.community_id == community_id else None


def residents_by_id(resident_ids) -> dict[int, RegisterResident]:
    ids = list(set(resident_ids))
    if not ids:
        return {}
    return {r.id: r for r in db.session.scalars(select(RegisterResident).where(RegisterResident.id.in_(ids)))}


def resident_ids_in(community_id: int) -> list[int]:
    """The ids of a community's register, oldest first (the demo seed of the care register)."""
    return list(
        db.session.scalars(
            select(RegisterResident.id).where(RegisterResident.community_id == community_id).order_by("id")
        )
    )


def resident_ids_of_user(user_id: int) -> list[int]:
    return list(db.session.scalars(select(RegisterResident.id).where(RegisterResident.user_id == user_id)))
