"""Certificates made from a frame rendered once and the variable text set on it
(certificates.sheet, pdf.compose): they look as WeasyPrint drew them, stay PDF/A with
NFC extractable text, keep user text out of the PDF syntax, sign and print.

Pixels: every design (A3/A4, State/Party,
full design and overlay), short and long texts, rasterised (pypdfium2, 100 dpi, grey)
and compared with the pages the WeasyPrint-only renderer drew before issue 15's phase 2
(tests/certificates/pixels/*.png, made once with DANKHEO_UPDATE_PIXELS=1 from that
renderer and committed). A page matches when at most PIXEL_SHARE of its pixels differ by
more than PIXEL_DELTA grey levels from every pixel around the same place in the other
image: a glyph rounded to the next pixel passes, a line moved by half a millimetre does
not (test_a_moved_line_is_caught)."""

import io
import os
import shutil
import unicodedata
from dataclasses import replace
from pathlib import Path

import flask
import pypdfium2
import pytest
from flask import g
from PIL import Image, ImageChops, ImageFilter
from pypdf import PdfReader

from dankheo import create_app
from dankheo.certificates import issuing, printing, sheet, storage
from dankheo.pdf import render
from dankheo.pdf.merge import write_concatenated
from dankheo.pdf.objects import RawPdf
from dankheo.pdf.signing import (
    KeySpec,
    generate_demo_key,
    load_certificate,
    load_key,
    sign_pdf,
    signature_status,
)
from tests.conftest import _TEMPLATE_CACHE, _empty_tables, _prepare_schema, make_test_config
from tests.documents import world as world_module
from tests.pdf.pdfa import pdfa_problems

FIXTURES = Path(__file__).parent / "pixels"
DPI = 100
PIXEL_DELTA = 64  # grey levels (of 255) a pixel may differ by before it counts
PIXEL_SHARE = 0.0005  # share of a page's pixels that may differ
KINDS = ("state_a3", "state_a4", "party_a3", "party_a4")
UPDATE = os.environ.get("DANKHEO_UPDATE_PIXELS") == "1"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(make_test_config(tmp_path_factory.mktemp("pixels")))
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    with app.app_context():
        _prepare_schema()
        yield app
        _empty_tables()


@pytest.fixture(scope="module")
def world(app):
    return world_module.build()


@pytest.fixture(autouse=True)
def _signed_out(app):
    g.pop("_login_user", None)
    yield
    g.pop("_login_user", None)


def _view(award_type, texts: str):
    view = issuing.sample_view(award_type)
    if texts == "long":
        view.recipient_name = world_module.LONG_NAME
        view.recipient_line = world_module.LONG_LINE
        view.reason = world_module.LONG_ACHIEVEMENT
    return view


