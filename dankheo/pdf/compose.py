"""Pages written straight to PDF: a static frame drawn once by WeasyPrint and reused as a
form XObject, with lines of text (already wrapped and placed by the caller) and filled
boxes (a QR code's modules) set on top of it.

This is how a certificate is made per recipient (docs/performance.md, "Render only what
changes"): the frame of a design (border, emblem, motto, issuer, form name) is laid out
by WeasyPrint once per worker and kept as bytes (``Frame``); each certificate then
costs shaping a dozen lines with the font's own advances and kerning (``pdf.fonts``),
a subset of each face used, and a few kilobytes written — no style cascade, no layout
tree. The output keeps what WeasyPrint's PDF/A-3b output promises: the frame's output
intent and fonts, every font embedded (subsets tagged from their bytes), a ToUnicode
map for every glyph (text extracts as the NFC text given), XMP metadata agreeing with
the Info dictionary, no transparency. Text becomes glyph ids in hex strings, so nothing
a user types can reach the PDF syntax.

``Unsupported`` is raised when a text needs what this writer does not do (a character
the face lacks: WeasyPrint would fall back to another font); callers then render the
whole page with WeasyPrint."""

import hashlib
import io
import zlib
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from dankheo.pdf.fonts import Face, face

PRODUCER = "dankheo"
PX = 0.75  # a CSS pixel in points


class Unsupported(ValueError):
    """The page needs WeasyPrint (a character missing from the face)."""


@dataclass(frozen=True)
class Text:
    """One line of text: its face (font file path), size in pt, the start of its
    baseline in pt from the page's top-left corner, and its colour."""

    font: str
    size: float
    x: float
    baseline: float
    text: str
    rgb: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Boxes:
    """Filled rectangles (left, top, width, height in pt from the top-left corner)."""

    rects: tuple[tuple[float, float, float, float], ...]
    rgb: tuple[float, float, float] = (0.0, 0.0, 0.0)


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


# --- writing a document ------------------------------------------------------------------


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _rgb(rgb) -> str:
    return " ".join(_num(v) for v in rgb)


@dataclass
class _Font:
    face: Face
    name: str  # resource name on the page
    base: str  # font name (before its subset tag)
    number: int = 0  # first object number (0: numbered when written)
    shown: dict[int, str] = field(default_factory=dict)  # gid -> text it stands for


def _fonts(frame: Frame) -> dict[str, _Font]:
    """The frame's reserved faces, with the glyphs its own text uses."""
    fonts = {}
    for i, (path, name) in enumerate(frame.faces.items()):
        fonts[path] = _Font(face(path), f"/T{i}", name, frame.font_number(path))
        fonts[path].shown.update(frame.shown.get(path, {}))
    return fonts


def _shape(item: Text, fonts: dict[str, _Font]) -> bytes:
    font = fonts.get(item.font)
    if font is None:
        f = face(item.font)
        font = fonts[item.font] = _Font(f, f"/T{len(fonts)}", f.postscript_name)
    gids = font.face.glyphs(item.text)
    if gids is None:
        raise Unsupported(item.text[:80])
    for gid, ch in zip(gids, item.text, strict=True):
        font.shown.setdefault(gid, ch)
    kerns = font.face.kerns(gids)
    units = font.face.units
    parts = ["<"]
    for i, gid in enumerate(gids):
        parts.append(f"{gid:04x}")
        if i < len(kerns) and kerns[i]:
            parts.append(f"> {_num(-kerns[i] * 1000 / units)} <")
    parts.append(">")
    return f"[{''.join(parts)}] TJ".encode()


