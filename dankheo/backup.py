"""Backups: a consistent snapshot of the database and the stored files, and its restore.

A backup is a folder (0700, every file in it 0600)::

    dankheo-20251231-235900/
      manifest.json          # what is inside: every file with its SHA-256, table row counts,
                             # and the stored files the database refers to
      database.sqlite3       # SQLite: made with the online backup API (consistent while serving)
      database.pgdump        # PostgreSQL: pg_dump --format=custom of an exported snapshot
      files/evidence/...     # copies of EVIDENCE_DIR
      files/certificates/... # copies of CERTIFICATE_DIR
      files/uploads/...      # copies of UPLOAD_DIR (emblems, scans of blanks)

The database is copied first and the files after it: a file written in between is an
extra file in the backup (harmless). Every stored file the snapshot's rows refer to
(features register the queries that name them: ``register_references``) must be among
the copies, or the backup fails saying which are missing; a restore checks the same
before it changes anything, so a backup is restored whole or not at all. The folder is
written as ``<name>.partial`` and renamed when complete, and the manifest is written
last, so a half-written backup is never mistaken for a good one.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from dankheo.extensions import db
from dankheo.private_files import DIR_MODE, FILE_MODE, make_private, private_dir

# 2: uploads are a file area, and the manifest lists the files the database refers to.
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES_DIR = "files"
# Stored-file areas: name in the backup → the setting naming the live folder.
FILE_AREAS = {
    "evidence": "EVIDENCE_DIR",
    "certificates": "CERTIFICATE_DIR",
    "uploads": "UPLOAD_DIR",
}
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Reference:
    """Stored files named by the database: ``sql`` returns one column of values, and
    ``to_path`` turns each into a path relative to the area's folder."""

    area: str
    sql: str
    to_path: object = None  # callable(value) -> str; None: the value is the path


# Registered by the features that own stored files (at import, like jobs).
REFERENCES: list[Reference] = []


def register_references(area: str, sql: str, to_path=None) -> None:
    """Declare that the rows ``sql`` selects name files of ``area``; backups and restores
    refuse to go on when one of them is missing."""
    if area not in FILE_AREAS:
        raise ValueError(f"unknown file area {area!r}")
    reference = Reference(area, sql, to_path)
    if reference not in REFERENCES:
        REFERENCES.append(reference)


class BackupError(Exception):
    """A backup or restore could not be made; the message says why (for operators)."""


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: int


# --- helpers --------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashed(src: Path, dst: Path, root: Path) -> tuple[str, int]:
    """Copy ``src`` to ``dst`` (0600, folders 0700 from ``root`` down) reading it once;
    return the SHA-256 and size of what was copied (so the manifest describes the copy
    even if the source changes meanwhile). Times are kept, permissions are not."""
    private_dir(dst.parent, root)
    digest = hashlib.sha256()
    size = 0
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with src.open("rb") as fin, os.fdopen(fd, "wb") as fout:
        os.fchmod(fout.fileno(), FILE_MODE)
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
    stat = src.stat()
    os.utime(dst, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return digest.hexdigest(), size


def _regular_files(root: Path):
    """Regular files under ``root`` (symlinks are skipped: never follow them out)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _backend() -> str:
    return db.engine.url.get_backend_name()


def _is_memory_sqlite() -> bool:
    database = db.engine.url.database
    return not database or database == ":memory:" or database.startswith("file::memory:")


def _table_names() -> list[str]:
    """The application's tables plus Alembic's version table when present."""
    names = [t.name for t in db.metadata.sorted_tables]
    if sa.inspect(db.engine).has_table("alembic_version"):
        names.append("alembic_version")
    return names


def _counts(conn) -> dict[str, int]:
    return {
        name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
        for name in _table_names()
    }


def _live_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return _counts(conn)


def _pg_command_url() -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment carrying it."""
    url = db.engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) matching the server's version"
        )
    return path


# --- backup ---------------------------------------------------------------------------


def _referenced(execute) -> set[tuple[str, str]]:
    """(area, relative path) of every stored file the database names; ``execute(sql)``
    returns the rows of one query (on the snapshot being backed up)."""
    found = set()
    for ref in REFERENCES:
        for (value,) in execute(ref.sql):
            if value:
                found.add((ref.area, ref.to_path(value) if ref.to_path else str(value)))
    return found


