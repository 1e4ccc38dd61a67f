"""gunicorn settings for Linli (`gunicorn -c gunicorn.conf.py wsgi:app`); environment overrides in caps.

gthread workers: requests spend much of their time waiting on the database and, for uploads, on the
client; threads let one process overlap that waiting without the memory of more processes, and the app
keeps no per-thread state beyond Flask's request context.
"""

import ctypes
import ctypes.util
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # recycle workers now and then, so a slow leak never becomes an outage
max_requests_jitter = 500
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
