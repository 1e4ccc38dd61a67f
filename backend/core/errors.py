"""One error shape for the whole API: RFC 9457 problem details with a stable `code`.

Services raise DomainError subclasses; the handlers registered in create_app turn every error
(domain, validation, HTTP, unexpected) into `application/problem+json` with a title and detail in
the request's language. Domains add their own codes with `register_messages(domain, {...})`: each code
carries its domain (`report.invalid_transition`), except core's own and those the API contract names
(CONTRACT_CODES), which keep their spelling. A code registered twice is refused at import.
"""

from __future__ import annotations

import logging
import re

from flask import Response, current_app, json, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from backend.core.i18n import request_locale

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"

# code -> {locale: (title, detail)}; detail may use str.format fields from DomainError.params.
MESSAGES: dict[str, dict[str, tuple[str, str]]] = {}
LOCALES = ("zh-CN", "en")
# Codes the API contract (docs/api.md) names: clients match on them, so they keep their spelling
# whichever domain raises them.
CONTRACT_CODES = frozenset(
    {
        "already_voted",
        "poll_closed",
        "not_eligible",
        "already_responded",
        "unsafe_push_endpoint",
        "invalid_credentials",
        "consent_required",
        "privacy_notice_changed",
    }
)


def register_messages(domain: str | None, messages: dict[str, dict[str, tuple[str, str]]]) -> list[str]:
    """Add a domain's error codes (at import of the domain); returns the codes as raised.

    `name` is registered as `domain.name` (a contract code, or core's with domain None, as it is).

    :raises ValueError: a code that is registered already, or a message missing a language
    """
    codes = []
    for name, texts in messages.items():
        code = name if domain is None or name in CONTRACT_CODES else f"{domain}.{name}"
        if code in MESSAGES:
            raise ValueError(f"error code {code!r} is registered twice")
        if set(texts) != set(LOCALES):
            raise ValueError(f"error code {code!r} needs a title and detail in {LOCALES}")
        MESSAGES[code] = texts
        codes.append(code)
    return codes


CORE_CODES = register_messages(
    None,
    {
        "validation_failed": {
            "zh-CN": ("输入有误", "请检查标出的字段。"),
            "en": ("Invalid input", "Please check the marked fields."),
        },
        "bad_request": {
            "zh-CN": ("请求无法处理", "请求格式不正确。"),
            "en": ("Bad request", "The request is malformed."),
        },
        "auth_required": {
            "zh-CN": ("请先登录", "此操作需要登录。"),
            "en": ("Sign-in required", "You need to sign in to do this."),
        },
        "forbidden": {
            "zh-CN": ("没有权限", "你没有权限进行此操作。"),
            "en": ("Not allowed", "You are not allowed to do this."),
        },
        "csrf_failed": {
            "zh-CN": ("安全校验失败", "缺少或无效的 CSRF 令牌，请刷新页面后重试。"),
            "en": ("Security check failed", "The CSRF token is missing or invalid; reload and try again."),
        },
        "not_found": {
            "zh-CN": ("未找到", "请求的内容不存在或已被删除。"),
            "en": ("Not found", "What you asked for does not exist or was removed."),
        },
        "method_not_allowed": {
            "zh-CN": ("方法不允许", "此地址不支持该请求方法。"),
            "en": ("Method not allowed", "This address does not accept that method."),
        },
        "conflict": {
            "zh-CN": ("操作冲突", "当前状态下无法进行此操作。"),
            "en": ("Conflict", "This cannot be done in the current state."),
        },
        "payload_too_large": {
            "zh-CN": ("内容过大", "上传的内容超过了大小限制。"),
            "en": ("Too large", "What you sent is larger than allowed."),
        },
        "unsupported_media_type": {
            "zh-CN": ("格式不支持", "请求的内容类型不受支持。"),
            "en": ("Unsupported media type", "That content type is not supported."),
        },
        "rate_limited": {
            "zh-CN": ("操作太频繁", "请稍后再试。"),
            "en": ("Too many requests", "Please wait a moment and try again."),
        },
        "internal_error": {
            "zh-CN": ("服务器出错了", "我们已记录此问题，请稍后再试。"),
            "en": ("Something went wrong", "The error has been logged; please try again later."),
        },
        "idempotency_key_reused": {
            "zh-CN": ("幂等键已被使用", "这个 Idempotency-Key 已用于另一个请求。"),
            "en": ("Idempotency key reused", "This Idempotency-Key was already used for a different request."),
        },
        "service_unavailable": {
            "zh-CN": ("服务暂不可用", "请稍后再试。"),
            "en": ("Service unavailable", "Please try again later."),
        },
        "storage_full": {
            "zh-CN": ("存储空间已满", "服务器的存储空间已满，这次没有保存任何内容。请稍后再试。"),
            "en": ("Storage full", "The server's storage is full; nothing was saved. Please try again later."),
        },
    },
)

