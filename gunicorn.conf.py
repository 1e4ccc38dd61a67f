"""gunicorn settings for Linli (`gunicorn -c gunicorn.conf.py wsgi:app`); environment overrides in caps.

gthread workers: requests spend much of their time waiting on the database and, for uploads, on the
client; threads let one process overlap that waiting without the memory of more processes, and the app
keeps no per-thread state beyond Flask's request context.
"""

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


def post_worker_init(worker):
    """Every log line the worker writes (app, libraries, gunicorn) passes the phone-number mask."""
    from backend.core.logs import install_log_filters

    install_log_filters()
