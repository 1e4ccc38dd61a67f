"""Register HTTP layer: parse, call one service, dump (committee only)."""

from flask import Response, request
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from backend.core.i18n import request_locale
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.register import services
from backend.register.schemas import (
    AccountCandidatesSchema,
    AccountLinkSchema,
    ExportArgsSchema,
    ImportConfirmSchema,
    ImportFileSchema,
    ImportPreviewSchema,
    ImportResultSchema,
    ResidentListArgsSchema,
    ResidentSchema,
)

blp = Blueprint("register", __name__, url_prefix="/api/v1", description="The resident register (committee)")


def _uploaded() -> tuple[bytes | None, str]:
    try:
        stored = request.files.get("file")
    except RequestEntityTooLarge:
        from backend.core.errors import ValidationFailed

        raise ValidationFailed(code="register.file_too_large", max_mb=services.max_bytes() // (1024 * 1024)) from None
    if stored is None:
        return None, ""
    return stored.stream.read(services.max_bytes() + 1), stored.filename or ""


@blp.route("/communities/<int:cid>/register-imports", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": ImportFileSchema}}})
@blp.response(201, ImportPreviewSchema)
def preview_import(cid):
    """Check a CSV or XLSX of residents and households: what would change, errors by line; writes nothing."""
    data, file_name = _uploaded()
    return services.preview_import(actor(), cid, data, file_name=file_name, locale=request_locale())


@blp.route("/register-imports/<int:import_id>/confirm", methods=["POST"])
@blp.arguments(ImportConfirmSchema)
@blp.response(200, ImportResultSchema)
def confirm_import(data, import_id):
    """Apply a previewed import: the previewed rows, once, all at once (committee)."""
    return services.confirm_import(actor(), import_id, **data)


@blp.route("/communities/<int:cid>/register/residents", methods=["GET"])
@blp.arguments(ResidentListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(ResidentSchema))
def list_residents(filters, page, cid):
    """The register, by name, number or phone, grid, building (committee; audited)."""
    return services.list_residents(
        actor(), cid, query=filters["q"], grid_id=filters["grid_id"], building=filters["building"], **page
    )


@blp.route("/register/residents/<int:resident_id>", methods=["GET"])
@blp.response(200, ResidentSchema)
def get_resident(resident_id):
    """One resident's record (committee; audited)."""
    return services.get_resident(actor(), resident_id)


@blp.route("/register/residents/<int:resident_id>/account-candidates", methods=["GET"])
@blp.response(200, AccountCandidatesSchema)
def account_candidates(resident_id):
    """The verified members living at the record's address, to link one's account to it (committee)."""
    return {"items": services.account_candidates(actor(), resident_id)}


@blp.route("/register/residents/<int:resident_id>/account", methods=["PUT"])
@blp.arguments(AccountLinkSchema)
@blp.response(200, ResidentSchema)
def link_account(data, resident_id):
    """Link the record to a verified member's account (committee; audited)."""
    return services.link_account(actor(), resident_id, data["user_id"])


@blp.route("/register/residents/<int:resident_id>/account", methods=["DELETE"])
@blp.response(200, ResidentSchema)
def unlink_account(resident_id):
    """Take the account off the record (committee; audited)."""
    return services.unlink_account(actor(), resident_id)


@blp.route("/communities/<int:cid>/register/export", methods=["GET"])
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, description="the register as CSV or XLSX, in the import's columns", content_type="text/csv")
def export_register(args, cid):
    """The register in the import's format, cells defused against formulas (committee; audited)."""
    body, mimetype, file_name = services.export_register(
        actor(), cid, file_format=args["format"], locale=request_locale()
    )
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
