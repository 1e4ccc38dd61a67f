"""Open311 GeoReport v2 (JSON and XML, the specification's errors), API keys, the hotline import."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import click
from flask import Response, current_app, request
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from backend.core.errors import ValidationFailed
from backend.core.i18n import request_locale
from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.extensions import limiter
from backend.open311 import services
from backend.open311.schemas import (
    ApiKeyCreateSchema,
    ApiKeySchema,
    HotlineConfirmSchema,
    HotlineFileSchema,
    HotlinePreviewSchema,
    HotlineResultSchema,
    IssuedApiKeySchema,
    Open311Args,
    Open311ErrorSchema,
    PostedRequestSchema,
    PostRequestSchema,
    RequestsQuerySchema,
    ServiceDefinitionSchema,
    ServiceRequestSchema,
    ServiceSchema,
)

blp = Blueprint("open311", __name__, description="Open311 GeoReport v2, API keys, the 12345 hotline import")

BASE = "/open311/v2"
FORMAT = "<any(json, xml):fmt>"
XML_TYPE = "text/xml; charset=utf-8"

# --- the specification's shapes --------------------------------------------------------------------


def _xml_value(parent, name: str, value) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, "attribute", item) if isinstance(item, dict) else None
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif value is not None:
        element.text = str(value)


def _xml(root: str, item: str | None, body) -> bytes:
    """The specification's XML: <root><item>fields</item>...</root>, or <root>fields</root> for one object."""
    top = ElementTree.Element(root)
    for entry in body if item else [body]:
        holder = ElementTree.SubElement(top, item) if item else top
        for name, value in entry.items():
            _xml_value(holder, name, value)
    return ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)


