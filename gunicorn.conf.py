"""gunicorn settings for Linli (`gunicorn -c gunicorn.conf.py wsgi:app`); environment overrides in caps.

Worker class, measured (docs/benchmarks.md, "Workers and threads"): Linli's requests are CPU-bound Python
(the ORM, JSON), so threads in one process take turns on the GIL. Sync workers spent the least CPU per
request and had the lowest p95 on the heavy pages, and each worker is lighter. But a sync worker is held for
as long as a client takes to send its request or read the answer, so it belongs behind a buffering proxy
(nginx buffers both by default): sync when TRUSTED_PROXIES says a proxy is in front, gthread otherwise.
"""

import ctypes
import ctypes.util
import multiprocessing
import os

LOOPBACK = ("127.0.0.1", "::1", "[::1]", "localhost")


def choose_bind(environ=os.environ) -> str:
    """Behind a reverse proxy (TRUSTED_PROXIES > 0) the app trusts X-Forwarded-For, so it must not be reachable
    directly: whoever could reach it would rotate that header past every per-address limit. It then binds to
    loopback by default (refuse_direct_binds checks whatever address is finally used)."""
    behind_proxy = int(environ.get("TRUSTED_PROXIES", 0) or 0) > 0
    host = environ.get("HOST", "127.0.0.1" if behind_proxy else "0.0.0.0")
    return environ.get("GUNICORN_BIND", f"{host}:{environ.get('PORT', '8000')}")


def refuse_direct_binds(binds, environ=os.environ) -> None:
    """Behind a proxy, refuse to listen on anything but loopback or a unix socket, unless
    ALLOW_DIRECT_BIND_BEHIND_PROXY=1 (a firewall admits only the proxy: the operator's word for it)."""
    if int(environ.get("TRUSTED_PROXIES", 0) or 0) <= 0:
        return
    if environ.get("ALLOW_DIRECT_BIND_BEHIND_PROXY", "").lower() in ("1", "true", "yes"):
        return
    for bind in binds:
        if not bind.startswith("unix:") and bind.rsplit(":", 1)[0] not in LOOPBACK:
            raise SystemExit(
                f"TRUSTED_PROXIES={environ['TRUSTED_PROXIES']} but gunicorn would listen on {bind}: anyone reaching "
                "it directly could forge X-Forwarded-For. Bind to 127.0.0.1 (the default behind a proxy) or a unix "
                "socket, or set ALLOW_DIRECT_BIND_BEHIND_PROXY=1 if a firewall admits only the proxy."
            )


def choose_workers(environ=os.environ) -> int:
    """Rate-limit counters must be shared by every worker: Redis, or the default SQLite file
    (backend/core/ratelimit_store.py). A per-process store (RATELIMIT_STORAGE_URI=memory://) multiplies every
    limit by the number of workers, so it runs one worker or refuses to start."""
    default = min(2 * multiprocessing.cpu_count() + 1, 8)
    count = int(environ.get("WEB_CONCURRENCY", default))
    per_process = environ.get("RATELIMIT_STORAGE_URI", "").startswith("memory://")
    if per_process and count > 1:
        if "WEB_CONCURRENCY" in environ:
            raise SystemExit(
                f"WEB_CONCURRENCY={count} with RATELIMIT_STORAGE_URI=memory://: each worker would count its own "
                "rate limits. Unset RATELIMIT_STORAGE_URI (workers share a file in instance/), set REDIS_URL, "
                "or run one worker."
            )
        return 1
    return count


WORKER_CLASSES = ("gthread", "sync")


def choose_worker_class(environ=os.environ) -> tuple[str, int]:
    """(worker class, threads per worker) from GUNICORN_WORKER_CLASS and GUNICORN_THREADS; by default sync
    behind a proxy (TRUSTED_PROXIES > 0: it buffers slow clients) and gthread with 4 threads facing clients.

    sync runs one request at a time per process, so it gets one thread: gunicorn would otherwise switch a sync
    worker with threads > 1 to gthread on its own, and the setting would not be what it says. Only the two
    classes the app was measured with (docs/benchmarks.md, "Workers and threads"); the async ones need
    gevent/eventlet and a monkey-patched database driver, which Linli does not have."""
    behind_proxy = int(environ.get("TRUSTED_PROXIES", 0) or 0) > 0
    default = "sync" if behind_proxy else "gthread"
    worker_class = environ.get("GUNICORN_WORKER_CLASS", default).strip().lower() or default
    if worker_class not in WORKER_CLASSES:
        raise SystemExit(f"GUNICORN_WORKER_CLASS={worker_class!r}: use one of {', '.join(WORKER_CLASSES)}")
    if worker_class == "sync":
        return worker_class, 1
    threads = int(environ.get("GUNICORN_THREADS", 4))
    if threads < 1:
        raise SystemExit(f"GUNICORN_THREADS={threads}: a gthread worker needs at least one thread")
    return worker_class, threads


bind = choose_bind()
refuse_direct_binds([bind])
workers = choose_workers()
worker_class, threads = choose_worker_class()
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that a slow leak never becomes an outage. Not too often: a successor imports
# the app (2-5 s of CPU on a busy 2-core machine), and at 5,000 requests the visitors' cached pages (1,500 req/s)
# recycled a worker every 15-20 s, which showed in their p95 (docs/benchmarks.md, issue 17). 50,000 is a few
# minutes of that load and days of a community's; the jitter keeps the workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50_000))
max_requests_jitter = max_requests // 10
# One control socket per user by default would collide between several gunicorns on one machine.
control_socket_disable = True
accesslog = "-"
# No query strings (cursor, search) and no cookies or user agents: the access log holds no personal data.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


MALLOC_ARENAS = int(os.environ.get("MALLOC_ARENA_MAX", "2"))


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Cap glibc's malloc arenas (default 8 per core, one per busy thread) before any worker thread runs.

    With gthread workers each thread would get its own arena, and freed memory stays fragmented across
    them: RSS creeps up under load for no gain (Python's own allocator serves small objects anyway).
    Set here in the master, so every forked worker inherits it; the same as MALLOC_ARENA_MAX in the
    environment, without relying on whoever starts gunicorn to export it.
    """
    libc_name = ctypes.util.find_library("c")
    if not libc_name or arenas <= 0:
        return
    libc = ctypes.CDLL(libc_name)
    if hasattr(libc, "mallopt"):  # glibc only; musl and macOS have no arenas to cap
        M_ARENA_MAX = -8
        libc.mallopt(M_ARENA_MAX, arenas)


limit_malloc_arenas()
# Tells create_app it is serving requests: it skips `flask db` (Flask-Migrate pulls in Alembic and Mako,
# ~10 MB per worker). Migrations run before gunicorn starts (scripts/run-prod, make run).
os.environ["LINLI_WEB_WORKER"] = "1"


def post_worker_init(worker):
    """Every log line the worker writes (app, libraries, gunicorn) passes the phone-number mask."""
    from backend.core.logs import install_log_filters

    install_log_filters()


def on_starting(server):
    """The bind given on the command line (`make run` passes --bind) is checked too."""
    refuse_direct_binds(server.cfg.bind)