def _backup_sqlite(target: Path) -> tuple[dict, set]:
    dst = sqlite3.connect(target)
    make_private(target)
    raw = db.engine.raw_connection()
    try:
        # One step (pages=-1) under a read lock: a consistent copy while others write.
        raw.driver_connection.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
        names = [
            row[0]
            for row in dst.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {
            name: dst.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 (names from sqlite_master)
            for name in names
        }
        referenced = _referenced(lambda sql: dst.execute(sql).fetchall())
    finally:
        raw.close()
        dst.close()
    make_private(target)
    return counts, referenced


def _backup_postgresql(target: Path) -> tuple[dict, set]:
    """pg_dump of a snapshot this connection exports, so the row counts and the list of
    referenced files are read from exactly what is dumped."""
    url, env = _pg_command_url()
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target),
                    url,
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            counts = {
                name: conn.execute(
                    sa.select(sa.func.count()).select_from(sa.table(name))
                ).scalar_one()
                for name in _table_names()
            }
            referenced = _referenced(lambda sql: conn.execute(sa.text(sql)).all())
    make_private(target)
    return counts, referenced


def create_backup(app: Flask, output: Path | None = None) -> Path:
    """Write a snapshot folder under ``output`` (default: instance/backups) and return it."""
    now = datetime.now(UTC)
    parent = Path(output) if output else Path(app.instance_path) / "backups"
    name = f"dankheo-{now:%Y%m%d-%H%M%S}"
    final = parent / name
    if final.exists():
        raise BackupError(f"{final} already exists")
    work = parent / (name + ".partial")
    if work.exists():
        shutil.rmtree(work)
    private_dir(parent)
    private_dir(work)
    try:
        backend = _backend()
        if backend == "sqlite":
            db_file = work / SQLITE_FILE
            counts, referenced = _backup_sqlite(db_file)
        elif backend == "postgresql":
            db_file = work / PG_FILE
            counts, referenced = _backup_postgresql(db_file)
        else:
            raise BackupError(f"backups of {backend} databases are not supported")
        files = []
        for area, setting in FILE_AREAS.items():
            root = Path(app.config[setting])
            for path in _regular_files(root):
                rel = path.relative_to(root).as_posix()
                digest, size = _copy_hashed(path, work / FILES_DIR / area / rel, work)
                files.append({"area": area, "path": rel, "sha256": digest, "size": size})
        missing = sorted(referenced - {(f["area"], f["path"]) for f in files})
        if missing:
            raise BackupError(
                f"cannot make a complete backup: {len(missing)} stored files the database "
                "refers to are missing: " + ", ".join(f"{a}/{p}" for a, p in missing[:10])
            )
        manifest = {
            "format": FORMAT_VERSION,
            "application": "dankheo",
            "created_at": now.isoformat(timespec="seconds"),
            "database": {
                "backend": backend,
                "file": db_file.name,
                "sha256": sha256_file(db_file),
                "size": db_file.stat().st_size,
            },
            "tables": counts,
            "files": files,
            "referenced": [{"area": a, "path": p} for a, p in sorted(referenced)],
        }
        manifest_path = work / MANIFEST
        fd = os.open(manifest_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(manifest, ensure_ascii=False, indent=2))
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


# --- verify and restore ---------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    """The manifest of the backup at ``source``, after checking every hash in it."""
    manifest_path = Path(source) / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} is not a backup (no {MANIFEST})")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise BackupError(f"{manifest_path} is not valid JSON") from err
    if manifest.get("format") == 1:
        raise BackupError(
            "this backup (format 1) holds no uploaded images (emblems, scans of blanks) and no "
            "list of referenced files: restoring it would be partial. Restore it with the "
            "version that made it, then make a new backup."
        )
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    db_file = Path(source) / manifest["database"]["file"]
    if not db_file.is_file() or sha256_file(db_file) != manifest["database"]["sha256"]:
        raise BackupError(f"{db_file} is missing or damaged (SHA-256 differs)")
    for entry in manifest["files"]:
        path = _backup_file_path(Path(source), entry)
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            raise BackupError(f"{path} is missing or damaged (SHA-256 differs)")
    listed = {(f["area"], f["path"]) for f in manifest["files"]}
    missing = sorted(
        f"{r['area']}/{r['path']}"
        for r in manifest.get("referenced", [])
        if (r["area"], r["path"]) not in listed
    )
    if missing:
        raise BackupError(
            f"partial backup: {len(missing)} stored files the database refers to are not in "
            "it: " + ", ".join(missing[:10])
        )
    return manifest


