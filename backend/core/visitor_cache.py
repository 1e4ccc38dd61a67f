"""What visitors read alike, built once and shared by every worker: `@shared_for_visitors` on a public GET.

A visitor (nobody signed in) gets the same page as every other visitor asking in the same language, so the
first one's response is kept, keyed by the path with its query string, the request's language and the
**content version**, and answered to the next ones without running the view. Signed-in people never get
these copies (their pages carry what they may do, their own votes and reports) and never fill them.

The content version changes whenever a transaction that wrote something commits (a request's unit of work
or a job: objects flushed, or INSERT/UPDATE/DELETE statements run through the session), except writes to
tables no public page reads (sessions, inboxes, push bookkeeping: IGNORED_TABLES). A visitor's request
reads the version *before* its view runs, so a copy made while a write was committing is filed under the
old version and never served after the change. Entries also expire after VISITOR_CACHE_SECONDS (default
5; 0 turns the cache off): what changes with time alone (a poll whose window ended) shows within seconds.

The store is Redis when REDIS_URL is set, else cachelib's FileSystemCache in the instance folder (the
version there is the size of a file every bump appends a byte to): every worker of the embedded default
sees both. Every shared response carries an ETag; a request whose
If-None-Match names it gets `304 Not Modified` with no body, so the PWA's revalidation costs nothing when
nothing changed.

`VisitorFront` answers those copies before Flask's request machinery (sessions, CSRF and idempotency hooks,
Flask-Login, the limiter): a WSGI layer around the app that recognises a GET with no session or remember
cookie to a shared route, and answers the response that such a request last got through the whole app, as
it went out (security headers, Vary and all), kept under the same content version and language. Everything
else, and every miss, goes through the app unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from pathlib import Path

from flask import current_app, has_app_context, make_response, request
from flask_login import current_user
from sqlalchemy import event
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from backend.core.i18n import locale_of_accept, request_locale
from backend.extensions import db

log = logging.getLogger(__name__)

VERSION_KEY = "content-version"
WROTE = "visitor_cache_wrote"  # session.info flag: this transaction wrote what public pages read
# Tables no visitor's page reads: writing them (a sign-in, a notice read receipt, an inbox) keeps the copies.
IGNORED_TABLES = frozenset(
    {
        "user_sessions",
        "notice_reads",
        "notifications",
        "push_subscriptions",
        "notification_preferences",
        "notification_settings",
        "held_pushes",
        "insights_sent_warnings",
    }
)
# Response headers never copied from one visitor to another.
PRIVATE_HEADERS = frozenset({"set-cookie", "content-length", "etag"})


def _store(app=None):
    """This app's store (`app` or the current one), made on first use; None when the cache is off."""
    app = app or current_app
    found = app.extensions.get("linli_visitor_cache")
    if found is None:
        seconds = float(app.config.get("VISITOR_CACHE_SECONDS", 5) or 0)
        if seconds <= 0:
            found = False
        elif app.config.get("REDIS_URL"):
            from cachelib import RedisCache
            from redis import Redis

            client = Redis.from_url(app.config["REDIS_URL"], socket_timeout=2)
            found = RedisCache(host=client, key_prefix="linli:visitor:", default_timeout=int(max(1, seconds)))
        else:
            from cachelib import FileSystemCache

            directory = Path(app.instance_path) / "visitor-cache"
            found = FileSystemCache(str(directory), threshold=5000, default_timeout=int(max(1, seconds)))
        app.extensions["linli_visitor_cache"] = found
    return found or None


def _version_file(app=None) -> Path:
    return Path((app or current_app).instance_path) / "content-version"


def content_version(store, app=None) -> str:
    """Redis: a random value set at each bump. Embedded: a file every bump appends one byte to, read with a
    single stat() (cheaper than the store's own get: one per visitor's request, one append per write)."""
    app = app or current_app
    if app.config.get("REDIS_URL"):
        return store.get(VERSION_KEY) or "0"
    try:
        stat = _version_file(app).stat()
    except FileNotFoundError:
        return "0"
    return f"{stat.st_ino}.{stat.st_size}.{stat.st_mtime_ns}"


def bump_content_version() -> None:
    """A new content version (Redis: a fresh random value, so two writers bumping at once cannot cancel out;
    embedded: one more byte, the file restarted now and then, any change of it being a new version)."""
    store = _store()
    if store is None:
        return
    try:
        if current_app.config.get("REDIS_URL"):
            store.set(VERSION_KEY, secrets.token_hex(8), timeout=0)
            return
        path = _version_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as file:
            file.write(b".")
        if path.stat().st_size > 1_000_000:
            path.write_bytes(b"")
    except Exception:
        log.exception("could not bump the content version: visitors may see old pages for VISITOR_CACHE_SECONDS")


