from flask import request, send_file
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.uploads import services
from backend.uploads.schemas import UploadFileSchema, UploadSchema

blp = Blueprint("uploads", __name__, url_prefix="/api/v1", description="Photo uploads")

# A photo never changes once written, but what it illustrates can be hidden by moderation (or its draft
# withdrawn): then it must be gone from shared caches within minutes, not a year. So public copies are kept
# 5 minutes and then revalidated (a cheap 304 through the ETag while the photo is still visible, a 404 once
# it is not).
PUBLIC_REVALIDATED = "public, max-age=300, must-revalidate"
PRIVATE = "private, max-age=300, must-revalidate"


def _uploaded_bytes() -> bytes | None:
    try:
        stored = request.files.get("file")
    except RequestEntityTooLarge:  # the whole request is over MAX_CONTENT_LENGTH
        raise services.UploadTooLarge() from None
    if stored is None:
        return None
    data = stored.stream.read(services.max_bytes() + 1)
    return data


@blp.route("/uploads", methods=["POST"])
@per_user("RATELIMIT_UPLOADS")
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": UploadFileSchema}}})
@blp.response(201, UploadSchema)
def create_upload():
    """Upload a photo (JPEG, PNG, WebP; ≤ 10 MB): re-encoded, metadata (GPS) stripped (members)."""
    return services.create_upload(actor(), _uploaded_bytes())


@blp.route("/uploads/<int:upload_id>/<any(display, thumb):size>.jpg", methods=["GET"])
@blp.response(200, description="JPEG image", content_type="image/jpeg")
def get_upload_file(upload_id, size):
    """A photo at display size or as a thumbnail (public once attached; before, its uploader only)."""
    handle, is_public = services.open_upload(actor(), upload_id, size)
    response = send_file(
        handle, mimetype="image/jpeg", max_age=None, conditional=True, etag=f"upload-{upload_id}-{size}"
    )
    response.headers["Cache-Control"] = PUBLIC_REVALIDATED if is_public else PRIVATE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
