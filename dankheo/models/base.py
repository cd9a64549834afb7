"""Declarative base, naming convention and column helpers shared by every model."""

import enum
import os
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from dankheo.vietnamese import clean_text

# A stable naming convention keeps Alembic migrations deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _clean_stored_text(mapper, _connection, target) -> None:
    """Every string stored through the ORM is NFC without control characters, bidi
    overrides or zero-width characters (vietnamese.clean_text), whichever path wrote it:
    a form (BaseForm does the same first), an import, a command, a service."""
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if not isinstance(column.type, sa.String) or isinstance(column.type, sa.Enum):
            continue
        value = getattr(target, attr.key, None)
        if isinstance(value, str):
            cleaned = clean_text(value)
            if cleaned != value:
                setattr(target, attr.key, cleaned)


def utcnow() -> datetime:
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column type: VARCHAR plus a CHECK constraint of its values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def binary_string(length: int) -> sa.types.TypeEngine:
    """A string compared byte by byte on every backend (for paths and sort keys)."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # Foreign keys are off by default in SQLite; WAL lets readers run during a write.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        _private_database_file(cursor)  # before WAL: -wal and -shm take the file's mode
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _private_database_file(cursor) -> None:
    """An embedded database is readable by the service's user only: the file 0600 (its
    -wal and -shm files are created with the same mode) in a folder of mode 0700."""
    for _seq, name, path in cursor.execute("PRAGMA database_list").fetchall():
        if name != "main" or not path:
            continue  # in memory
        for target, mode in (
            (path, 0o600),
            (f"{path}-wal", 0o600),
            (f"{path}-shm", 0o600),
            (os.path.dirname(path), 0o700),
        ):
            try:
                if os.stat(target).st_mode & 0o777 != mode:
                    os.chmod(target, mode)
            except OSError:
                pass  # not there yet, or not ours to change


def bulk_insert(session, table: sa.Table, rows: list[dict], chunk: int = 5000) -> None:
    """Insert many plain rows in the caller's transaction: PostgreSQL's COPY (a million
    rows in seconds rather than minutes), executemany elsewhere. Every row has the same
    keys; enum members are written as their values."""
    if not rows:
        return
    bind = session.connection()
    plain = not any(isinstance(c.type, sa.JSON) for c in table.columns)
    if bind.dialect.name != "postgresql" or not plain or len(rows) < 1000:
        for start in range(0, len(rows), chunk):
            session.execute(table.insert(), rows[start : start + chunk])
        return
    columns = list(rows[0])
    quoted = ", ".join(bind.dialect.identifier_preparer.quote(c) for c in columns)
    cursor = bind.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [v.value if isinstance(v, enum.Enum) else v for v in (row[c] for c in columns)]
                )
    finally:
        cursor.close()
