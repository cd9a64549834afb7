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

    # Seconds a process reuses the dashboard's figures (reports.cache.cached; a
    # commit in the process empties the cache). 0 computes them on every request.
    REPORTS_CACHE_SECONDS = 60

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

    # Notifications by e-mail (SMTP, sent by the background worker from the outbox table).
    # No server configured: notifications stay in the app only. Port 465 speaks TLS from
    # the start; otherwise MAIL_USE_TLS upgrades the connection with STARTTLS.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "Dân vận khéo <khong-tra-loi@localhost>"
    # Seconds an SMTP conversation may hang; attempts before an e-mail is marked failed
    # (visible to the admin, who can send it again); the first retry's delay in seconds,
    # doubled at each attempt up to MAIL_RETRY_MAX_SECONDS.
    MAIL_TIMEOUT = 30
    MAIL_MAX_ATTEMPTS = 12
    MAIL_RETRY_SECONDS = 60
    MAIL_RETRY_MAX_SECONDS = 6 * 3600

    # The organisation's seal: an optional PKCS#12 key that signs the stored files of
    # decisions recorded without a personal signer (signed on paper), and its passphrase.
    SIGNING_PKCS12_PATH = ""
    SIGNING_PKCS12_PASSPHRASE = ""
    # Personal signers (admin → Người ký; docs/security.md, "Signing keys"):
    # their PKCS#12 files live in this folder (0700, files 0600), never in the database;
    SIGNING_KEY_DIR = "{instance}/keys"
    # the PKCS#11 modules (USB token or HSM drivers) a signer may name, by a short name:
    # {"softhsm": "/usr/lib/softhsm/libsofthsm2.so"}. Only these libraries are loaded.
    SIGNING_PKCS11_MODULES: dict = {}
    # passphrases / PINs of signers whose secret source is "config", by the name the
    # signer record gives (secret_ref). Empty: every signer types theirs at confirmation.
    SIGNING_SECRETS: dict = {}
    # Hours a PIN typed at confirmation may wait in the job queue (sealed with SECRET_KEY)
    # before the worker refuses it; after that, or after a worker restart, the signer
    # confirms again to finish the remaining certificates.
    SIGNING_SECRET_MAX_AGE_HOURS = 24

    # Gunicorn settings used by `make serve` (gunicorn.conf.py): processes × threads per
    # process, the address to listen on (loopback: nginx in front, docs/operations.md),
    # seconds before a stuck request's worker is restarted, and the access log
    # ("-" for standard output, "" for none: nginx keeps one).
    GUNICORN_WORKERS = 2
    GUNICORN_THREADS = 4
    GUNICORN_BIND = "127.0.0.1:8000"
    GUNICORN_TIMEOUT = 60
    GUNICORN_ACCESS_LOG = ""
