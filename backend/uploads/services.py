"""Uploads: accept a photo from a member, re-encode it, serve it, attach it once to what it illustrates."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable

from flask import current_app
from flask_login import AnonymousUserMixin
from sqlalchemy import bindparam, func, select, update

from backend.communities import access
from backend.communities.services import memberships_of
from backend.core import targets
from backend.core.db import on_rollback, utcnow
from backend.core.errors import (
    DomainError,
    Forbidden,
    NotFound,
    StorageFull,
    ValidationFailed,
    is_disk_full,
    register_messages,
)
from backend.core.health import record_failure, record_success
from backend.extensions import db
from backend.uploads import images
from backend.uploads.models import SIZES, Upload
from backend.uploads.storage import get_storage

MAX_BYTES = 10 * 1024 * 1024

register_messages(
    "upload",
    {
        "upload_too_large": {
            "zh-CN": ("图片太大", "照片不能超过 10 MB，请压缩后重试。"),
            "en": ("Photo too large", "Photos may be at most 10 MB; please make it smaller."),
        },
        "upload_invalid": {
            "zh-CN": ("不是有效的图片", "无法读取这张图片（文件损坏、不是图片或尺寸过大）。"),
            "en": (
                "Not a valid image",
                "This file could not be read as an image (damaged, not an image or too large).",
            ),
        },
        "upload_unsupported_type": {
            "zh-CN": ("图片格式不支持", "请上传 JPEG、PNG 或 WebP 格式的照片。"),
            "en": ("Unsupported image type", "Please upload a JPEG, PNG or WebP photo."),
        },
        "upload_missing": {
            "zh-CN": ("没有文件", "请选择要上传的照片。"),
            "en": ("No file", "Choose a photo to upload."),
        },
        "quota_exceeded": {
            "zh-CN": ("照片空间已满", "你上传的照片已达到上限；两天内没有用上的照片会被自动删除。"),
            "en": (
                "Photo space full",
                "Your photos have reached their limit; photos not used within two days are removed.",
            ),
        },
        "upload_not_attachable": {
            "zh-CN": ("照片无法使用", "照片不存在、不是你上传的，或已被使用。"),
            "en": ("Photo cannot be used", "A photo does not exist, is not yours, or is already in use."),
        },
    },
)


class UploadTooLarge(DomainError):
    status = 413
    code = "upload.upload_too_large"


def max_bytes() -> int:
    return current_app.config.get("UPLOAD_MAX_BYTES", MAX_BYTES)


def _require_verified_member(actor) -> None:
    """Uploading costs disk and a photo is a write: only people verified in a community, and suspended
    nowhere, may do it (issue 15: a pending account could fill the disk).

    :raises Forbidden: ``not_a_member``, ``not_verified``, ``suspended``
    """
    access.require_user(actor)
    memberships = memberships_of(actor)
    if not memberships:
        raise Forbidden(reason="not_a_member")
    if any(member.status == "suspended" for member in memberships):
        raise Forbidden(reason="suspended")
    if not any(member.status == "verified" for member in memberships):
        raise Forbidden(reason="not_verified")


def _require_quota(actor, size: int) -> None:
    """:raises ValidationFailed: ``upload.quota_exceeded`` (UPLOAD_QUOTA_BYTES of photos per person)"""
    quota = current_app.config.get("UPLOAD_QUOTA_BYTES", 200 * 1024 * 1024)
    used = db.session.scalar(select(func.coalesce(func.sum(Upload.byte_size), 0)).where(Upload.uploader_id == actor.id))
    if used + size > quota:
        raise ValidationFailed(
            {"file": [f"your photos may take at most {quota // (1024 * 1024)} MB"]}, code="upload.quota_exceeded"
        )


def create_upload(actor, data: bytes | None) -> Upload:
    """Validate a photo by its content, strip every byte of metadata, keep display size and thumbnail.

    :raises UploadTooLarge: over 10 MB
    :raises ValidationFailed: ``upload.upload_missing``, ``upload.upload_invalid``, ``upload.upload_unsupported_type``
    """
    _require_verified_member(actor)
    if not data:
        raise ValidationFailed({"file": ["required"]}, code="upload.upload_missing")
    if len(data) > max_bytes():
        raise UploadTooLarge(errors={"file": [f"at most {max_bytes() // (1024 * 1024)} MB"]})
    _require_quota(actor, len(data))
    try:
        processed = images.process(data)
    except images.ImageRefused as refused:
        raise ValidationFailed({"file": [refused.message]}, code=refused.code) from None
    now = utcnow()
    key = f"{now:%Y/%m}/{secrets.token_urlsafe(16)}"
    upload = Upload(
        uploader_id=actor.id,
        storage_key=key,
        source_format=processed.source_format,
        width=processed.width,
        height=processed.height,
        byte_size=len(data),
        created_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    _save_files(upload, processed)
    return upload


def _save_files(upload: Upload, processed: images.ProcessedImage) -> None:
    """Both files, or none: a failed write (a full disk) removes what was written, and so does a request that
    rolls back after them, so no file is ever left without its row."""
    storage = get_storage()
    keys = [upload.file_key("display"), upload.file_key("thumb")]

    def remove_files() -> None:
        for key in keys:
            storage.delete(key)

    try:
        storage.save(keys[0], processed.display, "image/jpeg")
        storage.save(keys[1], processed.thumb, "image/jpeg")
    except OSError as error:
        remove_files()
        if is_disk_full(error):
            record_failure("uploads", "disk full")
            raise StorageFull(store="uploads") from None
        raise
    record_success("uploads")
    on_rollback(remove_files)


def _can_see_photo(actor, upload: Upload) -> bool:
    """A photo inherits the visibility of what it illustrates (a draft project's photos are its author's
    until it is submitted, a hidden report's photos go with it); an unattached one is its uploader's."""
    if upload.target_type is None:
        return getattr(actor, "id", None) == upload.uploader_id
    target = targets.get(upload.target_type)
    if target is None or not target.photos:
        return False  # unknown kinds fail closed
    item = target.load(upload.target_id)
    return item is not None and target.can_see(actor, item)


def open_upload(actor, upload_id: int, size: str):
    """(file object, is_public) for serving: a photo is seen by whoever may see what it illustrates
    (an unattached one by its uploader only); is_public says whether anyone at all may, for caching.

    :raises NotFound: unknown id or size, or a photo this actor may not see
    """
    upload = db.session.get(Upload, upload_id)
    if upload is None or size not in SIZES or not _can_see_photo(actor, upload):
        raise NotFound()
    is_public = upload.target_type is not None and _can_see_photo(AnonymousUserMixin(), upload)
    try:
        return get_storage().open(upload.file_key(size)), is_public
    except FileNotFoundError:
        raise NotFound() from None


def attach(actor, upload_ids: Iterable[int] | None, target_type: str, target_id: int) -> list[Upload]:
    """Attach the actor's own unattached uploads to a target, each exactly once.

    One conditional UPDATE: two requests attaching the same photo cannot both win.

    :raises ValidationFailed: ``upload.upload_not_attachable`` (unknown, someone else's, or already attached)
    """
    target = targets.get(target_type)
    if target is None or not target.photos:
        raise ValueError(f"photos cannot be attached to {target_type!r}: register it with photos=True")
    ids = list(dict.fromkeys(upload_ids or []))
    if not ids:
        return []
    if len(ids) > 10:
        raise ValidationFailed({"photo_ids": ["at most 10 photos"]})
    result = db.session.execute(
        update(Upload)
        .where(Upload.id.in_(ids), Upload.uploader_id == getattr(actor, "id", None), Upload.target_type.is_(None))
        .values(target_type=target_type, target_id=target_id, attached_at=utcnow())
    )
    if result.rowcount != len(ids):
        raise ValidationFailed(
            {"photo_ids": ["unknown, not yours, or already used"]}, code="upload.upload_not_attachable"
        )
    return photos_of(target_type, target_id)


def photos_of(target_type: str, target_id: int) -> list[Upload]:
    return photos_by_target(target_type, [target_id]).get(target_id, [])


def photos_by_target(target_type: str, target_ids: Iterable[int]) -> dict[int, list[Upload]]:
    """Photos of many targets in one query (lists and timelines)."""
    ids = list(set(target_ids))
    grouped: dict[int, list[Upload]] = defaultdict(list)
    if not ids:
        return grouped
    for upload in db.session.scalars(
        select(Upload).where(Upload.target_type == target_type, Upload.target_id.in_(ids)).order_by(Upload.id)
    ):
        grouped[upload.target_id].append(upload)
    return grouped


_uploads = Upload.__table__
_PHOTO_VIEWS = (
    select(_uploads.c.id, _uploads.c.target_id, _uploads.c.width, _uploads.c.height)
    .where(
        _uploads.c.target_type == bindparam("target_type"),
        _uploads.c.target_id.in_(bindparam("target_ids", expanding=True)),
    )
    .order_by(_uploads.c.id)
)


def photo_views_by_target(target_type: str, target_ids: Iterable[int]) -> dict[int, list[dict]]:
    """photos_by_target's photos as UploadSchema dumps them (id, url, thumb_url, width, height), from one prebuilt
    statement over plain rows: for issue 17's reads modules, which build no ORM object."""
    ids = list(set(target_ids))
    grouped: dict[int, list[dict]] = defaultdict(list)
    if not ids:
        return grouped
    for photo in db.session.execute(_PHOTO_VIEWS, {"target_type": target_type, "target_ids": ids}):
        grouped[photo.target_id].append(
            {
                "id": photo.id,
                "url": Upload.url_of(photo.id),
                "thumb_url": Upload.thumb_url_of(photo.id),
                "width": photo.width,
                "height": photo.height,
            }
        )
    return grouped


def copy_for(actor, upload_ids: Iterable[int]) -> list[int]:
    """New unattached uploads owned by `actor` that share the files of `upload_ids`.

    Used when a photo must also illustrate a second thing (a report's photos on the project made from
    it): attach() stays "once per upload" and no file is duplicated on disk.
    """
    access.require_user(actor)
    copies = []
    for original in db.session.scalars(select(Upload).where(Upload.id.in_(list(upload_ids))).order_by(Upload.id)):
        copy = Upload(
            uploader_id=actor.id,
            storage_key=original.storage_key,
            source_format=original.source_format,
            width=original.width,
            height=original.height,
            byte_size=original.byte_size,
        )
        db.session.add(copy)
        copies.append(copy)
    db.session.flush()
    return [c.id for c in copies]
