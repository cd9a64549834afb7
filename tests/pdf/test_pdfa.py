"""The PDF/A check itself (tests/pdf/pdfa.py): it passes what the renderer makes as the
archival copy, and it fails each way a PDF can break the claim. A check that could not
fail would prove nothing (issue 14, finding 10: the old test asserted ``"3" in raw``)."""

import base64
import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from dankheo.pdf.render import Renderer
from tests.pdf.pdfa import pdfa_problems

TEXT = "<h1>BẰNG KHEN</h1><p>Ông Nguyễn Văn Thành – xã Trường Đông</p>"


@pytest.fixture
def renderer(app):
    return Renderer(Path(app.static_folder), Path(app.config["UPLOAD_DIR"]))


@pytest.fixture
def archival(renderer) -> bytes:
    return renderer.render(TEXT, "certificate", archival=True)


def test_the_archival_copy_passes(archival):
    assert pdfa_problems(archival) == []


def test_a_plain_render_is_not_pdf_a(renderer):
    problems = pdfa_problems(renderer.render(TEXT, "certificate"))
    assert any("no XMP metadata" in p or "pdfaid:part" in p for p in problems)
    assert any("output intent" in p for p in problems)


def _rewrite(data: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_encrypted_copy_fails(archival):
    problems = pdfa_problems(_rewrite(archival, lambda w: w.encrypt("", "chu-so-huu")))
    assert any("encrypted" in p for p in problems)


def test_a_copy_without_its_output_intent_fails(archival):
    def drop(writer):
        del writer._root_object[NameObject("/OutputIntents")]

    assert any("GTS_PDFA1" in p for p in pdfa_problems(_rewrite(archival, drop)))


def test_a_copy_claiming_another_part_fails(archival):
    def claim_part_one(writer):
        metadata = writer._root_object["/Metadata"].get_object()
        xml = metadata.get_data().replace(b'pdfaid:part="3"', b'pdfaid:part="1"')
        metadata.set_data(xml)

    problems = pdfa_problems(_rewrite(archival, claim_part_one))
    assert any("pdfaid:part is '1'" in p for p in problems)


def test_a_font_not_embedded_fails(archival):
    def unembed(writer):
        for page in writer.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                target = (
                    font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                )
                descriptor = target["/FontDescriptor"].get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        del descriptor[NameObject(key)]

    assert any("is not embedded" in p for p in pdfa_problems(_rewrite(archival, unembed)))


def test_transparency_fails(renderer):
    out = io.BytesIO()
    Image.new("RGBA", (40, 40), (200, 16, 46, 90)).save(out, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    pdf = renderer.render(f'{TEXT}<img src="{uri}" alt="">', "certificate", archival=True)
    assert any("soft mask" in p or "transparency" in p for p in pdfa_problems(pdf))


def test_a_file_that_is_not_a_pdf_header_fails(archival):
    assert any("header" in p for p in pdfa_problems(archival.replace(b"%PDF-1.7", b"%PDF-X.7", 1)))
