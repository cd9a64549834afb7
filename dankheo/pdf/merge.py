"""One PDF from several, in order, without re-rendering (pypdf): the batch print of a
decision's stored certificates, and chunks of overlay pages (DESIGN: never render a
whole decision as one document; merge chunks of at most 100–200 pages)."""

import hashlib
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

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


def _descriptors(font) -> list:
    """The font descriptors a font dictionary (simple, Type0 or CIDFont) leads to."""
    parts = [font]
    if "/DescendantFonts" in font:
        parts += [d.get_object() for d in font["/DescendantFonts"]]
    found = [p["/FontDescriptor"].get_object() for p in parts if "/FontDescriptor" in p]
    if "/FontName" in font:
        found.append(font)
    return found


def subset_tag(font) -> str | None:
    """A six-letter tag made from the embedded font program's bytes (None when nothing
    is embedded): the same subset gets the same tag, two subsets never share one."""
    data = b"".join(_font_file(d) for d in _descriptors(font))
    if not data:
        return None
    digest = hashlib.sha256(data).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


def _retag(obj, key: str, tag: str) -> None:
    match = _TAGGED.match(str(obj.get(key, "")))
    if match:
        obj[NameObject(key)] = NameObject(f"/{tag}+{match.group(2)}")


def retag_copy(source, copy) -> None:
    """Set the subset tag of a font dictionary or font descriptor being copied."""
    if "/BaseFont" not in source and "/FontName" not in source:
        return
    tag = subset_tag(source)
    if tag is not None:
        _retag(copy, "/BaseFont", tag)
        _retag(copy, "/FontName", tag)


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
            tag = subset_tag(font)
            if tag is None:
                continue
            parts = [font]
            if "/DescendantFonts" in font:
                parts += [d.get_object() for d in font["/DescendantFonts"]]
            for part in parts + _descriptors(font):
                _retag(part, "/BaseFont", tag)
                _retag(part, "/FontName", tag)
            renamed += 1
    return renamed


# --- streaming concatenation: flat memory whatever the number of parts -----------------

# Page entries a print copy leaves out: the page tree is rebuilt, and annotations (the
# invisible signature widget, links) belong to each signed original, not to a print.
_SKIPPED_PAGE_KEYS = {"/Parent", "/Annots", "/StructParents", "/B"}


def write_concatenated(
    parts: Iterable[bytes | Path],
    out: BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 50,
) -> int:
    """Write the pages of ``parts`` in order to ``out`` as one PDF, one part at a time.

    Unlike ``write_merged`` (pypdf's writer holds every page until it writes), each part
    is read, its pages' objects are renumbered and written straight to ``out``, and the
    part is dropped: memory holds one part plus a few integers per object written, so a
    batch of thousands of stored certificates prints in flat memory. Identical streams
    without references (the emblem, the ICC profile) are written once and shared.
    ``progress(parts_done)`` is called every ``every`` parts. Returns the page count.
    The result is a print copy: the parts' signatures are not carried over."""
    writer = _StreamingWriter(out)
    done = 0
    for part in parts:
        reader = PdfReader(io.BytesIO(part) if isinstance(part, bytes) else Path(part))
        for page in reader.pages:
            writer.add_page(page)
        done += 1
        if progress is not None and done % every == 0:
            progress(done)
    writer.finish()
    if progress is not None and done % every:
        progress(done)
    return len(writer.pages)


class _StreamingWriter:
    """PDF objects written as they come; the page tree, catalogue and xref at the end."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.offsets: dict[int, int] = {}
        self.pages: list[int] = []
        self.shared: dict[bytes, int] = {}  # digest of a reference-free stream → number
        self.next_number = 3  # 1: the page tree, 2: the catalogue
        self.position = 0
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def _number(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    def add_page(self, page) -> None:
        mapping: dict[int, int] = {}
        queue: list = []
        page_number = self._number()
        copy = DictionaryObject()
        for key, value in page.items():
            if key not in _SKIPPED_PAGE_KEYS:
                copy[NameObject(key)] = self._remap(value, mapping, queue)
        copy[NameObject("/Parent")] = IndirectObject(1, 0, None)
        self._emit(page_number, copy)
        self.pages.append(page_number)
        while queue:
            reference, number = queue.pop()
            obj = reference.get_object()
            if number in self.offsets:
                continue
            self._emit(number, self._remap(obj, mapping, queue))

    def _remap(self, obj, mapping: dict, queue: list):
        if isinstance(obj, IndirectObject):
            target = obj.get_object()
            digest = self._shareable(target)
            if digest is not None and digest in self.shared:
                return IndirectObject(self.shared[digest], 0, None)
            if obj.idnum not in mapping:
                mapping[obj.idnum] = self._number()
                if digest is not None:
                    self.shared[digest] = mapping[obj.idnum]
                queue.append((obj, mapping[obj.idnum]))
            return IndirectObject(mapping[obj.idnum], 0, None)
        if isinstance(obj, StreamObject):
            copy = StreamObject()
            copy.set_data(b"")  # replaced below with the still-encoded bytes
            copy._data = obj._data
            for key, value in obj.items():
                if key != "/Length":
                    copy[NameObject(key)] = self._remap(value, mapping, queue)
            return copy
        if isinstance(obj, DictionaryObject):
            copy = DictionaryObject()
            for key, value in obj.items():
                copy[NameObject(key)] = self._remap(value, mapping, queue)
            retag_copy(obj, copy)  # unique font subset tags in the print copy too
            return copy
        if isinstance(obj, ArrayObject):
            return ArrayObject(self._remap(v, mapping, queue) for v in obj)
        return obj

    @staticmethod
    def _shareable(obj) -> bytes | None:
        """A digest for a stream whose dictionary holds no reference (so two parts'
        copies are the same object), else None."""
        if not isinstance(obj, StreamObject) or len(obj._data) < 1024:
            return None
        if any(
            isinstance(v, IndirectObject | DictionaryObject | ArrayObject) for v in obj.values()
        ):
            return None
        header = repr(sorted((k, repr(v)) for k, v in obj.items() if k != "/Length"))
        return hashlib.sha256(header.encode() + obj._data).digest()

    def _emit(self, number: int, obj) -> None:
        self.offsets[number] = self.position
        buffer = io.BytesIO()
        buffer.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(buffer)
        buffer.write(b"\nendobj\n")
        self._write(buffer.getvalue())

    def finish(self) -> None:
        kids = ArrayObject(IndirectObject(n, 0, None) for n in self.pages)
        tree = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): kids,
                NameObject("/Count"): NumberObject(len(self.pages)),
            }
        )
        self._emit(1, tree)
        catalogue = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(1, 0, None),
            }
        )
        self._emit(2, catalogue)
        xref_at = self.position
        size = self.next_number
        lines = [f"xref\n0 {size}\n0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            lines.append(
                f"{offset:010d} 00000 n \n" if offset is not None else "0000000000 65535 f \n"
            )
        self._write("".join(lines).encode())
        self._write(
            f"trailer\n<< /Size {size} /Root 2 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
        )
