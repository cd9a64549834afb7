"""Pages written straight to PDF: a static frame drawn once by WeasyPrint and reused as a
form XObject, with lines of text (already wrapped and placed by the caller) and filled
boxes (a QR code's modules) set on top of it.

This is how a certificate is made per recipient (docs/performance.md, "Render only what
changes"): the frame of a design (border, emblem, motto, issuer, form name) is laid out
by WeasyPrint once and kept as bytes (``pdf.frame.Frame``); each certificate then
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
import zlib
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from dankheo.pdf.fonts import Face, face
from dankheo.pdf.frame import FONT_OBJECTS, Frame

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
