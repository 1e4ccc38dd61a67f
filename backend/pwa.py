"""Serves the PWA in ../pwa: the shell at / (and at every client-side route), sw.js at root scope."""

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"

bp = Blueprint("pwa", __name__)

# Long-cached would break updates: the service worker versions the shell, so the HTTP cache must not.
NO_CACHE = "no-cache"


def _send(path: str, *, cache: str = NO_CACHE, mimetype: str | None = None):
    response = send_from_directory(PWA_DIR, path, mimetype=mimetype, max_age=0)
    response.headers["Cache-Control"] = cache
    return response


@bp.get("/sw.js")
def service_worker():
    response = _send("sw.js", mimetype="text/javascript")
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
