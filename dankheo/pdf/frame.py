"""The static part of a page, kept as PDF objects: a page WeasyPrint rendered once (a
certificate design's frame) turned into a form XObject with its resources, numbered from
1 and written as bytes into every document drawn over it (``pdf.compose``).

Fonts of the frame that address one of the document's faces by its own glyph ids are
left out: the document's subset of that face stands in for them, so a document embeds
one subset per face for its frame and its own text together."""

import io
import zlib
from dataclasses import dataclass, field

from dankheo.pdf.fonts import Face, face

# pypdf (~10 MB) is imported by the functions that read a frame, on first use.
FONT_OBJECTS = 5  # Type0 font, CIDFont, descriptor, program, ToUnicode


@dataclass
class Frame:
    """A page's static part as numbered PDF objects (1..count), written as they are
    into every document that uses it, followed by FONT_OBJECTS numbers reserved for each
    of ``faces`` (font file → name): the frame's own text is set in those fonts, so a
    document embeds one subset per face for its frame and its variable text together.
    ``form``: the number of its form XObject (0: a blank frame); ``intents``: the output
    intents array of an archival frame; ``shown``: the glyphs the frame's text uses."""

    width: float
    height: float
    faces: dict[str, str]
    blob: bytes = b""
    offsets: list[int] = field(default_factory=list)
    form: int = 0
    intents: bytes = b""
    shown: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.offsets)

    def font_number(self, path: str) -> int:
        """The first reserved object number of a face."""
        return self.count + 1 + FONT_OBJECTS * list(self.faces).index(path)

    @property
    def reserved(self) -> int:
        return self.count + FONT_OBJECTS * len(self.faces)

    @classmethod
    def blank(cls, width: float, height: float, faces: dict[str, str]) -> "Frame":
        return cls(width, height, dict(faces))

    @classmethod
    def from_pdf(cls, data: bytes, faces: dict[str, str]) -> "Frame":
        """The first page of ``data`` (a WeasyPrint render) as a form XObject with its
        resources, and the document's output intents. Its fonts named like one of
        ``faces`` (the part after the subset tag) are replaced by the reserved fonts of
        that face; any other font is copied as it is."""
        from pypdf import PdfReader
        from pypdf.generic import DictionaryObject, IndirectObject, NameObject

        reader = PdfReader(io.BytesIO(data))
        page = reader.pages[0]
        box = [float(v) for v in page.mediabox]
        width, height = box[2] - box[0], box[3] - box[1]
        content = page.get_contents()
        stream = content.get_data() if content is not None else b""
        frame = cls(width, height, dict(faces))
        by_name = {name: path for path, name in faces.items()}
        numbers: dict[int, int] = {-1: 1}  # 1: the form itself
        queue: list[tuple[IndirectObject, int]] = []
        resources = page.get("/Resources", DictionaryObject()).get_object()
        fonts = resources.get("/Font")
        replaced = {}
        for key, ref in (fonts.get_object() if fonts is not None else {}).items():
            font = ref.get_object()
            path = by_name.get(str(font.get("/BaseFont", "")).split("+")[-1])
            widths = _widths(font)
            if path is None or not _same_glyphs(font, widths, face(path)):
                continue  # copied as it is
            replaced[key] = path
            shown = frame.shown.setdefault(path, {})
            for gid in widths:
                shown.setdefault(gid, face(path).char(gid))
        copy = DictionaryObject({NameObject(k): v for k, v in resources.items() if k != "/Font"})
        copy = _remap(copy, numbers, queue)
        kept = {
            key: _remap(ref, numbers, queue)
            for key, ref in (fonts.get_object() if fonts is not None else {}).items()
            if key not in replaced
        }
        catalog = reader.trailer["/Root"]
        intents = catalog.get("/OutputIntents")
        intents_bytes = b""
        if intents is not None:
            buffer = io.BytesIO()
            _remap(intents.get_object(), numbers, queue).write_to_stream(buffer)
            intents_bytes = buffer.getvalue()
        objects = {}
        while queue:
            reference, number = queue.pop()
            buffer = io.BytesIO()
            _remap(reference.get_object(), numbers, queue).write_to_stream(buffer)
            objects[number] = buffer.getvalue()
        frame.offsets = [0] * (len(objects) + 1)
        buffer = io.BytesIO()
        copy.write_to_stream(buffer)
        # Fonts replaced by reserved ones: their numbers are known once the count is.
        font_refs = [f"{key} {frame.font_number(path)} 0 R" for key, path in replaced.items()]
        font_refs += [f"{key} {ref.idnum} 0 R" for key, ref in kept.items()]
        resources_bytes = buffer.getvalue().rstrip()
        if font_refs:
            resources_bytes = (
                resources_bytes[:-2] + f" /Font << {' '.join(font_refs)} >> >>".encode()
            )
        compressed = zlib.compress(stream, 9)
        objects[1] = (
            (
                f"<< /Type /XObject /Subtype /Form /BBox [{box[0]:g} {box[1]:g} {box[2]:g} "
                f"{box[3]:g}] /Resources "
            ).encode()
            + resources_bytes
            + f" /Filter /FlateDecode /Length {len(compressed)} >>\nstream\n".encode()
            + compressed
            + b"\nendstream"
        )
        blob = bytearray()
        for number in range(1, len(objects) + 1):
            frame.offsets[number - 1] = len(blob)
            blob += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
        frame.blob = bytes(blob)
        frame.form = 1
        frame.intents = intents_bytes
        return frame


