"""Linli (邻里): the application factory. It wires extensions, domains and hooks; it never migrates."""

from __future__ import annotations

import logging
import os

from flask import Flask, g, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from backend.core.input import install_parser
from config import Config, config_from_env

# Before any routes module decorates a view (they are all inside this package, so imported after this line):
# every blueprint parses with the bounded parser (deep JSON, huge numbers, NUL bytes: 422).
install_parser()

# No inline script or style anywhere: user text can never become code. blob: for photo previews.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"


def content_security_policy_for(config) -> str:
    """The CSP, with the configured map tile host(s) added to img-src, exactly those and only when set."""
    from backend.maps.tiles import tile_origins, tile_source

    origins = tile_origins(tile_source(config))
    if not origins:
        return CONTENT_SECURITY_POLICY
    tiles = " ".join(origins)
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data: blob:", f"img-src 'self' data: blob: {tiles}")


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    from backend.core.fastjson import with_orjson_responses
    from backend.core.input import BoundedJSONProvider

    app = Flask(__name__, instance_path=config_class.INSTANCE_DIR, static_folder=None)
    # request.get_json() refuses deep nesting and huge numbers too; responses are written by orjson (same bytes)
    app.json = with_orjson_responses(BoundedJSONProvider)(app)
    app.config.from_object(config_class)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    for key, value in config_class.resolve().items():
        app.config[key] = value
    register_proxy(app)
    app.config["CONTENT_SECURITY_POLICY"] = content_security_policy_for(app.config)
    register_extensions(app)
    register_domains(app)
    register_request_hooks(app)
    register_pwa(app)
    register_cli(app)
    register_fast_paths(app)
    return app


def register_fast_paths(app: Flask) -> None:
    """Visitors' shared copies answered before Flask's request machinery (backend/core/visitor_cache.py);
    rate limits checked only by the routes that declare them (backend/core/ratelimit.py)."""
    from backend.core.ratelimit import check_limits_only_where_declared
    from backend.core.visitor_cache import VisitorFront

    check_limits_only_where_declared(app)
    app.wsgi_app = VisitorFront(app.wsgi_app, app)


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client address, scheme and host from their
    X-Forwarded-* headers (rate limits count real clients). Without proxies the headers are ignored:
    anyone could send them."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    from backend.core.db import configure_sqlite
    from backend.core.manifest import install, resolve
    from backend.domains import DOMAINS
    from backend.extensions import api, db, limiter, login_manager, register_migrations

    install(DOMAINS)
    for domain in DOMAINS:  # every table in the metadata (and so in Alembic's view)
        if domain.models:
            resolve(domain.models)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    if not os.environ.get("LINLI_WEB_WORKER"):  # set by gunicorn.conf.py: workers never migrate
        register_migrations(app, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    # Counters every worker process shares: Redis when there is one, else a SQLite file in instance/
    # (core/ratelimit_store.py); a per-process memory:// store would multiply every limit by the workers.
    from backend.core.ratelimit_store import shared_file_uri

    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or shared_file_uri(app.instance_path))
    limiter.init_app(app)
    api.init_app(app)

    from backend.accounts.sessions import load_user
    from backend.core.errors import AuthRequired

    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def _unauthorized():
        raise AuthRequired()


def register_domains(app: Flask) -> None:
    """Each domain's targets, then its routes: the routes' converters read the targets registry."""
    from backend.core.errors import register_error_handlers
    from backend.core.ids import register_id_converter
    from backend.core.manifest import resolve
    from backend.core.targets import register_path_converter
    from backend.domains import DOMAINS
    from backend.extensions import api

    for domain in DOMAINS:
        if domain.targets:
            resolve(domain.targets)
    register_id_converter(app, api)
    register_path_converter(app, api)
    # Every routes module (and so every schema) is imported before the first blueprint is documented: a
    # schema may name a higher domain's schema (accounts' profile names communities' memberships).
    blueprints = [resolve(blueprint) for domain in DOMAINS for blueprint in domain.blueprints]
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    register_error_handlers(app)


def register_request_hooks(app: Flask) -> None:
    """CSRF and idempotency before; one commit per request after, and security headers."""
    from backend.core import idempotency
    from backend.core.csrf import check_csrf
    from backend.core.db import SAFE_METHODS, commit, end_read, rollback
    from backend.core.errors import database_error_response, handle_data_error, problem_response
    from backend.core.health import record_success

    app.before_request(check_csrf)
    app.before_request(idempotency.replay_stored_response)

    if app.config.get("SCHEDULER_IN_PROCESS"):
        from backend.scheduler import start_in_process

        @app.before_request
        def _start_scheduler() -> None:
            # On the first request, not at import: CLI commands (db upgrade, seed-demo) never start it.
            start_in_process(app)

    # after_request hooks run in reverse order: headers are set last, on whatever response wins.
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", app.config["CONTENT_SECURITY_POLICY"])
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.after_request
    def commit_unit_of_work(response):
        refused_but_kept = 400 <= response.status_code < 500 and g.get("keep_when_refused", False)
        if (response.status_code >= 400 and not refused_but_kept) or getattr(g, "skip_commit", False):
            rollback()
            return response
        if request.method in SAFE_METHODS:
            end_read()  # no COMMIT of nothing (backend/core/db.py)
            return response
        idempotency.remember_response(response)
        try:
            commit()
        except IntegrityError:
            rollback()
            replay = idempotency.replay_after_lost_race()
            return replay if replay is not None else problem_response(409, "conflict")
        except OperationalError as error:  # a full disk or a lock at the commit: nothing was written
            return database_error_response(error)
        except (DataError, OverflowError) as error:
            return handle_data_error(error)
        record_success("database")
        return response

    @app.get("/healthz")
    def healthz():
        from backend.core.health import check

        return check()


def register_pwa(app: Flask) -> None:
    from backend.pwa import bp

    app.register_blueprint(bp)


def register_cli(app: Flask) -> None:
    from backend.cli import register

    register(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
