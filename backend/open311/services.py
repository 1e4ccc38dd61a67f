"""Open311 GeoReport v2 for outside systems, API keys, and the 12345 hotline's tickets as reports.

- API keys: issued, listed and revoked by a platform admin (audited); the key is shown once and kept as a
  SHA-256 hash. Each key reports through an account of its own that nobody can sign in to.
- Open311 (https://wiki.open311.org/GeoReport_v2): `jurisdiction_id` is the community's id; a service is a
  report category; a request is a report, seen as a visitor sees it (no reporter, the position rounded, none
  hidden); posting one needs an API key and makes a report with channel "open311". What a poster sends about
  the person (e-mail, name, phone, device) is not kept: the city's system keeps it.
- The hotline: a CSV or XLSX of 12345 tickets is previewed (rows checked, errors per row in the caller's
  language, nothing written), then confirmed once; each ticket becomes a report with channel "hotline",
  once: the ticket number is unique in the database, so the same file twice, or two confirmations at once,
  change nothing the second time. The committee, or the officials of the street or district above it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts import in_person
from backend.audit import services as audit
from backend.communities import access
from backend.communities import services as communities
from backend.core.db import utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, register_messages
from backend.core.i18n import DEFAULT_LOCALE
from backend.extensions import db
from backend.open311.models import ApiKey, HotlineAccount, HotlineImport, HotlineTicket
from backend.register import sheets
from backend.reports import categories as cats
from backend.reports import services as reports

KEY_PREFIX = "l311_"
PREVIEW_HOURS = 24
DEFAULT_DAYS = 90  # GeoReport v2: without dates, the last 90 days ...
MAX_REQUESTS = 1000  # ... and at most 1000 requests
MAX_IDS = 100
ZONE = ZoneInfo("Asia/Shanghai")

register_messages(
    "open311",
    {
        "api_key_required": {
            "zh-CN": ("缺少或无效的 api_key", "提交请求需要平台管理员签发的有效 api_key。"),
            "en": ("Invalid api_key", "Posting a request needs a valid api_key issued by the platform admin."),
        },
        "jurisdiction_required": {
            "zh-CN": ("缺少 jurisdiction_id", "请用 jurisdiction_id 指明社区（社区编号）。"),
            "en": ("jurisdiction_id required", "Name the community with jurisdiction_id (its id)."),
        },
        "unknown_jurisdiction": {
            "zh-CN": ("没有这个社区", "jurisdiction_id 不是本平台的社区编号。"),
            "en": ("Unknown jurisdiction", "jurisdiction_id is not the id of a community here."),
        },
        "unknown_service": {
            "zh-CN": ("没有这项服务", "service_code 不是这个社区的问题分类。"),
            "en": ("Unknown service", "service_code is not a report category of this community."),
        },
        "key_revoked": {
            "zh-CN": ("密钥已吊销", "这个 API 密钥已经吊销。"),
            "en": ("Key revoked", "This API key has been revoked already."),
        },
        "empty_file": {
            "zh-CN": ("文件是空的", "文件里没有工单。第一行应是列名，其后每行一张工单。"),
            "en": ("Empty file", "The file has no tickets. The first row names the columns, then one ticket per row."),
        },
        "bad_encoding": {
            "zh-CN": ("无法识别文字编码", "CSV 文件应为 UTF-8 或 GBK 编码。"),
            "en": ("Unknown text encoding", "A CSV must be UTF-8 or GBK."),
        },
        "unreadable_file": {
            "zh-CN": ("无法读取文件", "这不是可以读取的 CSV 或 XLSX 表格。"),
            "en": ("Unreadable file", "This is not a CSV or XLSX spreadsheet that can be read."),
        },
        "too_many_rows": {
            "zh-CN": ("行数过多", "一次最多导入 {max} 张工单。"),
            "en": ("Too many rows", "At most {max} tickets at a time."),
        },
        "file_too_large_unpacked": {
            "zh-CN": ("文件过大", "这个表格解压后过大。"),
            "en": ("File too large", "This spreadsheet unpacks to too much data."),
        },
        "file_too_large": {
            "zh-CN": ("文件过大", "文件不能超过 {max_mb} MB。"),
            "en": ("File too large", "The file may be at most {max_mb} MB."),
        },
        "missing_columns": {
            "zh-CN": ("缺少必需的列", "表头缺少：{columns}。第一行应是列名。"),
            "en": ("Required columns missing", "The header lacks: {columns}. The first row must name the columns."),
        },
        "preview_expired": {
            "zh-CN": ("预览已失效", "这次导入已确认过，或预览已超过 24 小时。请重新上传文件。"),
            "en": ("Preview no longer valid", "This import was confirmed already, or is over 24 hours old."),
        },
        "import_has_errors": {
            "zh-CN": ("有些行有错误", "有 {count} 行有错误。请改正后重新上传，或确认跳过这些行。"),
            "en": ("Some rows have errors", "{count} rows have errors. Fix them and upload again, or skip them."),
        },
    },
)

# --- API keys ------------------------------------------------------------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(actor, name: str) -> tuple[ApiKey, str]:
    """A new key for an outside system: (the row, the key itself, shown this once). Platform admin; audited.

    :raises Forbidden: not a platform admin
    """
    access.require_platform_admin(actor)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    account = in_person.create_account_without_sign_in(name)
    row = ApiKey(
        name=name.strip(),
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=_hash(key),
        account_id=account.id,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "open311.key_issued", "api_key", row.id, community_id=None, after={"name": row.name})
    return row, key


def list_api_keys(actor) -> list[ApiKey]:
    """Every key, newest first, with when it was last used (platform admin)."""
    access.require_platform_admin(actor)
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.id.desc())))


def revoke_api_key(actor, key_id: int) -> ApiKey:
    """Revoke a key at once: its next request is refused. Platform admin; audited.

    :raises NotFound: no such key
    :raises Conflict: ``open311.key_revoked`` (revoked already)
    """
    access.require_platform_admin(actor)
    row = db.session.get(ApiKey, key_id)
    if row is None:
        raise NotFound()
    now = utcnow()
    claimed = db.session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("open311.key_revoked")
    db.session.refresh(row)
    audit.record(actor, "open311.key_revoked", "api_key", row.id, community_id=None, after={"name": row.name})
    return row


def key_holder(key: str | None) -> ApiKey:
    """The live key behind a presented api_key.

    :raises Forbidden: ``open311.api_key_required`` (missing, unknown or revoked)
    """
    if not key or len(key) > 200:
        raise Forbidden("open311.api_key_required")
    row = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None)))
    if row is None:
        raise Forbidden("open311.api_key_required")
    return row


def rate_key(key: str | None) -> str:
    """The rate limiter's bucket for a poster: the key's hash (never the key), else the address."""
    return "open311:" + _hash(key or "")[:32]


# --- Open311 reads -------------------------------------------------------------------------------


def jurisdiction(jurisdiction_id: str | None):
    """The community named by jurisdiction_id (its id).

    :raises ValidationFailed: ``open311.jurisdiction_required``
    :raises NotFound: ``open311.unknown_jurisdiction``
    """
    if not jurisdiction_id:
        raise ValidationFailed(code="open311.jurisdiction_required")
    text = jurisdiction_id.strip()
    if not text.isdigit() or len(text) > 9:
        raise NotFound("open311.unknown_jurisdiction")
    try:
        return communities.get_community(int(text))
    except NotFound:
        raise NotFound("open311.unknown_jurisdiction") from None


def _service(key: str, locale: str) -> dict:
    return {
        "service_code": key,
        "service_name": cats.label(key, locale),
        "description": _service_description(key, locale),
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "reports",
    }


def _service_description(key: str, locale: str) -> str:
    label = cats.label(key, locale)
    return f"{label}（社区问题反映）" if locale == "zh-CN" else f"{label} (a community problem report)"


def service_list(jurisdiction_id: str | None, locale: str = DEFAULT_LOCALE) -> list[dict]:
    """GET services: the community's report categories."""
    community = jurisdiction(jurisdiction_id)
    return [_service(key, locale) for key in cats.categories_of(community)]