def _content(items: list, fonts: dict[str, _Font], frame: Frame) -> bytes:
    height = frame.height
    out = [b"q /Fr Do Q"] if frame.form else []
    for item in items:
        if isinstance(item, Boxes):
            out.append(f"{_rgb(item.rgb)} rg".encode())
            out.extend(
                f"{_num(x)} {_num(height - y - h)} {_num(w)} {_num(h)} re".encode()
                for x, y, w, h in item.rects
            )
            out.append(b"f")
            continue
        shaped = _shape(item, fonts)
        name = fonts[item.font].name
        # In CSS pixels on a y-down page, at Pango's size (1/1024 px), as WeasyPrint
        # sets text: viewers then rasterise the glyphs as they did before.
        size = round(item.size / PX * 1024) / 1024
        out.append(
            f"q {PX} 0 0 -{PX} 0 {_num(height)} cm BT {_rgb(item.rgb)} rg 1 0 0 -1 "
            f"{item.x / PX:.6f} {item.baseline / PX:.6f} Tm {name} {size:.6f} Tf ".encode()
            + shaped
            + b" ET Q"
        )
    return b"\n".join(out)


def _tag(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


def _to_unicode(shown: dict[int, str]) -> bytes:
    entries = sorted(shown.items())
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines = "\n".join(f"<{gid:04x}> <{ch.encode('utf-16-be').hex()}>" for gid, ch in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode()


def _stream(dictionary: str, data: bytes, *, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 6)
        dictionary += " /Filter /FlateDecode"
    return f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _w_array(f: Face, gids) -> str:
    """Widths as WeasyPrint writes them (whole thousandths): glyphs then sit where they
    sat in its output. Runs of consecutive glyph ids share one entry."""
    parts = []
    run: list[str] = []
    start = previous = None
    for gid in sorted(gids):
        width = str(round(f.advances[gid] * 1000 / f.units))
        if previous is not None and gid == previous + 1:
            run.append(width)
        else:
            if run:
                parts.append(f"{start} [{' '.join(run)}]")
            start, run = gid, [width]
        previous = gid
    if run:
        parts.append(f"{start} [{' '.join(run)}]")
    return " ".join(parts)


def _font_objects(font: _Font, first: int) -> list[bytes]:
    """Type0 font, CIDFont, descriptor, program and ToUnicode, numbered from ``first``."""
    f = font.face
    program = f.subset(font.shown)
    name = f"{_tag(program)}+{font.base}"
    flags = 6 | (64 if f.italic else 0)  # serif, symbolic (+ italic)
    return [
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H "
        f"/DescendantFonts [{first + 1} 0 R] /ToUnicode {first + 4} 0 R >>".encode(),
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo "
        f"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /CIDToGIDMap /Identity "
        f"/FontDescriptor {first + 2} 0 R /W [{_w_array(f, font.shown)}] >>".encode(),
        f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox "
        f"[{' '.join(str(v) for v in f.bbox)}] /ItalicAngle {_num(f.italic_angle)} "
        f"/Ascent {round(f.ascent * 1000)} /Descent {-round(f.descent * 1000)} "
        f"/CapHeight {f.cap_height} /StemV 80 /FontFile2 {first + 3} 0 R >>".encode(),
        _stream(f"/Length1 {len(program)}", program),
        _stream("", _to_unicode(font.shown)),
    ]


def _text_string(text: str) -> str:
    return "<feff" + text.encode("utf-16-be").hex() + ">"


def _xmp(title: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
        'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" pdfaid:part="3" pdfaid:conformance="B" />'
        f'<rdf:Description rdf:about="" pdf:Producer="{PRODUCER}" />'
        '<rdf:Description rdf:about=""><dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
        f"{escape(title)}</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF>\n"
        '</x:xmpmeta>\n<?xpacket end="r"?>'
    ).encode()


def write_document(frame: Frame, pages: list[list], *, title: str, lang: str = "vi") -> bytes:
    """A PDF of ``pages`` (each a list of Text and Boxes) drawn over ``frame``; PDF/A-3b
    when the frame is archival (it carries an output intent). Unsupported when a text
    needs another font. Streams are written as objects, every dictionary of the document
    goes into one compressed object stream, and the cross-reference is a stream (as
    WeasyPrint writes them: a few kilobytes less a file)."""
    fonts = _fonts(frame)
    contents = [_content(items, fonts, frame) for items in pages]
    archival = bool(frame.intents)
    streams: dict[int, bytes] = {}
    packed: dict[int, bytes] = {}
    number = frame.reserved

    def new() -> int:
        nonlocal number
        number += 1
        return number

    font_refs = []
    for font in fonts.values():
        if not font.shown:
            continue  # a reserved face this document does not use: free numbers
        first = font.number
        if not first:
            first = number + 1
            number += FONT_OBJECTS
        for i, data in enumerate(_font_objects(font, first)):
            (streams if i >= 3 else packed)[first + i] = data
        font_refs.append(f"{font.name} {first} 0 R")
    resources = f"/Font << {' '.join(font_refs)} >>"
    if frame.form:
        resources += f" /XObject << /Fr {frame.form} 0 R >>"
    pages_number = new()
    kids = []
    for content in contents:
        stream = new()
        streams[stream] = _stream("", content)
        kid = new()
        packed[kid] = (
            f"<< /Type /Page /Parent {pages_number} 0 R /MediaBox [0 0 {_num(frame.width)} "
            f"{_num(frame.height)}] /Resources << {resources} >> /Contents {stream} 0 R >>"
        ).encode()
        kids.append(kid)
    packed[pages_number] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    catalog = f"<< /Type /Catalog /Pages {pages_number} 0 R /Lang ({lang})"
    if archival:
        metadata = new()
        streams[metadata] = _stream("/Type /Metadata /Subtype /XML", _xmp(title), compress=False)
        catalog += f" /Metadata {metadata} 0 R /OutputIntents " + frame.intents.decode("latin-1")
    root = new()
    packed[root] = (catalog + " >>").encode()
    info = new()
    packed[info] = f"<< /Producer {_text_string(PRODUCER)} /Title {_text_string(title)} >>".encode()

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    base = len(out)
    out += frame.blob
    entries: dict[int, tuple[int, int, int]] = {
        n + 1: (1, base + at, 0) for n, at in enumerate(frame.offsets)
    }
    for at, data in sorted(streams.items()):
        entries[at] = (1, len(out), 0)
        out += f"{at} 0 obj\n".encode() + data + b"\nendobj\n"
    # Two object streams: the document's structure (catalog, pages, info: what a signer
    # reads) apart from the fonts' dictionaries, so signing parses a few small objects.
    structure = {n: packed[n] for n in packed if n in (root, info, pages_number, *kids)}
    for group in (structure, {n: d for n, d in packed.items() if n not in structure}):
        if not group:
            continue
        object_stream = new()
        header, body = [], bytearray()
        for index, (at, data) in enumerate(sorted(group.items())):
            header.append(f"{at} {len(body)}")
            body += data + b"\n"
            entries[at] = (2, object_stream, index)
        head = " ".join(header).encode() + b"\n"
        entries[object_stream] = (1, len(out), 0)
        out += (
            f"{object_stream} 0 obj\n".encode()
            + _stream(f"/Type /ObjStm /N {len(group)} /First {len(head)}", head + bytes(body))
            + b"\nendobj\n"
        )
    xref = new()
    entries[xref] = (1, len(out), 0)
    size = number + 1
    rows = bytearray()
    for n in range(size):
        kind, field2, field3 = entries.get(n, (0, 0, 0 if n else 65535))
        rows += kind.to_bytes(1, "big") + field2.to_bytes(4, "big") + field3.to_bytes(2, "big")
    digest = hashlib.md5(out, usedforsecurity=False).hexdigest()
    xref_at = len(out)
    out += (
        f"{xref} 0 obj\n".encode()
        + _stream(
            f"/Type /XRef /Size {size} /W [1 4 2] /Root {root} 0 R /Info {info} 0 R "
            f"/ID [<{digest}> <{digest}>]",
            bytes(rows),
        )
        + f"\nendobj\nstartxref\n{xref_at}\n%%EOF\n".encode()
    )
    return bytes(out)
