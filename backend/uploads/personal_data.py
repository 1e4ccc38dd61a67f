"""Photos I uploaded (metadata and their addresses; the files themselves are fetched by those URLs)."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.uploads.models import Upload

TABLES = ("uploads",)


def export(user) -> dict:
    return {
        "photos": [
            {**row, "url": f"/api/v1/uploads/{row['id']}/display.jpg"}
            for row in rows_of(select(Upload).where(Upload.uploader_id == user.id), leave_out=("storage_key",))
        ]
    }
