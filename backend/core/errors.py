"""One error shape for the whole API: RFC 9457 problem details with a stable `code`.

Services raise DomainError subclasses; the handlers registered in create_app turn every error
(domain, validation, HTTP, unexpected) into `application/problem+json` with a title and detail in
the request's language. Domains add their own codes with `register_messages`.
"""

from __future__ import annotations

import logging

from flask import Response, current_app, json, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from backend.core.i18n import request_locale

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"

# code -> {locale: (title, detail)}; detail may use str.format fields from DomainError.params.
MESSAGES: dict[str, dict[str, tuple[str, str]]] = {}


def register_messages(messages: dict[str, dict[str, tuple[str, str]]]) -> None:
    """Add a domain's error codes to the catalogue (called at import time of the domain)."""
    MESSAGES.update(messages)


register_messages(
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
    }
)

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


def localized(code: str, locale: str, params: dict | None = None) -> tuple[str, str]:
    entry = MESSAGES.get(code) or MESSAGES["conflict"]
    title, detail = entry.get(locale) or entry["en"]
    if params:
        try:
            detail = detail.format(**params)
        except (KeyError, IndexError, ValueError):
            pass
    return title, detail


def problem_response(status: int, code: str, *, errors=None, params=None, headers=None) -> Response:
    title, detail = localized(code, request_locale(), params)
    body = {"type": "about:blank", "title": title, "status": status, "code": code, "detail": detail}
    if errors:
        body["errors"] = errors
    if params and params.get("reason"):
        # RFC 9457 extension member: why a 403 was given (not_verified, suspended, ...), for the PWA.
        body["reason"] = params["reason"]
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
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
    log.info("integrity error answered as 409: %s", error.orig)
    return problem_response(409, "conflict")


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(500, "internal_error")


def register_error_handlers(app) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(Exception, handle_unexpected)
