"""Evidence files: type checked by content, stored by SHA-256, image thumbnails, and
served back (to signed-in readers and, when public, to the gallery).

A file's name says nothing about what it is: the type comes from its first bytes
(and, for DOCX/XLSX, from the entries of the zip). Zip bombs and decompression-bomb
images are refused before anything is written. Files live under ``EVIDENCE_DIR`` in
directories sharded by the first bytes of the hash (``ab/cd/abcd….bin``); a thumbnail
of an image sits beside it (``….thumb.jpg``)."""

import hashlib
import io
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, send_file
from PIL import Image, ImageFile, UnidentifiedImageError

from dankheo.backup import register_references
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models.registry import Evidence
from dankheo.private_files import write_private

MIME_JPEG = "image/jpeg"
MIME_PNG = "image/png"
MIME_WEBP = "image/webp"
MIME_PDF = "application/pdf"
MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXTENSIONS = {
    MIME_JPEG: "jpg",
    MIME_PNG: "png",
    MIME_WEBP: "webp",
    MIME_PDF: "pdf",
    MIME_DOCX: "docx",
    MIME_XLSX: "xlsx",
}
IMAGE_MIMES = (MIME_JPEG, MIME_PNG, MIME_WEBP)

# A DOCX/XLSX compresses text well, but not a thousand times: anything beyond these
# bounds is a zip bomb, not a report.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ZIP_ENTRIES = 5000
THUMB_SIZE = (320, 320)
# A stored file younger than this is never pruned: an upload of the same content may be
# about to commit the row that names it (store() refreshes the time of a reused file).
PRUNE_GRACE_SECONDS = 600


def _relative_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.bin"


# Backups must hold the file of every evidence row (dankheo.backup).
register_references("evidence", "SELECT DISTINCT sha256 FROM evidence", _relative_path)


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    mime: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_image(self) -> bool:
        return self.mime in IMAGE_MIMES


def sniff(data: bytes) -> str | None:
    """The MIME type of ``data`` judged by its content, or None when not accepted."""
    if data.startswith(b"\xff\xd8\xff"):
        return MIME_JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return MIME_PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return MIME_WEBP
    if data.startswith(b"%PDF-"):
        return MIME_PDF
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise DomainError("evidence.zip_bomb")
            total = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
                raise DomainError("evidence.zip_bomb")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                return None
            types = archive.read("[Content_Types].xml")
            _inflate_all(archive, infos)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    if any(n.startswith("word/") for n in names) and b"wordprocessingml" in types:
        return MIME_DOCX
    if any(n.startswith("xl/") for n in names) and b"spreadsheetml" in types:
        return MIME_XLSX
    return None


def _inflate_all(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress every entry in bounded chunks. The directory's sizes can lie: zipfile
    stops at the declared size and the CRC check then fails (BadZipFile), so a bomb with
    a forged directory is refused without ever being inflated past the declared total."""
    for info in infos:
        with archive.open(info) as entry:
            while entry.read(1 << 20):
                pass


def check(data: bytes) -> CheckedFile:
    """Accept ``data`` as evidence or raise a DomainError saying why not."""
    if not data:
        raise DomainError("evidence.empty")
    mime = sniff(data)
    if mime is None:
        raise DomainError("evidence.bad_type")
    if mime in IMAGE_MIMES:
        _check_image(data)
    return CheckedFile(data=data, mime=mime, sha256=hashlib.sha256(data).hexdigest())


def _max_pixels() -> int:
    return int(current_app.config.get("MAX_IMAGE_PIXELS") or 40_000_000)


def _open_image(data: bytes) -> Image.Image:
    limit = _max_pixels()
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise DomainError("evidence.bad_image") from err
    width, height = image.size
    if width * height > limit:
        raise DomainError("evidence.image_too_large", limit=f"{limit:,}".replace(",", "."))
    return image


def _check_image(data: bytes) -> None:
    """Structure check, then a full decode: verify() alone lets a truncated file pass,
    and WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole process."""
    image = _open_image(data)
    try:
        image.verify()
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            _open_image(data).load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous
    except DomainError:
        raise
    except Exception as err:  # Pillow raises many kinds for a corrupt file
        raise DomainError("evidence.bad_image") from err


def _root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def path_for(sha256: str) -> Path:
    return _root() / _relative_path(sha256)


def thumb_path_for(sha256: str) -> Path:
    return _root() / sha256[:2] / sha256[2:4] / f"{sha256}.thumb.jpg"


def store(checked: CheckedFile) -> Path:
    """Write the file (once per content; 0600 in 0700 folders) and, for images, its
    thumbnail."""
    target = path_for(checked.sha256)
    if target.exists():
        os.utime(target)  # in use again: out of reach of a prune running meanwhile
    else:
        write_private(target, checked.data, root=_root())
    if checked.is_image and not thumb_path_for(checked.sha256).exists():
        _write_thumbnail(checked)
    return target


def remove_unreferenced(sha256s, *, grace: float = PRUNE_GRACE_SECONDS) -> int:
    """Delete the stored file and thumbnail of each hash that no evidence row names any
    more (a file is shared by every row with its content); files younger than ``grace``
    seconds stay for the next prune. Call after the deleting transaction committed.
    Returns how many files were removed."""
    removed = 0
    for sha256 in set(sha256s):
        named = db.session.scalar(sa.select(Evidence.id).where(Evidence.sha256 == sha256).limit(1))
        if named is not None:
            continue
        for path in (path_for(sha256), thumb_path_for(sha256)):
            if path.is_file() and time.time() - path.stat().st_mtime >= grace:
                path.unlink()
                removed += 1
    return removed


def prune_unreferenced(*, grace: float = PRUNE_GRACE_SECONDS) -> int:
    """The sweep behind `flask evidence prune`: every stored file whose hash no evidence
    row names (left by deletions before files were removed, or by cascades)."""
    root = _root()
    hashes = [p.name[:-4] for p in root.glob("??/??/*.bin")] if root.is_dir() else []
    removed = 0
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        named = set(
            db.session.scalars(sa.select(Evidence.sha256).where(Evidence.sha256.in_(chunk)))
        )
        removed += remove_unreferenced([h for h in chunk if h not in named], grace=grace)
    return removed


def send_evidence(row, *, thumbnail: bool = False, inline: bool = False):
    """Serve a stored evidence file (or its thumbnail) with a safe disposition; 404 when
    the file is missing."""
    path = thumb_path_for(row.sha256) if thumbnail else path_for(row.sha256)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="image/jpeg" if thumbnail else row.mime,
        as_attachment=not (inline or thumbnail),
        download_name=row.filename if not thumbnail else f"{row.sha256[:12]}.jpg",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if not row.is_public else "public"
    return response


def _write_thumbnail(checked: CheckedFile) -> None:
    image = _open_image(checked.data)
    image.thumbnail(THUMB_SIZE)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    write_private(thumb_path_for(checked.sha256), out.getvalue(), root=_root())


def safe_filename(name: str) -> str:
    """A display name without directories or control characters, with a sane length."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "tep"
    return name[:200]