def shared_for_visitors(view):
    """Decorator (below @blp.route): visitors' responses of this GET shared, with ETag and 304."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        store = _store() if request.method == "GET" else None
        if store is None or current_user.is_authenticated:
            return view(*args, **kwargs)
        try:
            version = content_version(store)  # before the view reads anything
            key = f"{version}:{request_locale()}:{request.full_path}"
            kept = store.get(key)
        except Exception:  # an unreachable store: answer from the database
            log.warning("visitor cache unreadable", exc_info=True)
            return view(*args, **kwargs)
        if kept is not None:
            status, headers, body, etag = kept
            response = current_app.response_class(body, status=status, headers=headers)
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or "Set-Cookie" in response.headers or response.is_streamed:
                return response
            body = response.get_data()
            etag = hashlib.blake2b(body, digest_size=12).hexdigest()
            headers = [(k, v) for k, v in response.headers.items() if k.lower() not in PRIVATE_HEADERS]
            try:
                store.set(key, (response.status_code, headers, body, etag))
            except Exception:
                log.warning("visitor cache unwritable", exc_info=True)
        response.set_etag(etag)
        return response.make_conditional(request)

    wrapper.shared_for_visitors = True
    return wrapper


FRONT_PREFIX = "front:"  # the front's entries: whole responses as they left the app
# Headers of a kept response never replayed: another visitor's cookie; a length and a date werkzeug sets afresh.
FRONT_DROPPED_HEADERS = frozenset({"set-cookie", "content-length", "date"})


class VisitorFront:
    """WSGI middleware around `app.wsgi_app` (installed by create_app): visitors' copies answered first.

    A request is the front's when it is a GET under /api/ with no session and no remember cookie (so nobody
    can be signed in: Flask-Login has no other way in) whose URL matches a route marked @shared_for_visitors.
    It is answered from the kept response of the same path, query string, language and content version,
    with If-None-Match honoured as the app would (304). A miss goes through the app, and a 200 that the
    shared view marked with its ETag (a visitors' copy) and that sets no cookie is kept for the next one.
    """

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._shared_endpoints: frozenset[str] | None = None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("PATH_INFO", "").startswith("/api/"):
            return self.wsgi_app(environ, start_response)
        store = _store(self.app)
        if store is None:
            return self.wsgi_app(environ, start_response)
        req = Request(environ)
        if not self._is_visitors_shared_read(req):
            return self.wsgi_app(environ, start_response)
        try:
            version = content_version(store, self.app)  # before the app reads anything, as in the view's wrapper
            key = f"{FRONT_PREFIX}{version}:{locale_of_accept(req.accept_languages)}:{req.full_path}"
            kept = store.get(key)
        except Exception:  # an unreachable store: the app answers (and logs it in the view's wrapper)
            return self.wsgi_app(environ, start_response)
        if kept is not None:
            status, headers, body = kept
            response = Response(body, status=status, headers=headers)
            return response.make_conditional(req)(environ, start_response)
        return self._through_the_app(environ, start_response, store, key)

    def _is_visitors_shared_read(self, req: Request) -> bool:
        cookies = req.cookies
        if (
            self.app.config["SESSION_COOKIE_NAME"] in cookies
            or self.app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
        ):
            return False
        try:
            rule, _args = self.app.url_map.bind_to_environ(req.environ).match(method="GET", return_rule=True)
        except HTTPException:  # 404, 405, a redirect: the app answers
            return False
        return rule.endpoint in self.shared_endpoints

    @property
    def shared_endpoints(self) -> frozenset[str]:
        if self._shared_endpoints is None:  # every blueprint is registered by the first request
            self._shared_endpoints = frozenset(
                endpoint
                for endpoint, view in self.app.view_functions.items()
                if getattr(view, "shared_for_visitors", False)
            )
        return self._shared_endpoints

    def _through_the_app(self, environ, start_response, store, key):
        seen = {}

        def noting_start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        answer = self.wsgi_app(environ, noting_start_response)
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        names = {name.lower() for name, _value in seen.get("headers", ())}
        if seen.get("status", "").startswith("200 ") and "etag" in names and "set-cookie" not in names:
            headers = [(n, v) for n, v in seen["headers"] if n.lower() not in FRONT_DROPPED_HEADERS]
            try:
                store.set(key, (seen["status"], headers, body))
            except Exception:
                log.warning("visitor cache unwritable", exc_info=True)
        return [body]


@event.listens_for(db.session, "after_flush")
def _note_flushed_writes(session, _context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table not in IGNORED_TABLES:
            session.info[WROTE] = True
            return


@event.listens_for(db.session, "do_orm_execute")
def _note_statement_writes(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        mapper = state.bind_mapper
        if mapper is None or mapper.local_table.name not in IGNORED_TABLES:
            state.session.info[WROTE] = True


@event.listens_for(db.session, "after_commit")
def _bump_after_commit(session) -> None:
    # Not cleared on rollback (a savepoint's rollback must not lose the outer write); a bump too many only
    # costs the next visitor one page built afresh.
    if session.info.pop(WROTE, False) and has_app_context():
        bump_content_version()
