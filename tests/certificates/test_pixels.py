"""Certificates look the same however they are drawn: every design (A3/A4, State/Party,
full design and overlay), short and long texts, rasterised (pypdfium2, 100 dpi, grey)
and compared with the pages the WeasyPrint-only renderer drew before issue 15's phase 2
(tests/certificates/pixels/*.png, made once with DANKHEO_UPDATE_PIXELS=1 from that
renderer and committed). A page matches when at most PIXEL_SHARE of its pixels differ by
more than PIXEL_DELTA grey levels from every pixel around the same place in the other
image: a glyph rounded to the next pixel passes, a line moved by half a millimetre does
not (test_a_moved_line_is_caught)."""

import os
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
from flask import g
from PIL import Image, ImageChops, ImageFilter

from dankheo import create_app
from dankheo.certificates import issuing, printing, sheet
from tests.conftest import _TEMPLATE_CACHE, _empty_tables, _prepare_schema, make_test_config
from tests.documents import world as world_module

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
