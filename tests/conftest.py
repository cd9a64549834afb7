"""Fixtures: app (fresh database per test), client, runner, auth helper, query counter.

Set DANKHEO_TEST_DATABASE_URI (e.g. postgresql+psycopg://…) to run the suite on
PostgreSQL: the schema is created once and every table is emptied after each test."""

import os

import jinja2
import pytest
import sqlalchemy as sa

from dankheo import create_app
from dankheo.extensions import db
from tests.factories import DEFAULT_PASSWORD

TEST_DB_URI = os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite://")
_schema_ready = False


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared by every app the suite builds (one per test)."""

    def __init__(self):
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _MemoryBytecodeCache()
_empty_sql: str | None = None


def make_test_config(tmp_path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": TEST_DB_URI,
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
        "CERTIFICATE_DIR": str(tmp_path / "certificates"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "HUEY_BACKEND": "immediate",
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.sqlite3"),
        "PUBLIC_BASE_URL": "https://dankheo.example.vn",
        # Per test: nothing counted or cached by one test is seen by the next.
        "RATELIMIT_STORAGE_URI": "memory://",
        "CACHE_DIR": str(tmp_path / "cache"),
        "DOWNLOAD_DIR": str(tmp_path / "downloads"),
    }
    config.update(overrides)
    return config


def _prepare_schema() -> None:
    global _schema_ready
    if TEST_DB_URI.startswith("sqlite"):
        db.create_all()  # in-memory: a fresh database for every app
    elif not _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready = True


def _empty_tables_sql() -> str:
    """DELETE every table, children first, and restart the id sequences: one round trip.
    (TRUNCATE gives new files to every table: ~150 ms a test against ~3 ms for this.)"""
    global _empty_sql
    if _empty_sql is None:
        tables = reversed(db.metadata.sorted_tables)
        statements = [f'DELETE FROM "{t.name}"' for t in tables]  # noqa: S608 (our own names)
        statements += [
            f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)"
            for t in db.metadata.sorted_tables
            if "id" in t.c and t.c.id.primary_key and t.c.id.autoincrement in (True, "auto")
        ]
        _empty_sql = ";\n".join(statements)
    return _empty_sql


def _empty_tables() -> None:
    db.session.remove()
    if TEST_DB_URI.startswith("sqlite"):
        db.drop_all()
    else:
        with db.engine.begin() as conn:
            conn.execute(sa.text(_empty_tables_sql()))
    # Every app has its own engine: close its pooled connections now, not at garbage
    # collection (psycopg warns about connections deleted while open).
    db.engine.dispose()


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Override in a test module to change settings before the app is built."""
    return make_test_config(tmp_path)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    # Every test builds a new app; sharing compiled templates saves recompiling them.
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    with app.app_context():
        _prepare_schema()
        yield app
        _empty_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = DEFAULT_PASSWORD, follow=False):
        return self._client.post(
            "/auth/login",
            data={"username": username, "password": password},
            follow_redirects=follow,
        )

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Use as ``with count_queries() as q: ...; assert q.count <= N``."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return counting
