"""Certificate pages made from a frame drawn once and the variable text set per
certificate (issue 15, "render only what changes"; docs/performance.md).

The static frame of a design (templates/certificates/print/_frame.html: border, emblem,
motto or Party name, issuer, "TẶNG", the form's name) is rendered by WeasyPrint once per
worker for each distinct frame — the key is the frame's HTML itself (it holds the
paper, profile, form, issuer line and its fitted placement, the emblem's URL) plus the
emblem file's bytes — and kept as PDF objects (``pdf.frame.Frame``). For each
certificate, the variable text that ``CertificateView.place`` fitted and placed
(_variable.html: slots, serial lines, QR code) is set on top of it with the same font
metrics and the same geometry the stylesheet gives WeasyPrint (static/css/print/
certificate.css and overlay.css: faces per slot, colour, line boxes, the serial block);
tests/certificates/test_pixels.py compares the pages with WeasyPrint's own rendering.

A text the bundled font cannot set (``compose.Unsupported``) makes the caller render the
page with WeasyPrint as before."""

import hashlib
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from flask import current_app, render_template

from dankheo.certificates import layout, storage
from dankheo.documents.fit import PT_PER_MM
from dankheo.pdf.compose import Boxes, Text, Unsupported, write_document
from dankheo.pdf.fonts import face as load_face
from dankheo.pdf.frame import Frame
from dankheo.pdf.render import app_renderer

__all__ = ["Unsupported", "compose_certificate", "compose_overlay", "frame_for"]

INK = (17 / 255, 17 / 255, 17 / 255)  # html { color: #111 }
QR_INK = (0.0, 0.0, 0.0)  # the QR code's dark modules (#000)
QR_BORDER = 2  # modules of quiet zone (issuing.qr_data_uri)
# The serial block of certificate.css / overlay.css: QR side, gap after it, text size
# and line height, on A4 (A3 sets its own, below).
SERIAL_BLOCK = {"A4": (20.0, 3.0, 9.5), "A3": (28.0, 4.0, 13.0)}
SERIAL_LINE_HEIGHT = 1.3
FRAMES_KEPT = 32  # distinct frames a worker keeps (a few per award type)
FRAMES = "frames"  # under CERTIFICATE_DIR: frames rendered once for every worker

_frames: OrderedDict[str, Frame] = OrderedDict()
_emblems: dict[tuple, str] = {}


# The faces a certificate uses, named as WeasyPrint names them from fonts.css
# ("DK Serif"), so the frame's text and the variable text share one subset per face.
FACE_NAMES = {"regular": "DK-Serif", "bold": "DK-Serif-Bold", "italic": "DK-Serif-Italic"}


def _font(face: str) -> str:
    return str(Path(current_app.static_folder) / "fonts" / layout.FACES[face])


def _faces() -> dict[str, str]:
    return {_font(face): name for face, name in FACE_NAMES.items()}


def _emblem_digest(url: str) -> str:
    """The sha256 of the emblem file behind a file URL (cached by size and mtime)."""
    path = Path(url2pathname(urlsplit(url).path))
    try:
        stat = path.stat()
    except OSError:
        return ""
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    digest = _emblems.get(key)
    if digest is None:
        digest = _emblems[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def frame_for(view) -> Frame:
    """The frame of ``view``'s design (placed): kept in this worker once made, and on
    disk (CERTIFICATE_DIR/frames/, named by its key) so that other workers and later
    starts read it instead of rendering it — a worker that only reads frames never
    loads WeasyPrint."""
    html = render_template("certificates/print/frame.html", c=view)
    key = hashlib.sha256(
        f"{current_app.static_folder}\0{_emblem_digest(view.emblem_url)}\0{html}".encode()
    ).hexdigest()
    frame = _frames.get(key)
    if frame is not None:
        _frames.move_to_end(key)
        return frame
    path = storage.certificate_dir() / FRAMES / f"{key}.pdf"
    from pypdf.errors import PyPdfError  # pypdf is loaded on first use (pdf.frame)

    try:
        frame = Frame.from_pdf(path.read_bytes(), _faces())
    except (OSError, ValueError, KeyError, IndexError, PyPdfError):  # none yet, or unreadable
        data = app_renderer().render(html, "certificate", archival=True)
        frame = Frame.from_pdf(data, _faces())
        storage.write_atomically(path, data)
    _frames[key] = frame
    while len(_frames) > FRAMES_KEPT:
        _frames.popitem(last=False)
    return frame


def _lines(placed, font: str, face) -> list[Text]:
    """The lines of a placed slot as WeasyPrint sets them: one line box of
    ``size × line_height`` each, the glyphs' ascent and descent centred in it, aligned
    in the slot's width."""
    size = placed.size_pt
    box = size * placed.line_height
    lead = (box - size * (face.ascent + face.descent)) / 2 + size * face.ascent
    left = placed.left * PT_PER_MM
    width = placed.width * PT_PER_MM
    top = placed.top * PT_PER_MM
    out = []
    for i, line in enumerate(placed.lines):
        x = left
        if placed.align != "left":
            gids = face.glyphs(line)
            if gids is None:
                raise Unsupported(line[:80])
            x += (width - face.width(gids, face.kerns(gids)) * size / face.units) / 2
        out.append(Text(font, size, x, top + i * box + lead, line, INK))
    return out


def _qr(text: str, left: float, top: float, side: float) -> Boxes:
    """The QR code of ``text`` in a ``side`` mm square at (left, top) mm: each run of
    dark modules in a row is one rectangle (as segno's SVG strokes them)."""
    matrix = segno.make(text, error="m", mask=0, micro=False).matrix
    module = side * PT_PER_MM / (len(matrix) + 2 * QR_BORDER)
    x0 = left * PT_PER_MM + QR_BORDER * module
    y0 = top * PT_PER_MM + QR_BORDER * module
    rects = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                rects.append((x0 + start * module, y0 + r * module, (c - start) * module, module))
            else:
                c += 1
    return Boxes(tuple(rects), QR_INK)


def variable_items(view) -> list:
    """The variable text and QR code of a placed view, as items for ``write_document``."""
    items: list = []
    for name, placed in view.slots.items():
        font = _font(layout.SLOTS[name].face)
        items.extend(_lines(placed, font, load_face(font)))
    paper = view.paper_class.upper()
    side, gap, size = SERIAL_BLOCK[paper]
    x, y = view.serial_at
    items.append(_qr(view.verify_url, x, y, side))
    font = _font("regular")
    face = load_face(font)
    box = size * SERIAL_LINE_HEIGHT
    lead = (box - size * (face.ascent + face.descent)) / 2 + size * face.ascent
    for i, line in enumerate(view.serial_lines):
        items.append(
            Text(
                font, size, (x + side + gap) * PT_PER_MM, y * PT_PER_MM + i * box + lead, line, INK
            )
        )
    return items


def compose_certificate(view) -> bytes:
    """The full design of a placed view as PDF/A-3b: its design's frame, its text."""
    frame = frame_for(view)
    return write_document(frame, [variable_items(view)], title=view.title)


def compose_overlay(views: list) -> bytes:
    """Overlay pages (variable text only) of placed views, one page each."""
    width, height = layout.PAPER_MM[views[0].paper]
    frame = Frame.blank(width * PT_PER_MM, height * PT_PER_MM, _faces())
    return write_document(frame, [variable_items(v) for v in views], title=views[0].title)
