"""Per-address rate limits on what anyone may ask without signing in: the open-data API,
the gallery's exports and ``/verify``. Flask-Limiter counts the requests (fixed windows,
``Retry-After`` and ``X-RateLimit-*`` headers, 429 through the application's error
pages) in a storage every process shares:

- ``RATELIMIT_STORAGE_URI = "redis://…"`` when the site runs on several hosts (the same
  Redis as the job queue);
- by default a small SQLite file in the instance folder (``dankheo-sqlite:///path``,
  the storage below), shared by every worker process of one host — a separate file, so
  that counting never waits on the application database's single writer;
- ``"memory://"`` (per process) only for tests that want one.

Sign-in throttling (per username) lives with the sign-in, not here.
"""

import sqlite3
import threading
import time
from pathlib import Path

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits.storage import Storage


def client_address() -> str:
    """The address a request came from (ProxyFix has put the proxy's X-Forwarded-For
    there when PROXY_FIX_HOPS says to trust it)."""
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address, default_limits=[])


def api_limit() -> str:
    return current_app.config["RATELIMIT_API"]


def export_limit() -> str:
    return current_app.config["RATELIMIT_EXPORTS"]


def verify_limit() -> str:
    return current_app.config["RATELIMIT_VERIFY"]


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # A storage that fails (Redis down) must not take the site down with it.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter.init_app(app)


class SQLiteFileStorage(Storage):
    """Fixed-window counters in one SQLite file (WAL), shared by the processes of a host.
    Each increment is one short write transaction."""

    STORAGE_SCHEME = ["dankheo-sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(uri.split("://", 1)[1] or "ratelimits.sqlite3")
        self._local = threading.local()

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # counters, not records
            conn.execute(
                "CREATE TABLE IF NOT EXISTS counters "
                "(key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires REAL NOT NULL)"
            )
            self._local.conn = conn
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            conn.execute(
                "INSERT INTO counters (key, hits, expires) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET hits = hits + excluded.hits",
                (key, amount, now + expiry),
            )
            (hits,) = conn.execute("SELECT hits FROM counters WHERE key = ?", (key,)).fetchone()
            if now % 97 < 1:  # now and then, forget windows long gone
                conn.execute("DELETE FROM counters WHERE expires <= ?", (now,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return hits

    def get(self, key: str) -> int:
        row = (
            self._conn()
            .execute("SELECT hits FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._conn().execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._conn().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._conn().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._conn().execute("DELETE FROM counters WHERE key = ?", (key,))