def service_definition(jurisdiction_id: str | None, service_code: str) -> dict:
    """GET services/{code}: a category asks nothing beyond the request's own fields (metadata false)."""
    community = jurisdiction(jurisdiction_id)
    if service_code not in cats.categories_of(community):
        raise NotFound("open311.unknown_service")
    return {"service_code": service_code, "attributes": []}


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZONE).replace(microsecond=0).isoformat()


STATUS_NOTES = {
    "submitted": {"zh-CN": "已提交，等待受理", "en": "Submitted, waiting to be accepted"},
    "accepted": {"zh-CN": "已受理", "en": "Accepted"},
    "assigned": {"zh-CN": "已派单", "en": "Assigned"},
    "in_progress": {"zh-CN": "处理中", "en": "In progress"},
    "reopened": {"zh-CN": "重新处理", "en": "Reopened"},
    "resolved": {"zh-CN": "已解决", "en": "Resolved"},
    "confirmed": {"zh-CN": "已解决并确认", "en": "Resolved and confirmed"},
    "rejected": {"zh-CN": "未受理", "en": "Not accepted"},
}


def open311_status(status: str) -> str:
    """Our eight states in GeoReport's two: waiting for someone to act is open, anything else closed."""
    return "open" if status in reports.OPEN_STATUSES else "closed"


