from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import UTCDateTime, utcnow
from backend.extensions import db

SIZES = ("display", "thumb")


class Upload(db.Model):
    """A re-encoded photo (display size and thumbnail), attached once to a report, event or project."""

    __tablename__ = "uploads"
    __table_args__ = (
        # Attached means both halves of the target are set; never one without the other.
        CheckConstraint("(target_type IS NULL) = (target_id IS NULL)", name="target_complete"),
        Index("ix_uploads_target_type_target_id", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Storage key prefix; the files are f"{storage_key}-display.jpg" and f"{storage_key}-thumb.jpg".
    storage_key: Mapped[str] = mapped_column(String(100))
    source_format: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    target_type: Mapped[str | None] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def file_key(self, size: str) -> str:
        return f"{self.storage_key}-{size}.jpg"

    @property
    def url(self) -> str:
        return self.url_of(self.id)

    @property
    def thumb_url(self) -> str:
        return self.thumb_url_of(self.id)

    @staticmethod
    def url_of(upload_id: int) -> str:
        """The photo's address in the app (also for reads that build no Upload object)."""
        return f"/api/v1/uploads/{upload_id}/display.jpg"

    @staticmethod
    def thumb_url_of(upload_id: int) -> str:
        return f"/api/v1/uploads/{upload_id}/thumb.jpg"
