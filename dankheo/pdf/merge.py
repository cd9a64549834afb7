"""One PDF from several, in order, without re-rendering (pypdf): the batch print of a
decision's stored certificates, and chunks of overlay pages (DESIGN: never render a
whole decision as one document; merge chunks of at most 100–200 pages)."""

import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dankheo.pdf import objects
from dankheo.pdf.objects import BadPdf, RawPdf

if TYPE_CHECKING:
    from pypdf import PdfWriter

# pypdf (~10 MB) is imported by the functions that use it, on first use: a web process
# that never merges a PDF does not hold it.
_TAGGED = re.compile(r"^/([A-Z]{6})\+(.+)$")


def write_merged(parts: Iterable[bytes | Path], out: BinaryIO) -> None:
    """Write ``parts`` (PDF bytes, or paths of PDF files read as they come) to ``out``
    in order. ``parts`` may be a generator, so a caller need not hold every part."""
    from pypdf import PdfWriter

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
    from pypdf.generic import NameObject

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


def unique_subset_tags(writer: "PdfWriter") -> int:
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
_SKIPPED_PAGE_KEYS_RAW = {key.encode() for key in _SKIPPED_PAGE_KEYS}


def write_concatenated(
    parts: Iterable[bytes | Path],
    out: BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 50,
) -> int:
    """Write the pages of ``parts`` in order to ``out`` as one PDF, one part at a time.

    Unlike ``write_merged`` (pypdf's writer holds every page until it writes), each part
    is read, the objects its pages use are written straight to ``out`` and the part is
    dropped: memory holds one part plus a few integers per object written, so a batch of
    thousands of stored certificates prints in flat memory. Objects are moved as bytes
    (``pdf.objects``: only their references are rewritten, and font subset tags, below);
    a part that reader cannot read is copied through pypdf instead. Identical streams
    without references (the ICC profile, an emblem) are written once and shared.
    ``progress(parts_done)`` is called every ``every`` parts. Returns the page count.
    The result is a print copy: the parts' signatures are not carried over."""
    from pypdf import PdfReader

    writer = _StreamingWriter(out)
    done = 0
    for part in parts:
        data = part if isinstance(part, bytes) else Path(part).read_bytes()
        try:
            raw = RawPdf(data)
            writer.add_raw(raw, raw.pages())
        except (BadPdf, ValueError, IndexError, KeyError, zlib.error):
            reader = PdfReader(io.BytesIO(data))
            for page in reader.pages:
                writer.add_page(page)
        done += 1
        if progress is not None and done % every == 0:
            progress(done)
    writer.finish()
    if progress is not None and done % every:
        progress(done)
    return len(writer.pages)


_FONT_NAME = re.compile(rb"(/(?:BaseFont|FontName)\s*/)[A-Z]{6}\+")


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

    # --- parts read as bytes (pdf.objects) ---------------------------------------------

    def add_raw(self, raw: RawPdf, pages: list) -> None:
        """Copy ``pages`` of ``raw``. Everything is read before anything is written: a
        part that turns out unreadable (BadPdf) leaves the output as it was (its object
        numbers stay free) and the caller copies it with pypdf."""
        mapping: dict[int, int] = {}
        queue: list[int] = []
        cache: dict[int, tuple[bytes, bytes | None]] = {}
        tags: dict[int, bytes] = {}  # font program object → its subset tag
        shared: dict[bytes, int] = {}  # streams this part adds to self.shared
        ready: list[tuple[int, bytes, bytes | None]] = []
        page_numbers = []

        def number_for(old: int) -> int:
            found = mapping.get(old)
            if found is not None:
                return found
            value, stream = cache[old] = raw.get(old)
            digest = self._raw_shareable(value, stream)
            known = (self.shared.get(digest) or shared.get(digest)) if digest else None
            if known is not None:
                mapping[old] = known
                return known
            mapping[old] = self._number()
            if digest is not None:
                shared[digest] = mapping[old]
            queue.append(old)
            return mapping[old]

        for page_number, inherited in pages:
            items = [
                (key, value)
                for key, value in objects.entries(raw.value(page_number))
                if key not in _SKIPPED_PAGE_KEYS_RAW
            ]
            present = {key for key, _ in items}
            items += [(k, v) for k, v in inherited.items() if k not in present]
            number = self._number()
            body = b"<<" + b"".join(
                key + b" " + objects.renumber(value, number_for) for key, value in items
            )
            ready.append((number, body + b" /Parent 1 0 R >>", None))
            page_numbers.append(number)
            while queue:
                old = queue.pop()
                value, stream = cache.pop(old)
                if b"/BaseFont" in value or b"/FontName" in value:
                    value = self._raw_retag(raw, value, tags)
                ready.append((mapping[old], objects.renumber(value, number_for), stream))
        for number, value, stream in ready:
            self._emit_raw(number, value, stream)
        self.pages.extend(page_numbers)
        self.shared.update(shared)

    @staticmethod
    def _raw_shareable(value: bytes, stream: bytes | None) -> bytes | None:
        if stream is None or len(stream) < 1024 or objects.references(value):
            return None
        header = re.sub(rb"/Length\s+\d+", b"", value)
        return hashlib.sha256(header + b"\0" + stream).digest()

    @staticmethod
    def _raw_retag(raw: RawPdf, value: bytes, tags: dict[int, bytes]) -> bytes:
        """A font or descriptor's subset tag made from its font program's bytes (the
        same tag ``subset_tag`` gives)."""
        if not _FONT_NAME.search(value):
            return value
        node = value
        for key in (b"/DescendantFonts", b"/FontDescriptor"):
            ref = objects.get(node, key)
            if ref is not None and b"/FontFile" not in node:
                targets = objects.references(ref)
                if targets:
                    node = raw.value(targets[0])
        for key in (b"/FontFile2", b"/FontFile3", b"/FontFile"):
            ref = objects.reference(objects.get(node, key))
            if ref is not None:
                break
        else:
            return value
        tag = tags.get(ref)
        if tag is None:
            digest = hashlib.sha256(objects.decode(*raw.get(ref))).digest()
            tag = tags[ref] = "".join(chr(65 + b % 26) for b in digest[:6]).encode()
        return _FONT_NAME.sub(lambda m: m.group(1) + tag + b"+", value)

    def _emit_raw(self, number: int, value: bytes, stream: bytes | None) -> None:
        self.offsets[number] = self.position
        if stream is None:
            self._write(b"%d 0 obj\n%s\nendobj\n" % (number, value))
        else:
            self._write(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, value, stream))

    # --- parts read by pypdf ---------------------------------------------------------

    def add_page(self, page) -> None:
        from pypdf.generic import DictionaryObject, IndirectObject, NameObject

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
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            StreamObject,
        )

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
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

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
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            NumberObject,
        )

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
