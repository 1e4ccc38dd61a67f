"""Serves the PWA in ../pwa: the shell at / (and at every client-side route), sw.js at root scope.

sw.js is served with its precache list and cache version filled in from the files on disk, so a new
screen is precached and every change to any shell file installs a new service worker by itself.
"""

import gzip
import hashlib
import json
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"

bp = Blueprint("pwa", __name__)

# Long-cached would break updates: the service worker versions the shell, so the HTTP cache must not.
NO_CACHE = "no-cache"


# Text files are sent gzipped to browsers that take it (all do): a phone's first load is about a third of
# the bytes. Compressed once per file version and kept; images are already compressed.
COMPRESSIBLE = (".js", ".css", ".json", ".html", ".svg", ".webmanifest")


def _send(path: str, *, cache: str = NO_CACHE, mimetype: str | None = None):
    file = PWA_DIR / path
    if path.endswith(COMPRESSIBLE) and "gzip" in request.headers.get("Accept-Encoding", ""):
        stat = file.stat()
        body, etag = _gzipped(str(file), stat.st_mtime_ns, stat.st_size)
        response = current_app.response_class(body, mimetype=mimetype or _mimetype(path))
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(etag)
        response = response.make_conditional(request)
    else:
        response = send_from_directory(PWA_DIR, path, mimetype=mimetype, max_age=0)
    response.headers["Cache-Control"] = cache
    response.vary.add("Accept-Encoding")
    return response


def _mimetype(path: str) -> str:
    if path.endswith(".webmanifest"):
        return "application/manifest+json"
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


@lru_cache(maxsize=512)
def _gzipped(path: str, _mtime_ns: int, _size: int) -> tuple[bytes, str]:
    """(gzip of the file, its ETag); the file's mtime and size in the key make a changed file a new entry."""
    body = gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)
    return body, "gz-" + hashlib.sha256(body).hexdigest()[:20]


SHELL_FOLDERS = ("js", "css", "locales", "icons", "vendor")
SHELL_PAGES = ("/index.html", "/offline.html", "/manifest.webmanifest")
_VERSION_LINE = re.compile(r"^const VERSION = .*?;$", re.M)
_SHELL_BLOCK = re.compile(r"^const SHELL = \[.*?\];$", re.M | re.S)


# Libraries a screen loads on demand, kept by the service worker when first used (cache first) rather than
# precached at install: the map's ~170 KB would hold up the first install (and anything waiting on it).
ON_DEMAND_FOLDERS = ("vendor/leaflet", "vendor/leaflet.markercluster")


def _files_under(folders) -> list[str]:
    return [
        f"/{p.relative_to(PWA_DIR).as_posix()}"
        for folder in folders
        for p in sorted((PWA_DIR / folder).rglob("*"))
        if p.is_file()
    ]


def shell_files() -> list[str]:
    """Every file the app needs offline: the pages and everything under js/, css/, locales/, icons/, vendor/
    (but the on-demand libraries)."""
    on_demand = set(_files_under(ON_DEMAND_FOLDERS))
    return list(SHELL_PAGES) + [f for f in _files_under(SHELL_FOLDERS) if f not in on_demand]


def _fingerprint() -> tuple:
    # the on-demand libraries count too: a new version of one is a new service worker, whose caches start empty
    paths = [PWA_DIR / "sw.js"] + [PWA_DIR / f.lstrip("/") for f in shell_files() + _files_under(ON_DEMAND_FOLDERS)]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


@lru_cache(maxsize=4)
def _service_worker_source(fingerprint: tuple) -> str:
    digest = hashlib.sha256()
    for path, _mtime, _size in fingerprint:
        digest.update(Path(path).read_bytes())
    source = (PWA_DIR / "sw.js").read_text(encoding="utf-8")
    source = _VERSION_LINE.sub(f"const VERSION = '{digest.hexdigest()[:12]}';", source, count=1)
    return _SHELL_BLOCK.sub(f"const SHELL = {json.dumps(shell_files(), indent=2)};", source, count=1)


@bp.get("/sw.js")
def service_worker():
    response = current_app.response_class(_service_worker_source(_fingerprint()), mimetype="text/javascript")
    response.headers["Cache-Control"] = NO_CACHE
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    return _send("manifest.webmanifest", mimetype="application/manifest+json")


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def shell(path: str):
    """A file of the PWA if it exists; otherwise the app shell, so that deep links work."""
    if path.startswith(("api/", "healthz")):
        abort(404)
    if path and (PWA_DIR / path).is_file() and ".." not in Path(path).parts:
        return _send(path)
    if "." in Path(path).name:  # a missing asset is a 404, not the shell
        abort(404)
    current_app.logger.debug("shell for /%s", path)
    return _send("index.html", mimetype="text/html")
