"""pdf.objects, the byte-level reader the batch print copies objects with: references
found and rewritten outside strings only, cross-reference tables and streams through
incremental updates, object streams, inherited page attributes, and a file it cannot
read copied through pypdf instead."""

import io

from pypdf import PdfReader, PdfWriter

from dankheo.pdf import objects
from dankheo.pdf.merge import write_concatenated


def test_references_are_rewritten_outside_strings_only():
    value = b"<< /A 12 0 R /T (see 3 0 R \\) (4 0 R)) /K [5 0 R 6 0 R] /N /R1 >>"
    assert objects.references(value) == [12, 5, 6]
    renamed = objects.renumber(value, lambda n: n + 100)
    assert renamed == b"<< /A 112 0 R /T (see 3 0 R \\) (4 0 R)) /K [105 0 R 106 0 R] /N /R1 >>"
    assert objects.get(renamed, b"/K") == b"[105 0 R 106 0 R]"
    assert objects.get(b"<< /D << /Type /X >> /Type /Page >>", b"/Type") == b"/Page"


def _pdf(width: int) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _widths(data: bytes) -> list[int]:
    return [int(page.mediabox.width) for page in PdfReader(io.BytesIO(data), strict=True).pages]


def _handmade() -> bytes:
    """A PDF whose page inherits its MediaBox and Resources from the page tree, updated
    once (the page replaced by a rotated one) in an appended section with /Prev."""
    parts = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    offsets = {}

    def obj(number: int, body: bytes) -> None:
        offsets[number] = sum(map(len, parts))
        parts.append(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 250 100] /Resources 4 0 R >>")
    obj(3, b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>")
    obj(4, b"<< /ProcSet [/PDF] >>")
    obj(5, b"<< /Length 8 >>\nstream\n0 0 m S\n\nendstream")
    xref = sum(map(len, parts))
    rows = "".join(f"{offsets[n]:010d} 00000 n \n" for n in range(1, 6))
    parts.append(
        f"xref\n0 6\n0000000000 65535 f \n{rows}trailer\n<< /Size 6 /Root 1 0 R "
        f"/Info << /Title (a 3 0 R string) >> >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    obj(3, b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Rotate 90 >>")
    update = sum(map(len, parts))
    parts.append(
        f"xref\n3 1\n{offsets[3]:010d} 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R "
        f"/Prev {xref} >>\nstartxref\n{update}\n%%EOF\n".encode()
    )
    return b"".join(parts)


def test_updates_and_inherited_attributes_are_read():
    data = _handmade()
    raw = objects.RawPdf(data)
    [(number, inherited)] = raw.pages()
    assert objects.get(raw.value(number), b"/Rotate") == b"90"  # the updated page
    assert inherited[b"/MediaBox"] == b"[0 0 250 100]"
    merged = io.BytesIO()
    assert write_concatenated([data, _pdf(300)], merged) == 2
    pages = PdfReader(io.BytesIO(merged.getvalue()), strict=True).pages
    assert [int(p.mediabox.width) for p in pages] == [250, 300]
    assert pages[0]["/Rotate"] == 90 and "/ProcSet" in pages[0]["/Resources"]


def test_a_file_the_reader_cannot_read_is_copied_with_pypdf():
    good = _pdf(300)
    broken = _pdf(400)
    at = broken.rindex(b"startxref")
    broken = broken[:at] + b"startxref\n999999\n%%EOF\n"  # pypdf rebuilds the xref
    out = io.BytesIO()
    assert write_concatenated([good, broken, good], out) == 3
    assert _widths(out.getvalue()) == [300, 400, 300]


def _build(objs: dict[int, bytes]) -> bytes:
    """A one-revision PDF of ``objs`` (1 is the catalogue)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in sorted(objs.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    size = max(objs) + 1
    rows = "".join(f"{offsets[n]:010d} 00000 n \n" for n in range(1, size))
    out += (
        f"xref\n0 {size}\n0000000000 65535 f \n{rows}trailer\n<< /Size {size} /Root 1 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def test_a_part_found_unreadable_half_way_leaves_nothing_behind():
    """The font program's filter is one the byte reader does not undo: found while the
    part is being copied, so the part goes through pypdf and the output stays whole."""
    program = b"00010000" * 8
    odd = _build(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 333 100] "
            b"/Resources << /Font << /F1 4 0 R >> >> >>",
            4: b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Odd /FontDescriptor 5 0 R >>",
            5: b"<< /Type /FontDescriptor /FontName /ABCDEF+Odd /FontFile2 6 0 R >>",
            6: b"<< /Length %d /Filter /ASCIIHexDecode >>\nstream\n%s>\nendstream"
            % (len(program) + 1, program),
        }
    )
    out = io.BytesIO()
    assert write_concatenated([_pdf(300), odd, _pdf(300)], out) == 3
    assert _widths(out.getvalue()) == [300, 333, 300]