def _request(report, locale: str) -> dict:
    _mode, lat, lng = report.shown_position
    return {
        "service_request_id": report.id,
        "status": open311_status(report.status),
        "status_notes": STATUS_NOTES.get(report.status, {}).get(locale, report.status),
        "service_name": cats.label(report.category, locale),
        "service_code": report.category,
        "description": report.description,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": _time(report.created_at),
        "updated_datetime": _time(report.updated_at),
        "expected_datetime": _time(report.resolve_due_at if report.is_open else None),
        "address": report.location_text or None,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": None,
    }


def _ids(text: str | None) -> list[int] | None:
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) > MAX_IDS or not all(part.isdigit() and len(part) < 10 for part in parts):
        raise ValidationFailed({"service_request_id": [f"at most {MAX_IDS} ids, separated by commas"]})
    return [int(part) for part in parts]


def _words(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def list_requests(
    jurisdiction_id: str | None,
    *,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    status: str | None = None,
    locale: str = DEFAULT_LOCALE,
    now: datetime | None = None,
) -> list[dict]:
    """GET requests: the community's reports as a visitor sees them, newest first. With service_request_id
    the other filters are ignored (as the specification says); without dates, the last 90 days; at most 1000.

    :raises ValidationFailed: an end before the start, an unknown status
    """
    community = jurisdiction(jurisdiction_id)
    ids = _ids(service_request_id)
    if ids is not None:
        found = reports.outside_reports(community.id, ids=ids)
        return [_request(r, locale) for r in found]
    statuses = set(_words(status))
    if statuses - {"open", "closed"}:
        raise ValidationFailed({"status": ["open, closed, or both separated by a comma"]})
    if start_date and end_date and end_date < start_date:
        raise ValidationFailed({"end_date": ["the end date is before the start date"]})
    if start_date is None and end_date is None:
        start_date = (now or utcnow()) - timedelta(days=DEFAULT_DAYS)
    open_now = None if len(statuses) != 1 else statuses == {"open"}
    found = reports.outside_reports(
        community.id,
        categories=_words(service_code) or None,
        since=start_date,
        until=end_date,
        open_now=open_now,
        limit=MAX_REQUESTS,
    )
    return [_request(r, locale) for r in found]


def get_request(jurisdiction_id: str | None, request_id: int, locale: str = DEFAULT_LOCALE) -> list[dict]:
    """GET requests/{id}: one report as a list of one (the specification's shape).

    :raises NotFound: no such report in the community, or hidden
    """
    community = jurisdiction(jurisdiction_id)
    found = reports.outside_reports(community.id, ids=[request_id])
    if not found:
        raise NotFound()
    return [_request(found[0], locale)]


def post_request(
    api_key: str | None,
    jurisdiction_id: str | None,
    *,
    service_code: str,
    description: str = "",
    lat: float | None = None,
    long: float | None = None,
    address_string: str = "",
    locale: str = DEFAULT_LOCALE,
) -> list[dict]:
    """POST requests: a report from an outside system, reported by the key's account (channel "open311").

    :raises Forbidden: ``open311.api_key_required``
    :raises NotFound: ``open311.unknown_jurisdiction``
    :raises ValidationFailed: an unknown service, no description, neither a position nor an address
    """
    holder = key_holder(api_key)
    community = jurisdiction(jurisdiction_id)
    if service_code not in cats.categories_of(community):
        raise ValidationFailed({"service_code": ["not a report category of this community"]})
    if not (description or "").strip():
        raise ValidationFailed({"description": ["describe the problem"]})
    report = reports.file_from_outside(
        community.id,
        reporter_id=holder.account_id,
        channel="open311",
        category=service_code,
        description=description,
        lat=lat,
        lng=long,
        location_text=address_string,
    )
    db.session.execute(
        update(ApiKey)
        .where(ApiKey.id == holder.id)
        .values(last_used_at=utcnow(), requests_posted=ApiKey.requests_posted + 1)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        SimpleNamespace(id=holder.account_id),
        "open311.request_posted",
        "report",
        report.id,
        community_id=community.id,
        after={"api_key_id": holder.id, "api_key": holder.name},
    )
    return [{"service_request_id": report.id, "service_notice": None, "account_id": None}]


# --- the 12345 hotline ---------------------------------------------------------------------------

# Column -> header words accepted (the 12345 platform's export names them in Chinese).
HOTLINE_COLUMNS = {
    "ticket": ("工单编号", "工单号", "ticket", "ticket number", "ticket_number"),
    "received_at": ("受理时间", "来电时间", "received", "received_at", "time"),
    "category": ("问题分类", "诉求类别", "类别", "category"),
    "description": ("诉求内容", "问题描述", "内容", "description"),
    "address": ("事发地址", "地址", "address"),
    "lat": ("纬度", "lat", "latitude"),
    "lng": ("经度", "lng", "long", "longitude"),
}
REQUIRED_HOTLINE_COLUMNS = ("ticket", "description")
HOTLINE_LIMITS = {"ticket": 40, "description": 2000, "address": 200}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")

ROW_MESSAGES = {
    "required": {"zh-CN": "必填", "en": "Required"},
    "too_long": {"zh-CN": "不能超过 {max} 个字", "en": "At most {max} characters"},
    "bad_time": {"zh-CN": "时间应为 年-月-日 时:分（如 2026-12-01 09:30）", "en": "A time as YYYY-MM-DD HH:MM"},
    "bad_point": {"zh-CN": "经纬度应成对填写，且为有效数字", "en": "Give both latitude and longitude, as numbers"},
    "no_place": {"zh-CN": "请填写地址或经纬度", "en": "Give an address or a position"},
    "duplicate": {"zh-CN": "与第 {line} 行是同一张工单", "en": "The same ticket as line {line}"},
    "ticket_bad": {
        "zh-CN": "工单编号只能含字母、数字和 - _",
        "en": "A ticket number has letters, digits, - and _ only",
    },
}


def _max_rows() -> int:
    return current_app.config.get("HOTLINE_IMPORT_MAX_ROWS", 5000)


def max_bytes() -> int:
    return current_app.config.get("HOTLINE_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def _row_message(code: str, locale: str, **params) -> str:
    texts = ROW_MESSAGES[code]
    return (texts.get(locale) or texts["en"]).format(**params)


def _header(cells: list[str]) -> dict[str, int]:
    wanted = {word.lower(): column for column, words in HOTLINE_COLUMNS.items() for word in words}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = wanted.get(cell.strip().lower())
        if column and column not in positions:
            positions[column] = index
    missing = [c for c in REQUIRED_HOTLINE_COLUMNS if c not in positions]
    if missing:
        names = ", ".join(f"{HOTLINE_COLUMNS[c][0]}/{HOTLINE_COLUMNS[c][2]}" for c in missing)
        raise ValidationFailed(code="open311.missing_columns", columns=names)
    return positions


def _category_of(words: str, community) -> tuple[str, str]:
    """(our category, the hotline's own words when they are not one of ours: kept in the description)."""
    offered = cats.categories_of(community)
    text = words.strip()
    for key in offered:
        if text.lower() == key or text in (cats.label(key, "zh-CN"), cats.label(key, "en")):
            return key, ""
    return ("other" if "other" in offered else offered[-1]), text


def _parse_time(text: str) -> datetime | None:
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=ZONE).astimezone(UTC)
        except ValueError:
            continue
    return None


def _check_ticket(values: dict[str, str], community, now: datetime) -> tuple[dict, dict[str, tuple]]:
    problems: dict[str, tuple] = {}
    for column, limit in HOTLINE_LIMITS.items():
        if len(values.get(column, "")) > limit:
            problems[column] = ("too_long", {"max": limit})
    for column in REQUIRED_HOTLINE_COLUMNS:
        if not values.get(column):
            problems[column] = ("required", {})
    ticket = values.get("ticket", "")
    if ticket and "ticket" not in problems and not all(ch.isalnum() or ch in "-_" for ch in ticket):
        problems["ticket"] = ("ticket_bad", {})
    received = None
    if values.get("received_at"):
        received = _parse_time(values["received_at"])
        if received is None:
            problems["received_at"] = ("bad_time", {})
    lat = lng = None
    if values.get("lat") or values.get("lng"):
        try:
            lat, lng = float(values.get("lat", "")), float(values.get("lng", ""))
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise ValueError
        except ValueError:
            problems["lat"] = ("bad_point", {})
    if lat is None and not values.get("address") and "lat" not in problems:
        problems["address"] = ("no_place", {})
    category, words = _category_of(values.get("category", ""), community)
    description = values.get("description", "")
    if words:
        description = f"[12345 {words[:40]}] {description}"
    row = {
        "ticket": ticket,
        "received_at": received.isoformat() if received else None,
        "category": category,
        "description": description,
        "address": values.get("address", ""),
        "lat": lat,
        "lng": lng,
    }
    return row, problems


def _read_hotline_file(community, data: bytes | None, locale: str) -> tuple[list[dict], list[dict], int]:
    try:
        table = sheets.read_rows(data or b"", max_rows=_max_rows())
    except sheets.SheetError as error:
        raise ValidationFailed(code=f"open311.{error.code}", **error.params) from None
    positions = _header(table[0])
    valid, problems, seen = [], [], {}
    now = utcnow()
    for line, cells in enumerate(table[1:], start=2):
        values = {column: (cells[index] if index < len(cells) else "").strip() for column, index in positions.items()}
        row, row_problems = _check_ticket(values, community, now)
        if not row_problems and row["ticket"] in seen:
            row_problems["ticket"] = ("duplicate", {"line": seen[row["ticket"]]})
        if row_problems:
            problems += [
                {"row": line, "field": column, "message": _row_message(code, locale, **params)}
                for column, (code, params) in row_problems.items()
            ]
            continue
        seen[row["ticket"]] = line
        row["line"] = line
        valid.append(row)
    return valid, problems, len(table) - 1


def _already_taken(tickets: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(tickets), 500):
        chunk = tickets[start : start + 500]
        found |= set(
            db.session.scalars(select(HotlineTicket.ticket_number).where(HotlineTicket.ticket_number.in_(chunk)))
        )
    return found


def _require_importer(actor, community_id: int):
    """The community's committee, or an official of the street or district above it.

    :raises Forbidden: anyone else
    """
    access.require_user(actor)
    if access.oversees(actor, community_id):
        return actor
    return access.require_committee(actor, community_id)


@dataclass
class Preview:
    id: int
    community_id: int
    file_name: str
    expires_at: datetime
    counts: dict
    problems: list
    tickets: list


def preview_hotline(actor, community_id: int, data: bytes | None, *, file_name: str = "", locale: str = DEFAULT_LOCALE):
    """Check a hotline file: which tickets would become reports, which were taken in already, errors by line.
    Writes the preview only (no report).

    :raises Forbidden: neither the committee nor an official above it
    :raises ValidationFailed: the file as a whole cannot be read
    """
    community = communities.get_community(community_id)
    _require_importer(actor, community_id)
    valid, problems, rows_read = _read_hotline_file(community, data, locale)
    taken = _already_taken([row["ticket"] for row in valid])
    fresh = [row for row in valid if row["ticket"] not in taken]
    counts = {"rows": rows_read, "new": len(fresh), "already_imported": len(valid) - len(fresh)}
    counts["invalid"] = len({p["row"] for p in problems})
    preview = HotlineImport(
        community_id=community_id,
        created_by_id=actor.id,
        file_name=(file_name or "")[:200],
        status="previewed",
        rows=fresh,
        counts=counts,
        created_at=utcnow(),
    )
    db.session.add(preview)
    db.session.flush()
    return Preview(
        id=preview.id,
        community_id=community_id,
        file_name=preview.file_name,
        expires_at=preview.created_at + timedelta(hours=PREVIEW_HOURS),
        counts=counts,
        problems=problems,
        tickets=[
            {
                "line": r["line"],
                "ticket": r["ticket"],
                "category": r["category"],
                "label": cats.label(r["category"], locale),
            }
            for r in fresh[:200]
        ],
    )


def _hotline_account() -> int:
    """The account hotline reports are reported by, made once (two first imports at once agree on it)."""
    found = db.session.get(HotlineAccount, "12345")
    if found is not None:
        return found.user_id
    user = in_person.create_account_without_sign_in("12345 市民热线")
    try:
        with db.session.begin_nested():
            db.session.add(HotlineAccount(purpose="12345", user_id=user.id))
    except IntegrityError:
        return db.session.get(HotlineAccount, "12345").user_id
    return user.id


def take_in_tickets(actor, community_id: int, rows: list[dict]) -> dict:
    """Each ticket once: its number is claimed first (unique), then its report is made; a ticket someone took
    in meanwhile is counted as already imported."""
    reporter_id = _hotline_account()
    created, already = 0, 0
    for row in rows:
        try:
            with db.session.begin_nested():
                claim = HotlineTicket(
                    ticket_number=row["ticket"],
                    community_id=community_id,
                    report_id=0,
                    imported_by_id=actor.id,
                    imported_at=utcnow(),
                )
                db.session.add(claim)
                db.session.flush()
        except IntegrityError:
            already += 1
            continue
        report = reports.file_from_outside(
            community_id,
            reporter_id=reporter_id,
            channel="hotline",
            category=row["category"],
            description=row["description"],
            lat=row.get("lat"),
            lng=row.get("lng"),
            location_text=row.get("address") or "",
            filed_by=actor,
            created_at=datetime.fromisoformat(row["received_at"]) if row.get("received_at") else None,
        )
        claim.report_id = report.id
        created += 1
    db.session.flush()
    return {"created": created, "already_imported": already}


def confirm_hotline(actor, import_id: int, *, skip_invalid_rows: bool = False) -> dict:
    """Make the previewed tickets into reports, once (the importer's community's committee or officials).

    :raises NotFound: no such preview
    :raises Conflict: ``open311.preview_expired``, ``open311.import_has_errors``
    """
    preview = db.session.get(HotlineImport, import_id)
    if preview is None:
        raise NotFound()
    community_id = preview.community_id
    _require_importer(actor, community_id)
    fresh_since = utcnow() - timedelta(hours=PREVIEW_HOURS)
    if preview.status != "previewed" or preview.created_at < fresh_since:
        raise Conflict("open311.preview_expired")
    if preview.counts.get("invalid") and not skip_invalid_rows:
        raise Conflict("open311.import_has_errors", count=preview.counts["invalid"])
    # Claim the preview first: of two confirmations at once, one applies and the other is told it is used.
    claimed = db.session.execute(
        update(HotlineImport)
        .where(HotlineImport.id == preview.id, HotlineImport.status == "previewed")
        .values(status="applied", rows=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict("open311.preview_expired")
    result = take_in_tickets(actor, community_id, preview.rows or [])
    result["skipped"] = preview.counts.get("invalid", 0)
    audit.record(actor, "open311.hotline_import", "hotline_import", preview.id, community_id=community_id, after=result)
    return result


def import_hotline_file(actor, community_id: int, data: bytes, *, locale: str = DEFAULT_LOCALE) -> dict:
    """The CLI's one step: check the file, then take in its valid tickets (rows with errors are skipped and
    listed in the result)."""
    community = communities.get_community(community_id)
    _require_importer(actor, community_id)
    valid, problems, rows_read = _read_hotline_file(community, data, locale)
    result = take_in_tickets(actor, community_id, valid)
    result |= {"rows": rows_read, "invalid": len({p["row"] for p in problems}), "problems": problems}
    audit.record(
        actor,
        "open311.hotline_import",
        "hotline_import",
        None,
        community_id=community_id,
        after={k: v for k, v in result.items() if k != "problems"},
    )
    return result


def purge_previews(now: datetime | None = None) -> int:
    """Job: drop hotline previews never confirmed within a day (their rows hold callers' words)."""
    cutoff = (now or utcnow()) - timedelta(hours=PREVIEW_HOURS)
    deleted = db.session.execute(
        delete(HotlineImport).where(HotlineImport.status == "previewed", HotlineImport.created_at < cutoff)
    ).rowcount
    db.session.flush()
    return deleted