# Per-field messages are written in English (marshmallow's and ours); these give them in Chinese.
# Exact sentences first, then patterns with numbers or lists in them.
FIELD_MESSAGES_ZH: dict[str, str] = {
    "Missing data for required field.": "此项必填。",
    "Unknown field.": "不允许的字段。",
    "Field may not be null.": "此项不能为空。",
    "Not a valid integer.": "请输入整数。",
    "Not a valid number.": "请输入数字。",
    "Not a valid string.": "请输入文字。",
    "Not a valid boolean.": "请选择是或否。",
    "Not a valid datetime.": "日期时间格式不正确。",
    "Not a valid date.": "日期格式不正确。",
    "Not a valid list.": "格式不正确，应为列表。",
    "Not a valid mapping type.": "格式不正确。",
    "Invalid input type.": "格式不正确。",
    "Invalid value.": "取值无效。",
    "String does not match expected pattern.": "格式不正确。",
    "invalid cursor": "分页游标无效。",
    "not a valid e-mail address": "邮箱地址不正确。",
    "not a mainland China mobile number": "不是有效的中国大陆手机号。",
    "give an e-mail address or a phone number, not both": "请填写邮箱或手机号（二选一）。",
    "too easy to guess": "密码太容易被猜到。",
    "unknown code": "邀请码不存在。",
    "not correct": "不正确。",
    "no such grid in this community": "该社区没有这个网格。",
}
FIELD_PATTERNS_ZH: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度须在 {0} 到 {1} 之间。"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "至少 {0} 个字符。"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "最多 {0} 个字符。"),
    (re.compile(r"^Must be one of: (.*)\.$"), "须为以下之一：{0}。"),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "须在 {0} 到 {1} 之间。",
    ),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "须不小于 {0}。"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "须不大于 {0}。"),
    (re.compile(r"^at least (\d+) characters$"), "至少 {0} 个字符。"),
    (re.compile(r"^1 to (\d+) characters$"), "1 到 {0} 个字符。"),
    (re.compile(r"^one of (.*)$"), "须为以下之一：{0}。"),
]


def register_field_messages(messages: dict[str, str]) -> None:
    """Add a domain's per-field sentences with their Chinese wording."""
    FIELD_MESSAGES_ZH.update(messages)


def localize_field_errors(errors, locale: str):
    """The same structure of field errors, each sentence in the request's language."""
    if locale != "zh-CN":
        return errors
    if isinstance(errors, dict):
        return {key: localize_field_errors(value, locale) for key, value in errors.items()}
    if isinstance(errors, list):
        return [localize_field_errors(value, locale) for value in errors]
    if not isinstance(errors, str):
        return errors
    if errors in FIELD_MESSAGES_ZH:
        return FIELD_MESSAGES_ZH[errors]
    for pattern, template in FIELD_PATTERNS_ZH:
        match = pattern.match(errors)
        if match:
            return template.format(*match.groups())
    return errors


HTTP_STATUS_CODES = {
    400: "bad_request",
    401: "auth_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    503: "service_unavailable",
}


class DomainError(Exception):
    """A rule was broken; `code` is stable and machine-readable, `status` the HTTP status."""

    status = 409
    code = "conflict"

    def __init__(self, code: str | None = None, *, status: int | None = None, errors=None, **params):
        super().__init__(code or self.code)
        if code:
            self.code = code
        if status:
            self.status = status
        self.errors = errors
        self.params = params


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"

    def __init__(self, errors: dict | None = None, code: str | None = None, **params):
        super().__init__(code, errors=errors, **params)


class AuthRequired(DomainError):
    status = 401
    code = "auth_required"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class StorageFull(DomainError):
    """A store (the database, the uploads) has no space left: 503, nothing was written."""

    status = 503
    code = "storage_full"

    def __init__(self, *, store: str):
        super().__init__(store=store)
        self.store = store


