"""One PDF from several, in order, without re-rendering (pypdf): the batch print of a
decision's stored certificates, and chunks of overlay pages (DESIGN: never render a
whole decision as one document; merge chunks of at most 100–200 pages)."""

import hashlib
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfWriter
from pypdf.generic import NameObject

_TAGGED = re.compile(r"^/([A-Z]{6})\+(.+)$")


def write_merged(parts: Iterable[bytes | Path], out: BinaryIO) -> None:
    """Write ``parts`` (PDF bytes, or paths of PDF files read as they come) to ``out``
    in order. ``parts`` may be a generator, so a caller need not hold every part."""
    writer = PdfWriter()
    try:
        for part in parts:
            writer.append(io.BytesIO(part) if isinstance(part, bytes) else Path(part))
        unique_subset_tags(writer)
        writer.write(out)
    finally:
        writer.close()


def merge_pdfs(parts: Iterable[bytes | Path]) -> bytes:
    """One PDF of ``parts`` in order, as bytes."""
    out = io.BytesIO()
    write_merged(parts, out)
    return out.getvalue()


def _font_file(descriptor) -> bytes:
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            return descriptor[key].get_object().get_data()
    return b""


def _retag(obj, key: str, tag: str) -> None:
    match = _TAGGED.match(str(obj.get(key, "")))
    if match:
        obj[NameObject(key)] = NameObject(f"/{tag}+{match.group(2)}")


def unique_subset_tags(writer: PdfWriter) -> int:
    """Give every embedded font subset a tag made from its own bytes. Each renderer
    names subsets from the font's description alone, so two documents' different subsets
    of one face share a tag ("ABCDEF+Serif"), which PDF readers and PDF/A validators take
    for one font once the documents are merged. Returns how many fonts were renamed."""
    renamed = 0
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            parts = [font]
            if "/DescendantFonts" in font:
                parts += [d.get_object() for d in font["/DescendantFonts"]]
            descriptors = [
                p["/FontDescriptor"].get_object() for p in parts if "/FontDescriptor" in p
            ]
            data = b"".join(_font_file(d) for d in descriptors)
            if not data:
                continue
            digest = hashlib.sha256(data).digest()
            tag = "".join(chr(65 + b % 26) for b in digest[:6])
            for part in parts:
                _retag(part, "/BaseFont", tag)
            for descriptor in descriptors:
                _retag(descriptor, "/FontName", tag)
            renamed += 1
    return renamed