def raster(pdf: bytes) -> Image.Image:
    """The first page of ``pdf`` in grey at DPI."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=DPI / 72).to_pil().convert("L")
        page.close()
    finally:
        document.close()
    return image


def _outside(image: Image.Image, reference: Image.Image) -> int:
    """Pixels of ``image`` darker or lighter by more than PIXEL_DELTA than every pixel
    of ``reference`` around the same place (3 × 3): a glyph drawn a pixel over, as
    viewers round glyph origins to whole pixels, is not a difference; a line moved or
    a glyph changed is."""
    darkest = reference.filter(ImageFilter.MinFilter(3))
    lightest = reference.filter(ImageFilter.MaxFilter(3))
    darker = ImageChops.subtract(darkest, image).histogram()
    lighter = ImageChops.subtract(image, lightest).histogram()
    return sum(darker[PIXEL_DELTA + 1 :]) + sum(lighter[PIXEL_DELTA + 1 :])


def differing_share(image: Image.Image, reference: Image.Image) -> float:
    """The share of pixels that differ, looked at both ways."""
    reference = reference.convert("L")
    if image.size != reference.size:
        return 1.0
    count = max(_outside(image, reference), _outside(reference, image))
    return count / (image.width * image.height)


def check(name: str, pdf: bytes) -> None:
    image = raster(pdf)
    path = FIXTURES / f"{name}.png"
    if UPDATE:
        image.save(path, optimize=True)
        return
    reference = Image.open(path)
    share = differing_share(image, reference)
    if share > PIXEL_SHARE:
        out = Path(__file__).resolve().parents[2] / "test-artifacts" / "pixels"
        out.mkdir(parents=True, exist_ok=True)
        image.save(out / f"{name}.png")
        ImageChops.difference(image, reference.convert("L")).save(out / f"{name}-diff.png")
    assert share <= PIXEL_SHARE, f"{name}: {share:.4%} of the pixels differ (see test-artifacts)"


@pytest.mark.parametrize("texts", ["sample", "long"])
@pytest.mark.parametrize("key", KINDS)
def test_full_design_matches_the_reference(world, key, texts):
    view = _view(world["types"][key], texts)
    check(f"full-{key}-{texts}", issuing.render_certificate_pdf(view))


@pytest.mark.parametrize("key", KINDS)
def test_overlay_matches_the_reference(world, key):
    award_type = world["types"][key]
    check(f"overlay-{key}", printing.render_overlay_pdf(award_type, [_view(award_type, "long")]))


@pytest.mark.skipif(UPDATE, reason="making the references")
def test_a_moved_line_is_caught(world):
    """The tolerance is not blind: the recipient's name half a millimetre lower fails."""
    award_type = world["types"]["state_a4"]
    view = _view(award_type, "sample").place()
    reference = Image.open(FIXTURES / "full-state_a4-sample.png")
    assert differing_share(raster(sheet.compose_certificate(view)), reference) <= PIXEL_SHARE
    view.slots["recipient"] = replace(
        view.slots["recipient"], top=view.slots["recipient"].top + 0.5
    )
    assert differing_share(raster(sheet.compose_certificate(view)), reference) > PIXEL_SHARE


# --- the frame, rendered once --------------------------------------------------------


@pytest.fixture
def frame_renders(monkeypatch):
    """How many times WeasyPrint renders a certificate frame (from empty caches)."""
    sheet._frames.clear()
    shutil.rmtree(storage.certificate_dir() / sheet.FRAMES, ignore_errors=True)
    calls = []
    original = render.Renderer.render

    def counting(self, html, stylesheet, **kw):
        if "frame-layer" in html and "variable-layer" not in html:
            calls.append(html)
        return original(self, html, stylesheet, **kw)

    monkeypatch.setattr(render.Renderer, "render", counting)
    return calls


def test_the_frame_is_rendered_once_per_design(world, frame_renders):
    state, party = world["types"]["state_a4"], world["types"]["party_a4"]
    for i in range(3):
        view = _view(state, "sample")
        view.recipient_name = f"Ông Nguyễn Văn Thành {i}"
        issuing.render_certificate_pdf(view)
    assert len(frame_renders) == 1
    issuing.render_certificate_pdf(_view(party, "sample"))
    assert len(frame_renders) == 2
    renamed = _view(state, "sample")  # the issuer's dated name changed: another frame
    renamed.issuer_upper = "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LONG AN"
    pdf = issuing.render_certificate_pdf(renamed)
    assert len(frame_renders) == 3
    assert "TỈNH LONG AN" in _text(pdf)


def test_a_frame_another_worker_rendered_is_read_from_disk(world, frame_renders):
    view = _view(world["types"]["party_a3"], "sample")
    first = issuing.render_certificate_pdf(view)
    assert len(frame_renders) == 1
    sheet._frames.clear()  # another worker, or this one restarted
    assert issuing.render_certificate_pdf(view) == first
    assert len(frame_renders) == 1


def test_the_emblem_file_bytes_are_part_of_the_frame_key(app, world, frame_renders):
    from PIL import Image

    path = Path(app.config["UPLOAD_DIR"]) / "emblem-test.jpg"
    view = _view(world["types"]["state_a4"], "sample")
    view.emblem_url = path.resolve().as_uri()
    pages = []
    for colour in ("white", "black"):
        Image.new("RGB", (40, 40), colour).save(path, "JPEG")
        pages.append(raster(issuing.render_certificate_pdf(view)))
    assert len(frame_renders) == 2
    assert differing_share(pages[0], pages[1]) > 0