def _backup_file_path(source: Path, entry: dict) -> Path:
    if entry["area"] not in FILE_AREAS:
        raise BackupError(f"unknown file area {entry['area']!r}")
    base = (source / FILES_DIR / entry["area"]).resolve()
    path = (base / entry["path"]).resolve()
    if not path.is_relative_to(base):  # a tampered manifest must not reach outside
        raise BackupError(f"refusing path outside the backup: {entry['path']!r}")
    return path


def _staging(app: Flask, area: str) -> Path:
    """An empty folder beside the area's live folder (same file system: renamed in)."""
    live = Path(app.config[FILE_AREAS[area]])
    staging = live.parent / f".{live.name}.restoring"
    if staging.exists():
        shutil.rmtree(staging)
    return private_dir(staging)


def _inside(base: Path, relative: str) -> Path:
    base = base.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base):
        raise BackupError(f"refusing path outside {base}: {relative!r}")
    return path


def _live_has_data(app: Flask) -> list[str]:
    """What restoring would overwrite: non-empty tables and non-empty file folders."""
    found = []
    inspector = sa.inspect(db.engine)
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if (
                inspector.has_table(table.name)
                and conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
            ):
                found.append(f"table {table.name}")
    for setting in FILE_AREAS.values():
        if any(True for _ in _regular_files(Path(app.config[setting]))):
            found.append(f"folder {app.config[setting]}")
    return found


def _restore_sqlite(source_file: Path) -> None:
    db.session.remove()
    src = sqlite3.connect(source_file)
    raw = db.engine.raw_connection()
    try:
        src.backup(raw.driver_connection)
    finally:
        raw.close()
        src.close()
    if not _is_memory_sqlite():
        db.engine.dispose()  # other pooled connections must not keep a stale schema cache


def _restore_postgresql(source_file: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    url, env = _pg_command_url()
    result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            url,
            str(source_file),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def restore_backup(app: Flask, source: Path, *, force: bool = False) -> RestoreReport:
    """Bring back the backup at ``source``: the database, then the files, then check that
    every table has the manifest's row count. Refuses to overwrite existing data unless
    ``force``; with ``force`` the file folders are emptied first."""
    source = Path(source)
    manifest = read_manifest(source)
    backend = _backend()
    if manifest["database"]["backend"] != backend:
        raise BackupError(
            f"this backup is of a {manifest['database']['backend']} database; "
            f"the configured database is {backend}"
        )
    existing = _live_has_data(app)
    if existing and not force:
        raise BackupError(
            "refusing to overwrite existing data (" + ", ".join(existing[:5]) + "); "
            "use --force to replace it"
        )
    # Every file first, into staging folders beside the live ones (checked as copied);
    # then the database; then the staging folders take the live folders' places. A
    # failure before the swap leaves the live data as it was.
    staging = {area: _staging(app, area) for area in FILE_AREAS}
    try:
        for entry in manifest["files"]:
            root = staging[entry["area"]]
            target = _inside(root, entry["path"])
            digest, _size = _copy_hashed(_backup_file_path(source, entry), target, root)
            if digest != entry["sha256"]:
                raise BackupError(f"{target} differs from the backup after copying")
        db_file = source / manifest["database"]["file"]
        if backend == "sqlite":
            _restore_sqlite(db_file)
        else:
            _restore_postgresql(db_file)
    except BaseException:
        for root in staging.values():
            shutil.rmtree(root, ignore_errors=True)
        raise
    for area, setting in FILE_AREAS.items():
        live = Path(app.config[setting])
        if live.exists():
            shutil.rmtree(live)
        private_dir(live.parent)
        staging[area].rename(live)
        live.chmod(DIR_MODE)
    counts = _live_counts()
    wrong = {
        name: (expected, counts.get(name))
        for name, expected in manifest["tables"].items()
        if name in counts and counts[name] != expected
    }
    if wrong:
        raise BackupError(f"row counts differ after restore: {wrong}")
    return RestoreReport(
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["files"]),
    )
