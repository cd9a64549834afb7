"""Stored files are private: written atomically as 0600 in folders of mode 0700, so no
other account on the server can read evidence, certificates, uploads or backups (they
were 0644 in 0755 folders). The service's own user is the only reader: downloads go
through the application, never straight from disk by the web server.
"""

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path, root: Path | None = None) -> Path:
    """Make ``path`` (and its missing parents) a folder of mode 0700. Every folder from
    ``root`` down to ``path`` is set to 0700 even when it already existed (folders made
    before this rule, or by another part of the code)."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    chain = [path]
    if root is not None:
        root = Path(root)
        current = path
        while current != root and root in current.parents:
            current = current.parent
            chain.append(current)
    for folder in chain:
        if folder.stat().st_mode & 0o777 != DIR_MODE:
            folder.chmod(DIR_MODE)
    return path


def write_private(path: Path, data: bytes, root: Path | None = None) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file in the same folder, made
    0600 from the start, synced, then renamed over the target)."""
    path = Path(path)
    private_dir(path.parent, root)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_private(path: Path) -> None:
    """Set an existing file to 0600 (a file another tool created: SQLite, pg_dump)."""
    path = Path(path)
    if path.exists() and path.stat().st_mode & 0o777 != FILE_MODE:
        path.chmod(FILE_MODE)