def localized(code: str, locale: str, params: dict | None = None, status: int = 409) -> tuple[str, str]:
    """Title and detail of `code` in `locale`, the detail filled from `params`.

    A detail whose fields the raiser did not pass is a bug (tests/test_errors.py looks for them): the
    reader gets the generic sentence of the status rather than a template with braces in it.
    """
    entry = MESSAGES.get(code)
    if entry is None:
        log.error("error code %r is not registered", code)
        entry = MESSAGES[HTTP_STATUS_CODES.get(status, "conflict")]
    title, detail = entry.get(locale) or entry["en"]
    try:
        return title, detail.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        log.error("error code %r: the raiser did not pass the fields of %r", code, detail)
        generic = MESSAGES[HTTP_STATUS_CODES.get(status, "conflict")]
        return title, (generic.get(locale) or generic["en"])[1]


def problem_response(status: int, code: str, *, errors=None, params=None, headers=None) -> Response:
    locale = request_locale()
    title, detail = localized(code, locale, params, status)
    body = {"type": "about:blank", "title": title, "status": status, "code": code, "detail": detail}
    if errors:
        body["errors"] = localize_field_errors(errors, locale)
    if params and params.get("reason"):
        # RFC 9457 extension member: why a 403 was given (not_verified, suspended, ...), for the PWA.
        body["reason"] = params["reason"]
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_webargs_messages(messages) -> dict:
    """webargs nests messages by location ({"json": {...}}); the API promises {field: [msg]}."""
    if not isinstance(messages, dict):
        return {"_schema": [str(messages)]}
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict) and location in {"json", "query", "files", "form", "headers", "path", "view_args"}:
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_domain_error(error: DomainError) -> Response:
    return problem_response(error.status, error.code, errors=error.errors, params=error.params)


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = None
    if "messages" in data:
        errors = _flatten_webargs_messages(data["messages"])
    code = HTTP_STATUS_CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    headers = dict(data.get("headers") or {})
    if status == 429 and getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem_response(status, code, errors=errors, headers=headers)


def handle_integrity_error(error: IntegrityError) -> Response:
    """A unique rule the service did not pre-empt (a race): nothing was written, say conflict."""
    from backend.core.db import rollback

    rollback()
    # The first line names the constraint; PostgreSQL's DETAIL line after it holds the values (a phone...).
    log.info("integrity error answered as 409: %s", str(error.orig).partition("\n")[0])
    return problem_response(409, "conflict")


def is_disk_full(error: BaseException) -> bool:
    """SQLite's SQLITE_FULL, PostgreSQL's disk_full (SQLSTATE 53100), or ENOSPC / EDQUOT from the OS."""
    import errno

    original = getattr(error, "orig", None) or error
    if getattr(original, "sqlstate", None) == "53100":
        return True
    if isinstance(original, OSError) and original.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    message = str(original).lower()
    return "database or disk is full" in message or "no space left on device" in message


def database_error_response(error: OperationalError) -> Response:
    """SQLite's write lock not free within busy_timeout (heavy write overload), or a full disk: nothing was
    written (the transaction is rolled back); say so with 503 and Retry-After, which the PWA's outbox retries,
    instead of a bare 500."""
    from backend.core.db import rollback
    from backend.core.health import record_failure

    rollback()
    if "locked" in str(error.orig).lower():
        log.warning("database busy on %s %s", request.method, request.path)
        return problem_response(503, "service_unavailable", headers={"Retry-After": "2"})
    if is_disk_full(error):
        record_failure("database", "disk full")
        log.error("database disk full on %s %s", request.method, request.path)
        return problem_response(503, "storage_full", headers={"Retry-After": "60"})
    log.exception("database error on %s %s", request.method, request.path)
    return problem_response(500, "internal_error")


def handle_operational_error(error: OperationalError) -> Response:
    return database_error_response(error)


def handle_data_error(error: DataError | OverflowError) -> Response:
    """A value the database cannot hold (a number beyond its column, a string longer than it) that the schema
    did not bound: nothing was written; the request was wrong, not the server (tests/trust/test_robustness.py
    attacks every route so that this stays a safety net)."""
    from backend.core.db import rollback

    rollback()
    log.warning("value refused by the database on %s %s: %s", request.method, request.path, type(error).__name__)
    return problem_response(422, "validation_failed")


def handle_os_error(error: OSError) -> Response:
    """A full disk under the uploads (the storage cleans up its temporary file first): 503; anything else
    from the operating system is unexpected."""
    if is_disk_full(error):
        from backend.core.db import rollback
        from backend.core.health import record_failure

        rollback()
        record_failure("uploads", "disk full")
        return problem_response(503, "storage_full", headers={"Retry-After": "60"})
    return handle_unexpected(error)


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(500, "internal_error")


def register_error_handlers(app) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(OverflowError, handle_data_error)
    app.register_error_handler(OSError, handle_os_error)
    app.register_error_handler(Exception, handle_unexpected)
