"""Where upload files live: a local directory now, an S3-compatible bucket later (same four calls)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def url(self, key: str) -> str | None:
        """A direct URL (e.g. a bucket's CDN), or None when the app serves the file itself."""

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under one root directory; keys are relative paths made by us, never by users."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key outside the storage root: {key!r}")
        return path

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a reader never sees half a file, and a failed write (a full disk) leaves nothing.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())  # ENOSPC shows here on filesystems that allocate lazily
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def url(self, key: str) -> str | None:
        return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def get_storage() -> Storage:
    app = current_app._get_current_object()
    storage = app.extensions.get("linli_upload_storage")
    if storage is None:
        root = app.config.get("UPLOAD_DIR") or os.path.join(app.instance_path, "uploads")
        storage = app.extensions["linli_upload_storage"] = LocalStorage(root)
    return storage
