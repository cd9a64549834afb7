"""Every setting of the application, with its default and why it is there.

Order of precedence: these defaults, then ``instance/config.py``, then environment
variables prefixed ``DANKHEO_`` (values parsed as JSON when they parse, so
``DANKHEO_MAX_CONTENT_LENGTH=1048576`` is an int), then ``test_config`` under test.
"""

from datetime import timedelta


class Defaults:
    # Signing key for sessions and CSRF tokens. The default is for the demo only;
    # production sets DANKHEO_SECRET_KEY (docs/operations.md).
    SECRET_KEY = "dankheo-demo-not-secret"  # noqa: S105 (demo default, documented)

    # Embedded SQLite in instance/ unless a URI is configured; "{instance}" is
    # replaced by the absolute instance path at start-up.
    SQLALCHEMY_DATABASE_URI = "sqlite:///{instance}/dankheo.sqlite3"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_RECORD_QUERIES = False

    # Cookies: HttpOnly and SameSite=Lax always; Secure when served over HTTPS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    # Number of reverse proxies (nginx) in front of the app whose X-Forwarded-For/-Proto/
    # -Host headers are trusted; 0 trusts none. Behind one nginx: 1. Sign-in attempts then
    # record the real client address, and request.is_secure follows the proxy's scheme.
    PROXY_FIX_HOPS = 0
    # Send HSTS (only meaningful behind HTTPS).
    HSTS_ENABLED = False

    # CSRF tokens on every POST (Flask-WTF); valid for a working day.
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # Sign-in throttling: after this many failures for one username inside the
    # window, further attempts are refused until the window has passed.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_MINUTES = 15

    # Argon2id parameters (argon2-cffi defaults: 3 passes, 64 MiB). Tests lower them.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    # Largest request body (uploads included); beyond it users get the 413 page.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # Largest decoded image (pixels) accepted for uploads and emblems.
    MAX_IMAGE_PIXELS = 40_000_000

    # Serve Bootstrap from our own server (users sit on intranets, often offline).
    BOOTSTRAP_SERVE_LOCAL = True

    # Rows per page on list pages.
    PER_PAGE = 50

    # Seconds an unused entry of the dashboard's figures stays in the shared cache
    # (reports.cache: entries are keyed by the data versions, so a commit anywhere is
    # seen at once). 0 computes them on every request.
    REPORTS_CACHE_SECONDS = 3600

    # Per-address rate limits on what anyone may ask without signing in (dankheo.ratelimits,
    # Flask-Limiter syntax). The counters live where every process sees them: a SQLite
    # file of the instance on one host, Redis ("redis://…") when the site spans hosts.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "dankheo-sqlite://{instance}/ratelimits.sqlite3"
    RATELIMIT_API = "300 per minute"
    RATELIMIT_EXPORTS = "20 per minute"
    RATELIMIT_VERIFY = "60 per minute"

    # The cache every process shares (Flask-Caching): the dashboard's figures and
    # the units' index. A folder of the instance on one host ("FileSystemCache"),
    # "RedisCache" with CACHE_REDIS_URL when the site spans hosts. Entries are keyed by
    # the data versions (models.versions), so a change anywhere is seen everywhere at
    # once; the timeout only bounds how long unused entries stay.
    CACHE_TYPE = "FileSystemCache"
    CACHE_DIR = "{instance}/cache/shared"
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_THRESHOLD = 2000
    CACHE_REDIS_URL = "redis://127.0.0.1:6379/1"

    # Files built for downloads (bulk open data, large or anonymous exports), each
    # named by the data version it was built from.
    DOWNLOAD_DIR = "{instance}/downloads"

    # Base URL printed in certificate QR codes: /verify/<serial> is appended.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    # Where evidence and issued certificates are stored ("{instance}" as above).
    EVIDENCE_DIR = "{instance}/evidence"
    CERTIFICATE_DIR = "{instance}/certificates"
    UPLOAD_DIR = "{instance}/uploads"

    # Background jobs (huey). "sqlite" keeps the queue in instance/ (embedded);
    # "redis" uses HUEY_REDIS_URL; "immediate" runs jobs in-process (tests).
    HUEY_BACKEND = "sqlite"
    HUEY_SQLITE_PATH = "{instance}/huey.sqlite3"
    HUEY_REDIS_URL = "redis://127.0.0.1:6379/0"

    # Optional PKCS#12 key that signs stored certificates (PAdES) and its passphrase.
    SIGNING_PKCS12_PATH = ""
    SIGNING_PKCS12_PASSPHRASE = ""

    # Gunicorn settings used by `make serve` (gunicorn.conf.py): processes × threads per
    # process, the address to listen on (loopback: nginx in front, docs/operations.md),
    # seconds before a stuck request's worker is restarted, and the access log
    # ("-" for standard output, "" for none: nginx keeps one).
    GUNICORN_WORKERS = 0  # 0: one per core plus one, at most 8 (gunicorn.conf.py)
    GUNICORN_THREADS = 4
    GUNICORN_BIND = "127.0.0.1:8000"
    GUNICORN_TIMEOUT = 60
    GUNICORN_ACCESS_LOG = ""