# --- what the composed file is ------------------------------------------------------------


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _producer(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).metadata.producer


def test_the_composed_certificate_is_pdfa_with_nfc_text_and_escapes_user_text(world):
    view = _view(world["types"]["party_a3"], "sample")
    hostile = "Bà Trần (Thị) <Ngọc> Ánh ) Tj /F1 99 Tf (endobj << >> 1 0 R \\"
    view.recipient_name = unicodedata.normalize("NFC", hostile)
    pdf = issuing.render_certificate_pdf(view)
    assert _producer(pdf) == "dankheo"  # composed, not the fallback
    assert pdfa_problems(pdf) == []
    text = _text(pdf)
    assert unicodedata.is_normalized("NFC", text)
    assert " ".join(hostile.split()) in " ".join(text.replace("\r", " ").split())
    assert len(pypdfium2.PdfDocument(pdf)) == 1


def test_a_character_the_font_lacks_is_rendered_by_weasyprint(world):
    view = _view(world["types"]["state_a4"], "sample")
    view.recipient_name = "Công ty 漢字 Việt Nam"
    view.place()
    with pytest.raises(sheet.Unsupported):
        sheet.compose_certificate(view)
    pdf = issuing.render_certificate_pdf(view)
    assert _producer(pdf).startswith("WeasyPrint") and pdfa_problems(pdf) == []
    assert "Việt Nam" in _text(pdf)


def test_signed_certificates_validate_whole_and_print_in_one_file(world, tmp_path):
    key_file = generate_demo_key(tmp_path / "k.p12", "pw", "Nguyễn Thanh Ngọc")
    key = load_key(KeySpec("pkcs12", path=str(key_file)), "pw")
    signed = []
    for i, kind in enumerate(KINDS):
        view = _view(world["types"][kind], "sample")
        view.recipient_name = f"Bà Trần Thị Ngọc Ánh {i}"
        data = sign_pdf(issuing.render_certificate_pdf(view), key, reason="Cấp")
        status = signature_status(data, [load_certificate(str(key_file), "pw")])
        assert status["intact"] and status["valid"] and status["whole_file"]
        assert pdfa_problems(data) == []
        assert len(RawPdf(data).pages()) == 1  # the byte reader reads it (no pypdf)
        signed.append(data)
    out = tmp_path / "in.pdf"
    with open(out, "wb") as handle:
        assert write_concatenated(signed, handle) == 4
    text = _text(out.read_bytes())
    positions = [text.index(f"Bà Trần Thị Ngọc Ánh {i}") for i in range(4)]
    assert positions == sorted(positions)


def test_a_frame_font_that_is_not_the_face_is_kept_as_it_is(world):
    """The frame's text is re-set in the document's subset only when its font addresses
    the face's own glyphs with the face's advances; any other font is copied."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    from dankheo.pdf.compose import write_document
    from dankheo.pdf.frame import Frame

    view = _view(world["types"]["state_a4"], "sample").place()
    html = flask.render_template("certificates/print/frame.html", c=view)
    data = render.app_renderer().render(html, "certificate", archival=True)
    assert Frame.from_pdf(data, sheet._faces()).shown  # WeasyPrint's fonts: replaced
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for ref in writer.pages[0]["/Resources"]["/Font"].values():
        descendant = ref.get_object()["/DescendantFonts"][0].get_object()
        w = descendant["/W"]
        w[1] = ArrayObject(FloatObject(float(v) + 50) for v in w[1])  # other advances
        descendant[NameObject("/W")] = w
    out = io.BytesIO()
    writer.write(out)
    frame = Frame.from_pdf(out.getvalue(), sheet._faces())
    assert frame.shown == {}
    pdf = write_document(frame, [sheet.variable_items(view)], title=view.title)
    assert pdfa_problems(pdf) == []
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _text(pdf)
