"""Every setting of the application, with its default and why it is there.

Order of precedence: these defaults, then ``instance/config.py``, then environment
variables prefixed ``DANKHEO_`` (values parsed as JSON when they parse, so
``DANKHEO_MAX_CONTENT_LENGTH=1048576`` is an int), then ``test_config`` under test.
"""

from datetime import timedelta
from urllib.parse import urlsplit

# The demo's values: public (they are in this repository), so production refuses them.
DEMO_SECRET_KEY = "dankheo-demo-not-secret"  # noqa: S105 (demo default, documented)
DEMO_PUBLIC_BASE_URL = "http://127.0.0.1:5000"
# Placeholders of instance/config.example.py: copied but not edited.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"  # noqa: S105
EXAMPLE_PUBLIC_BASE_URL = "https://dankheo.example.gov.vn"
# 32 characters: what `python3 -c "import secrets; print(secrets.token_hex(16))"` prints.
MIN_SECRET_KEY_LENGTH = 32
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104 (names, not binds)


class Defaults:
    # Signing key for sessions and CSRF tokens. The default is for the demo only;
    # production sets DANKHEO_SECRET_KEY (docs/operations.md) and refuses to start
    # without a key of its own of at least MIN_SECRET_KEY_LENGTH characters.
    SECRET_KEY = DEMO_SECRET_KEY

    # Production entry points (wsgi.py, gunicorn.conf.py, scripts/serve.sh) set this:
    # start-up then refuses the demo's secret key and public URL (see production_problems).
    # `make run`, the demo, the tests and the browser journeys leave it off.
    PRODUCTION = False

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
    # A session or remember-me cookie is refused this long after its sign-in, whatever
    # expiry it carries (auth.sessions); the remember-me cookie lasts as long.
    SESSION_MAX_AGE = timedelta(days=14)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    # Number of reverse proxies (nginx) in front of the app whose X-Forwarded-For/-Proto/
    # -Host headers are trusted; 0 trusts none. Behind one nginx: 1. Sign-in attempts then
    # record the real client address, and request.is_secure follows the proxy's scheme.
    PROXY_FIX_HOPS = 0
    # Send HSTS (only meaningful behind HTTPS).
    HSTS_ENABLED = False

    # CSRF tokens on every POST (Flask-WTF); valid for a working day.
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # Sign-in throttling (auth/throttle.py): failures inside the window are counted by
    # account from one address, by address and by account; past the free ones each
    # failure doubles the wait before the next attempt (1 s, 2 s, 4 s …) up to a cap.
    # The account-wide cap is short: anyone can slow an account, nobody can lock it.
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    LOGIN_FREE_FAILURES_PAIR = 3
    LOGIN_FREE_FAILURES_ADDRESS = 10
    LOGIN_FREE_FAILURES_ACCOUNT = 5
    LOGIN_MAX_DELAY_SECONDS = 900
    LOGIN_MAX_ACCOUNT_DELAY_SECONDS = 60

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
    # The same for the review's computed page parts (review.cached: the ranking).
    REVIEW_CACHE_SECONDS = 3600
    # Seconds an unused anonymous response (the gallery, the open-data API's lists) stays
    # in the shared cache (web.page_cache: keyed by URL and data versions, so a commit is
    # seen at once). 0 renders them on every request.
    PAGE_CACHE_SECONDS = 600
    # The same for a registry search's total and shown ids (registry.queries: keyed by
    # the search, the reader's scope and the data versions). 0 searches every time.
    LIST_CACHE_SECONDS = 600

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

    # Base URL printed in certificate QR codes: /verify/<serial> is appended. Also the
    # base of every absolute URL the API returns (never the request's Host header).
    PUBLIC_BASE_URL = DEMO_PUBLIC_BASE_URL

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
    GUNICORN_WORKERS = 0  # 0: one per core plus one, at most 8 (gunicorn.conf.py)
    GUNICORN_THREADS = 4
    GUNICORN_BIND = "127.0.0.1:8000"
    GUNICORN_TIMEOUT = 60
    GUNICORN_ACCESS_LOG = ""


class UnsafeConfiguration(SystemExit):
    """A production start with the demo's defaults: the process ends with this message
    (and exit status 1) whichever entry point started it: gunicorn's master, a WSGI
    server importing wsgi.py, or `flask … certificates worker`."""


def production_problems(config) -> list[str]:
    """What makes ``config`` unfit to serve for real, as sentences for the operator."""
    problems = []
    key = str(config.get("SECRET_KEY") or "")
    if key in (DEMO_SECRET_KEY, EXAMPLE_SECRET_KEY):
        problems.append(
            "SECRET_KEY is the public demo value: anyone can sign session and remember-me "
            "cookies with it. Set DANKHEO_SECRET_KEY (or SECRET_KEY in instance/config.py) "
            'to a random string, e.g. python3 -c "import secrets; print(secrets.token_hex(32))".'
        )
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY is {len(key)} characters long; at least {MIN_SECRET_KEY_LENGTH} "
            "random characters are required."
        )
    url = str(config.get("PUBLIC_BASE_URL") or "")
    parts = urlsplit(url)
    if url.rstrip("/") in (DEMO_PUBLIC_BASE_URL, EXAMPLE_PUBLIC_BASE_URL):
        problems.append(
            f"PUBLIC_BASE_URL is the default {url!r}: it is printed in every certificate's QR "
            "code, which would then point nowhere. Set DANKHEO_PUBLIC_BASE_URL to the public "
            "https address of this site."
        )
    elif parts.scheme not in ("http", "https") or (parts.hostname or "") in _LOOPBACK:
        problems.append(
            f"PUBLIC_BASE_URL {url!r} is not a public http(s) address: certificates' QR codes "
            "and the API's links must reach this site from outside."
        )
    return problems


def check_production(config) -> None:
    """Raise UnsafeConfiguration when ``config`` (marked PRODUCTION) is unfit to serve."""
    problems = production_problems(config)
    if problems:
        raise UnsafeConfiguration(
            "dankheo: refusing to start in production (PRODUCTION is set):\n"
            + "\n".join(f"  - {p}" for p in problems)
            + "\nSee docs/operations.md, Configuration."
        )