def _widths(font) -> dict[int, float]:
    """Glyph id → width of the glyphs a Type0 font's /W array lists."""
    from pypdf.generic import ArrayObject

    out: dict[int, float] = {}
    for descendant in font.get("/DescendantFonts", []):
        w = descendant.get_object().get("/W", [])
        i = 0
        while i < len(w):
            first, second = int(w[i]), w[i + 1]
            if isinstance(second, ArrayObject):
                out.update({first + j: float(v) for j, v in enumerate(second)})
                i += 2
            else:
                out.update({g: float(w[i + 2]) for g in range(first, int(second) + 1)})
                i += 3
    return out


def _same_glyphs(font, widths: dict[int, float], f: Face) -> bool:
    """Whether the frame's font addresses glyphs by the face's own ids (Identity-H, an
    identity CID to glyph map) with the face's advances: only then can the document's
    subset of that face stand in for it."""
    descendants = font.get("/DescendantFonts") or []
    if font.get("/Encoding") != "/Identity-H" or len(descendants) != 1:
        return False
    if descendants[0].get_object().get("/CIDToGIDMap") != "/Identity":
        return False
    return all(
        gid < f.num_glyphs and abs(f.advances[gid] * 1000 / f.units - width) <= 1
        for gid, width in widths.items()
    )


def _remap(obj, numbers: dict[int, int], queue: list):
    """A copy of ``obj`` whose references are renumbered from 2 up (1 is the form)."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        StreamObject,
    )

    if isinstance(obj, IndirectObject):
        if obj.idnum not in numbers:
            numbers[obj.idnum] = len(numbers) + 1
            queue.append((obj, numbers[obj.idnum]))
        return IndirectObject(numbers[obj.idnum], 0, None)
    if isinstance(obj, StreamObject):
        copy = StreamObject()
        copy.set_data(b"")
        copy._data = obj._data  # still encoded
        for key, value in obj.items():
            if key != "/Length":
                copy[NameObject(key)] = _remap(value, numbers, queue)
        return copy
    if isinstance(obj, DictionaryObject):
        copy = DictionaryObject()
        for key, value in obj.items():
            copy[NameObject(key)] = _remap(value, numbers, queue)
        return copy
    if isinstance(obj, ArrayObject):
        return ArrayObject(_remap(v, numbers, queue) for v in obj)
    return obj