def _answer(fmt: str, body, *, root: str, item: str | None, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(_xml(root, item, body), status=status, content_type=XML_TYPE)
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


@blp.after_request
def errors_in_open311_shape(response: Response) -> Response:
    """On the Open311 paths an error is the specification's list of {code, description} (JSON or XML), with the
    same HTTP status and the same words our problem+json would have had."""
    if (
        response.status_code < 400
        or not request.path.startswith(BASE)
        or response.mimetype != "application/problem+json"
    ):
        return response
    try:
        problem = json.loads(response.get_data(as_text=True))
    except ValueError:
        problem = {}
    description = problem.get("detail") or problem.get("title") or ""
    for field, messages in (problem.get("errors") or {}).items():
        words = "; ".join(m for m in messages if isinstance(m, str)) if isinstance(messages, list) else str(messages)
        description += f" {field}: {words}"
    body = [{"code": response.status_code, "description": description.strip()}]
    fmt = "xml" if request.path.endswith(".xml") else "json"
    answer = _answer(fmt, body, root="errors", item="error", status=response.status_code)
    for header in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        if header in response.headers:
            answer.headers[header] = response.headers[header]
    return answer


# --- Open311 -----------------------------------------------------------------------------------------


def _in_both_formats(status: int):
    """OpenAPI for a GeoReport path: its answer is JSON or XML as the path's format says (the XML a string,
    the specification's element names), and every error is the specification's list, in the same format, not
    our problem+json; so clients and the fuzz test's content and schema checks know what to expect."""
    xml = {"schema": {"type": "string"}}
    error = {
        "description": "Open311 errors: [{code, description}] (JSON), or <errors><error> (XML)",
        "content": {"application/json": {"schema": Open311ErrorSchema(many=True)}, "text/xml": xml},
    }
    return blp.doc(responses={status: {"content": {"text/xml": xml}}, 422: error, "default": error})


@blp.route(f"{BASE}/services.{FORMAT}", methods=["GET"])
@blp.arguments(Open311Args, location="query")
@blp.response(200, ServiceSchema(many=True))
@_in_both_formats(200)
def list_services(args, fmt):
    """GeoReport v2 service list: the community's report categories (anyone)."""
    found = services.service_list(args["jurisdiction_id"], request_locale())
    return _answer(fmt, found, root="services", item="service")


@blp.route(f"{BASE}/services/<string:service_code>.{FORMAT}", methods=["GET"])
@blp.arguments(Open311Args, location="query")
@blp.response(200, ServiceDefinitionSchema)
@_in_both_formats(200)
def service_definition(args, service_code, fmt):
    """GeoReport v2 service definition: no extra attributes (anyone)."""
    found = services.service_definition(args["jurisdiction_id"], service_code)
    return _answer(fmt, found, root="service_definition", item=None)


@blp.route(f"{BASE}/requests.{FORMAT}", methods=["GET"])
@blp.arguments(RequestsQuerySchema, location="query")
@blp.response(200, ServiceRequestSchema(many=True))
@_in_both_formats(200)
def list_requests(args, fmt):
    """GeoReport v2 requests: the community's reports as the public board shows them, filtered (anyone)."""
    found = services.list_requests(args.pop("jurisdiction_id"), locale=request_locale(), **args)
    return _answer(fmt, found, root="service_requests", item="request")


def _poster_key() -> str:
    return services.rate_key(request.form.get("api_key") or request.args.get("api_key"))


@blp.route(f"{BASE}/requests.{FORMAT}", methods=["POST"])
@limiter.limit(lambda: current_app.config.get("OPEN311_POST_LIMIT", "60 per minute"), key_func=_poster_key)
@blp.arguments(PostRequestSchema, location="form")
@blp.response(201, PostedRequestSchema(many=True))
@_in_both_formats(201)
def post_request(args, fmt):
    """GeoReport v2 POST: a report from an outside system (an API key issued by the platform admin; limited per
    key)."""
    key = args.pop("api_key") or request.args.get("api_key")
    found = services.post_request(key, args.pop("jurisdiction_id"), locale=request_locale(), **args)
    return _answer(fmt, found, root="service_requests", item="request", status=201)


@blp.route(f"{BASE}/requests/<int:request_id>.{FORMAT}", methods=["GET"])
@blp.arguments(Open311Args, location="query")
@blp.response(200, ServiceRequestSchema(many=True))
@_in_both_formats(200)
def get_request(args, request_id, fmt):
    """GeoReport v2 one request, as a list of one (anyone)."""
    found = services.get_request(args["jurisdiction_id"], request_id, request_locale())
    return _answer(fmt, found, root="service_requests", item="request")


# --- API keys (platform admin) ---------------------------------------------------------------------


@blp.route("/api/v1/api-keys", methods=["GET"])
@blp.response(200, ApiKeySchema(many=True))
def list_api_keys():
    """Every API key issued to outside systems, with when it was last used (platform admin)."""
    return services.list_api_keys(actor())


@blp.route("/api/v1/api-keys", methods=["POST"])
@blp.arguments(ApiKeyCreateSchema)
@blp.response(201, IssuedApiKeySchema)
def issue_api_key(data):
    """Issue a key for an outside system: the key is in this answer only (platform admin; audited)."""
    row, key = services.issue_api_key(actor(), data["name"])
    row.key = key
    return row


@blp.route("/api/v1/api-keys/<int:key_id>/revoke", methods=["POST"])
@blp.response(200, ApiKeySchema)
def revoke_api_key(key_id):
    """Revoke a key at once (platform admin; audited)."""
    return services.revoke_api_key(actor(), key_id)


# --- the 12345 hotline -------------------------------------------------------------------------------


def _uploaded() -> tuple[bytes | None, str]:
    try:
        stored = request.files.get("file")
    except RequestEntityTooLarge:
        raise ValidationFailed(code="open311.file_too_large", max_mb=services.max_bytes() // (1024 * 1024)) from None
    if stored is None:
        return None, ""
    data = stored.stream.read(services.max_bytes() + 1)
    if len(data) > services.max_bytes():
        raise ValidationFailed(code="open311.file_too_large", max_mb=services.max_bytes() // (1024 * 1024))
    return data, stored.filename or ""


@blp.route("/api/v1/communities/<int:cid>/hotline-imports", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": HotlineFileSchema}}})
@blp.response(201, HotlinePreviewSchema)
def preview_hotline(cid):
    """Check a 12345 CSV or XLSX: tickets that would become reports, tickets taken in already, errors by line;
    makes no report (committee, the street's and district's officials)."""
    data, file_name = _uploaded()
    return services.preview_hotline(actor(), cid, data, file_name=file_name, locale=request_locale())


@blp.route("/api/v1/hotline-imports/<int:import_id>/confirm", methods=["POST"])
@blp.arguments(HotlineConfirmSchema)
@blp.response(200, HotlineResultSchema)
def confirm_hotline(data, import_id):
    """Make the previewed tickets into reports with channel hotline, each ticket once (committee, officials)."""
    return services.confirm_hotline(actor(), import_id, **data)


# --- the CLI: flask --app wsgi open311 import-hotline FILE --community ID --as LOGIN --------------------


@blp.cli.command("import-hotline")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--community", "community_id", type=int, required=True, help="the community's id")
@click.option("--as", "login", required=True, help="phone or e-mail of the committee member or official importing")
@click.option("--locale", default="zh-CN", type=click.Choice(["zh-CN", "en"]))
def import_hotline_command(path, community_id, login, locale):
    """Take in a 12345 CSV or XLSX file: each new ticket becomes a report (channel hotline), once."""
    from backend.accounts.services import find_user_by_login
    from backend.core.db import commit, rollback
    from backend.core.errors import DomainError, localized

    user = find_user_by_login(login)
    if user is None:
        raise click.ClickException(f"no account for {login}")
    with open(path, "rb") as handle:
        data = handle.read(services.max_bytes() + 1)
    try:
        result = services.import_hotline_file(user, community_id, data, locale=locale)
        commit()
    except DomainError as error:
        rollback()
        title, detail = localized(error.code, locale, error.params, error.status)
        raise click.ClickException(f"{title}: {detail}") from None
    for problem in result["problems"]:
        click.echo(f"line {problem['row']} {problem['field']}: {problem['message']}")
    click.echo(
        f"created {result['created']}, already imported {result['already_imported']}, "
        f"rows with errors {result['invalid']} (of {result['rows']})"
    )
