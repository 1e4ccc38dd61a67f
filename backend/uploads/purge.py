"""The periodic purge of photos nobody attached: uploaded, then never used in a post (issue 15).

An upload costs disk until it is attached; a photo still unattached after UPLOAD_UNATTACHED_HOURS was
abandoned (the post was never sent) or uploaded only to fill the disk. Its row goes in a conditional DELETE
(a photo attached meanwhile no longer matches) and its files once that is committed.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from backend.core.db import after_commit, utcnow
from backend.extensions import db
from backend.uploads.models import SIZES, Upload
from backend.uploads.storage import get_storage

BATCH = 500


def purge_never_attached(now=None) -> int:
    """Job: delete up to BATCH photos unattached for longer than UPLOAD_UNATTACHED_HOURS; returns how many."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config.get("UPLOAD_UNATTACHED_HOURS", 48))
    candidates = db.session.execute(
        select(Upload.id, Upload.storage_key)
        .where(Upload.target_type.is_(None), Upload.created_at < cutoff)
        .order_by(Upload.id)
        .limit(BATCH)
    ).all()
    if not candidates:
        return 0
    deleted = db.session.scalars(
        delete(Upload)
        .where(Upload.id.in_([row.id for row in candidates]), Upload.target_type.is_(None))
        .returning(Upload.id)
    ).all()
    keys = {row.id: row.storage_key for row in candidates}
    files = [f"{keys[upload_id]}-{size}.jpg" for upload_id in deleted for size in SIZES]

    def remove_files() -> None:
        storage = get_storage()
        for key in files:
            storage.delete(key)

    after_commit(remove_files)
    return len(deleted)
