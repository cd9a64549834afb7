"""Gunicorn settings for `make serve` (scripts/serve.sh), read from the application's
own configuration so that one place decides: dankheo/config.py defaults, then
instance/config.py, then DANKHEO_* environment variables, e.g.

    DANKHEO_GUNICORN_WORKERS=4 DANKHEO_GUNICORN_THREADS=8 make serve

Run directly with ``.venv/bin/gunicorn -c gunicorn.conf.py``. See docs/operations.md."""

import faulthandler

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
workers = int(_config["GUNICORN_WORKERS"])
threads = int(_config["GUNICORN_THREADS"])
worker_class = "gthread"
timeout = int(_config["GUNICORN_TIMEOUT"])
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = _config["GUNICORN_ACCESS_LOG"] or None
errorlog = "-"
# nginx on the same host sets X-Forwarded-Proto; trust it from loopback only.
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "dankheo"
# gunicorn ≥ 25.1 opens a control socket in ~/.gunicorn; several instances on one host
# (app servers, benchmarks) would share it, and nothing here uses it.
control_socket_disable = True
