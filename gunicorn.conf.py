"""Gunicorn settings for `make serve` (scripts/serve.sh), read from the application's
own configuration so that one place decides: dankheo/config.py defaults, then
instance/config.py, then DANKHEO_* environment variables, e.g.

    DANKHEO_GUNICORN_WORKERS=4 DANKHEO_GUNICORN_THREADS=8 make serve

Run directly with ``.venv/bin/gunicorn -c gunicorn.conf.py``. See docs/operations.md."""

import faulthandler
import gc
import os

from dankheo import settings

# A worker that dies of a fault in native code (SIGSEGV, SIGBUS, SIGFPE, SIGABRT) writes
# every thread's Python stack to the error log first; workers inherit the handler.
faulthandler.enable()

# The settings only: the master builds no application (no database connection, no
# WeasyPrint, Pango or fontconfig loaded before it forks; each worker builds its own
# from wsgi.py). Production: the master refuses the demo's secret key and public URL
# before any worker starts (exit status 1, with why).
_config = settings(production=True)

wsgi_app = "wsgi:app"
bind = [part.strip() for part in str(_config["GUNICORN_BIND"]).split(",") if part.strip()]
# Processes: one per core plus one (a request waiting on the database leaves its core to
# another), at most 8; each runs GUNICORN_THREADS threads. GUNICORN_WORKERS overrides.
workers = int(_config["GUNICORN_WORKERS"] or min((os.cpu_count() or 1) + 1, 8))
threads = int(_config["GUNICORN_THREADS"])
worker_class = "gthread"
timeout = int(_config["GUNICORN_TIMEOUT"])
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound. Nothing worth
# keeping lives only in a worker (figures and the units' index are in the shared cache,
# reports.cache), and the jitter spreads the restarts: with 10,000–20,000 requests each,
# two workers almost never restart together, and never every few seconds.
max_requests = 10_000
max_requests_jitter = 10_000
accesslog = _config["GUNICORN_ACCESS_LOG"] or None
errorlog = "-"
# nginx on the same host sets X-Forwarded-Proto; trust it from loopback only.
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "dankheo"
# gunicorn ≥ 25.1 opens a control socket in ~/.gunicorn; several instances on one host
# (app servers, benchmarks) would share it, and nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    """The worker has built its application (wsgi.py): what it holds now — modules,
    routes, templates, ~150,000 objects — lives as long as the worker, so the garbage
    collector stops scanning it (a full collection cost ~70 ms of CPU; an export of
    50,000 rows, which allocates enough to trigger several, spends ~9 % less)."""
    gc.freeze()
