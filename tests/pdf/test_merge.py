"""Merging PDFs without re-rendering: order kept, parts given as bytes, paths or a
generator."""

import io

from pypdf import PdfReader, PdfWriter

from dankheo.pdf.merge import merge_pdfs, write_merged


def _pdf(width: int) -> bytes:
    """A one-page PDF whose page width tells it apart."""
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _widths(data: bytes) -> list[int]:
    return [int(page.mediabox.width) for page in PdfReader(io.BytesIO(data)).pages]


def test_merge_keeps_the_order_of_bytes_and_files(tmp_path):
    stored = tmp_path / "b.pdf"
    stored.write_bytes(_pdf(200))
    assert _widths(merge_pdfs([_pdf(100), stored, _pdf(300)])) == [100, 200, 300]


def test_parts_may_come_from_a_generator_into_a_stream(tmp_path):
    paths = []
    for width in (110, 120, 130):
        path = tmp_path / f"{width}.pdf"
        path.write_bytes(_pdf(width))
        paths.append(path)
    out = io.BytesIO()
    write_merged((p for p in paths), out)
    assert _widths(out.getvalue()) == [110, 120, 130]
