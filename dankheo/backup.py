"""Backups: a consistent snapshot of the database and the stored files, and its restore.

A backup is a folder::

    dankheo-20251231-235900/
      manifest.json          # what is inside: every file with its SHA-256, table row counts
      database.sqlite3       # SQLite: made with the online backup API (consistent while serving)
      database.pgdump        # PostgreSQL: pg_dump --format=custom (one snapshot transaction)
      files/evidence/...     # copies of EVIDENCE_DIR
      files/certificates/... # copies of CERTIFICATE_DIR

The database is copied first and the files after it: a file written in between is an
extra file in the backup (harmless), never a row pointing at a missing file. The folder
is written as ``<name>.partial`` and renamed when complete, and the manifest is written
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

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES_DIR = "files"
# Stored-file areas: name in the backup → the setting naming the live folder.
FILE_AREAS = {"evidence": "EVIDENCE_DIR", "certificates": "CERTIFICATE_DIR"}
_CHUNK = 1024 * 1024


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


def _copy_hashed(src: Path, dst: Path) -> tuple[str, int]:
    """Copy ``src`` to ``dst`` reading it once; return the SHA-256 and size of what was
    copied (so the manifest describes the copy even if the source changes meanwhile)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with src.open("rb") as fin, dst.open("wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
    shutil.copystat(src, dst)
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


def _live_counts() -> dict[str, int]:
    counts = {}
    with db.engine.connect() as conn:
        for name in _table_names():
            counts[name] = conn.execute(
                sa.select(sa.func.count()).select_from(sa.table(name))
            ).scalar_one()
    return counts


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


def _backup_sqlite(target: Path) -> dict:
    dst = sqlite3.connect(target)
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
    finally:
        raw.close()
        dst.close()
    return counts


def _backup_postgresql(target: Path) -> dict:
    url, env = _pg_command_url()
    counts = _live_counts()  # close to the dump's snapshot; the dump is authoritative
    result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), url],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


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
    work.mkdir(parents=True)
    try:
        backend = _backend()
        if backend == "sqlite":
            db_file = work / SQLITE_FILE
            counts = _backup_sqlite(db_file)
        elif backend == "postgresql":
            db_file = work / PG_FILE
            counts = _backup_postgresql(db_file)
        else:
            raise BackupError(f"backups of {backend} databases are not supported")
        files = []
        for area, setting in FILE_AREAS.items():
            root = Path(app.config[setting])
            for path in _regular_files(root):
                rel = path.relative_to(root).as_posix()
                digest, size = _copy_hashed(path, work / FILES_DIR / area / rel)
                files.append({"area": area, "path": rel, "sha256": digest, "size": size})
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
        }
        (work / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
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
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    db_file = Path(source) / manifest["database"]["file"]
    if not db_file.is_file() or sha256_file(db_file) != manifest["database"]["sha256"]:
        raise BackupError(f"{db_file} is missing or damaged (SHA-256 differs)")
    for entry in manifest["files"]:
        path = _backup_file_path(Path(source), entry)
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            raise BackupError(f"{path} is missing or damaged (SHA-256 differs)")
    return manifest


def _backup_file_path(source: Path, entry: dict) -> Path:
    if entry["area"] not in FILE_AREAS:
        raise BackupError(f"unknown file area {entry['area']!r}")
    base = (source / FILES_DIR / entry["area"]).resolve()
    path = (base / entry["path"]).resolve()
    if not path.is_relative_to(base):  # a tampered manifest must not reach outside
        raise BackupError(f"refusing path outside the backup: {entry['path']!r}")
    return path


def _target_path(app: Flask, entry: dict) -> Path:
    base = Path(app.config[FILE_AREAS[entry["area"]]]).resolve()
    path = (base / entry["path"]).resolve()
    if not path.is_relative_to(base):
        raise BackupError(f"refusing path outside {base}: {entry['path']!r}")
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
    db_file = source / manifest["database"]["file"]
    if backend == "sqlite":
        _restore_sqlite(db_file)
    else:
        _restore_postgresql(db_file)
    for setting in FILE_AREAS.values():
        root = Path(app.config[setting])
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True, exist_ok=True)
    for entry in manifest["files"]:
        target = _target_path(app, entry)
        digest, _size = _copy_hashed(_backup_file_path(source, entry), target)
        if digest != entry["sha256"]:
            raise BackupError(f"{target} differs from the backup after copying")
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
