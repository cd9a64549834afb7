"""The files of /api/v1/bulk: a public dataset written whole as CSV or JSON (rows
streamed to disk, so memory stays flat), named by the versions of the datasets it
reads, kept under DOWNLOAD_DIR/opendata until the data change. One request builds a
new file (a lock file); the others meanwhile get the last complete one."""

import csv
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app

from dankheo.api import common
from dankheo.extensions import db
from dankheo.models.versions import current


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    datasets: tuple[str, ...]
    headers: tuple[str, ...]
    records: Callable[[], Iterator[dict]]  # one dict per record, keys = headers


def _csv_value(value):
    if isinstance(value, list):
        return "; ".join(
            f"{v['year']}: {v['status']}" if isinstance(v, dict) else str(v) for v in value
        )
    return "" if value is None else value


def _write(dataset: Dataset, fmt: str, path: str) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as out:
        if fmt == "csv":
            writer = csv.writer(out)
            writer.writerow(dataset.headers)
            for record in dataset.records():
                # Formula-looking text is prefixed, as in every export (dankheo.exports).
                writer.writerow(
                    [
                        "'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" else v
                        for v in (_csv_value(record[h]) for h in dataset.headers)
                    ]
                )
                count += 1
        else:
            # json.dumps(record, ensure_ascii=False, default=str), its encoder made once.
            encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, default=str).encode
            out.write("[")
            for record in dataset.records():
                out.write(",\n" if count else "\n")
                out.write(encode(record))
                count += 1
            out.write("\n]\n")
    return count


def signature(dataset: Dataset) -> tuple[str, object]:
    versions, changed = current(db.session, dataset.datasets)
    text = repr((common.FORMAT_VERSION, dataset.name, versions))
    return hashlib.sha256(text.encode()).hexdigest()[:16], changed


def _files(folder: str, dataset: Dataset, fmt: str) -> list[os.DirEntry]:
    return [
        entry
        for entry in os.scandir(folder)
        if entry.name.startswith(f"{dataset.name}-") and entry.name.endswith(f".{fmt}")
    ]


class BuiltFile(NamedTuple):
    path: str | None
    current: bool  # of the data as they stand (else the last complete one)
    modified: float = 0.0  # an older file's mtime


def built_file(dataset: Dataset, fmt: str) -> BuiltFile:
    """The file of ``dataset``. The file of the data as they stand
    when it exists, or built by this request when no other request is building it. While
    another request builds it (a national file takes half a minute), the last complete
    file is sent, marked as an older one (``current`` False) — nobody else waits on the
    builder, so a stream of downloads after each change cannot hold every worker thread;
    no path when there is none yet."""
    folder = os.path.join(current_app.config["DOWNLOAD_DIR"], "opendata")
    os.makedirs(folder, exist_ok=True)
    digest, _changed = signature(dataset)
    path = os.path.join(folder, f"{dataset.name}-{digest}.{fmt}")
    if os.path.exists(path):
        return BuiltFile(path, True)
    with open(os.path.join(folder, f"{dataset.name}.{fmt}.lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # one builder at a time
        except BlockingIOError:
            try:
                older = max(
                    _files(folder, dataset, fmt), key=lambda e: e.stat().st_mtime, default=None
                )
                if older is None:
                    return BuiltFile(None, False)
                return BuiltFile(older.path, False, older.stat().st_mtime)
            except FileNotFoundError:  # removed meanwhile: its builder is done
                return BuiltFile(path, True)
        if not os.path.exists(path):
            handle, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
            os.close(handle)
            try:
                _write(dataset, fmt, tmp)
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            for entry in _files(folder, dataset, fmt):
                if entry.path != path:
                    os.unlink(entry.path)
    return BuiltFile(path, True)
