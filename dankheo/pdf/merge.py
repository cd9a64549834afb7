"""One PDF from several, in order, without re-rendering (pypdf): the batch print of a
decision's stored certificates, and chunks of overlay pages (DESIGN: never render a
whole decision as one document; merge chunks of at most 100–200 pages)."""

import io
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfWriter


def write_merged(parts: Iterable[bytes | Path], out: BinaryIO) -> None:
    """Write ``parts`` (PDF bytes, or paths of PDF files read as they come) to ``out``
    in order. ``parts`` may be a generator, so a caller need not hold every part."""
    writer = PdfWriter()
    try:
        for part in parts:
            writer.append(io.BytesIO(part) if isinstance(part, bytes) else Path(part))
        writer.write(out)
    finally:
        writer.close()


def merge_pdfs(parts: Iterable[bytes | Path]) -> bytes:
    """One PDF of ``parts`` in order, as bytes."""
    out = io.BytesIO()
    write_merged(parts, out)
    return out.getvalue()
