"""A :class:`~dankheo.documents.model.Document` as a Word file (python-docx) for the
office (văn thư) to adjust before signing: A4, the official margins, Times New Roman
(Liberation Serif where Word is absent has the same metrics), the same paragraphs as
the PDF in the same order."""

import functools
import io
from types import SimpleNamespace

from dankheo.documents.model import Annex, Document, Paragraph, Table

FONT = "Times New Roman"


@functools.cache
def _docx() -> SimpleNamespace:
    """python-docx, imported when the first Word file is built: a web process that never
    builds one does not hold it (with lxml, ~8 MB)."""
    from docx import Document as new_docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    return SimpleNamespace(
        new_docx=new_docx,
        WD_ORIENT=WD_ORIENT,
        WD_TABLE_ALIGNMENT=WD_TABLE_ALIGNMENT,
        WD_ALIGN_PARAGRAPH=WD_ALIGN_PARAGRAPH,
        WD_BREAK=WD_BREAK,
        OxmlElement=OxmlElement,
        qn=qn,
        Mm=Mm,
        Pt=Pt,
        CENTER=WD_ALIGN_PARAGRAPH.CENTER,
        JUSTIFY=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )


def to_docx(doc: Document) -> bytes:
    w = _docx()
    word = w.new_docx()
    _page(word.sections[0], landscape=False)
    _styles(word)
    word.core_properties.title = doc.title
    word.core_properties.language = "vi-VN"
    _header(word, doc)
    _para(word, doc.kind, bold=True, align=w.CENTER, space_before=6)
    for line in doc.summary:
        _para(word, line, bold=True, align=w.CENTER)
    _rule(word, 25)
    if doc.authority:
        _para(word, doc.authority, bold=True, align=w.CENTER, space_after=6)
    for block in doc.basis:
        _block(word, block)
    if doc.enacting:
        _para(word, doc.enacting, bold=True, align=w.CENTER, space_before=6, space_after=6)
    for block in doc.blocks:
        _block(word, block)
    _closing(word, doc)
    for annex in doc.annexes:
        _annex(word, annex)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- page and styles ------------------------------------------------------------------


def _page(section, *, landscape: bool) -> None:
    w = _docx()
    if landscape:
        section.orientation = w.WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = w.Mm(297), w.Mm(210)
        section.top_margin = section.bottom_margin = w.Mm(20)
        section.left_margin, section.right_margin = w.Mm(25), w.Mm(20)
    else:
        section.orientation = w.WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = w.Mm(210), w.Mm(297)
        section.top_margin = section.bottom_margin = w.Mm(20)
        section.left_margin, section.right_margin = w.Mm(30), w.Mm(15)


def _styles(word) -> None:
    w = _docx()
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = w.Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(w.qn(attr), FONT)
    normal.paragraph_format.space_after = w.Pt(0)
    normal.paragraph_format.space_before = w.Pt(0)
    normal.paragraph_format.line_spacing = 1.1


def _para(
    container,
    text: str,
    *,
    bold=False,
    italic=False,
    underline=False,
    size: float | None = None,
    align=None,
    indent_mm: float = 0,
    space_before: float = 0,
    space_after: float = 0,
    lead: str = "",
):
    w = _docx()
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    if indent_mm:
        fmt.first_line_indent = w.Mm(indent_mm)
    fmt.space_before, fmt.space_after = w.Pt(space_before), w.Pt(space_after)
    if lead:
        run = p.add_run(lead + " ")
        run.bold = True
        if size:
            run.font.size = w.Pt(size)
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = w.Pt(size)
    return p


def _rule(container, width_mm: float) -> None:
    """A short centred rule under a line: a bottom border on an empty paragraph
    narrowed by indents (no text, so nothing to compare with the PDF)."""
    w = _docx()
    p = container.add_paragraph()
    p.alignment = w.CENTER
    fmt = p.paragraph_format
    text_width = 165 if not hasattr(container, "width") else container.width.mm
    side = max((text_width - width_mm) / 2, 0)
    fmt.left_indent = fmt.right_indent = w.Mm(side)
    fmt.space_after = w.Pt(6)
    p_pr = p._p.get_or_add_pPr()
    borders = w.OxmlElement("w:pBdr")
    bottom = w.OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(w.qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    run = p.add_run()
    run.font.size = w.Pt(2)


def _no_borders(table) -> None:
    w = _docx()
    tbl_pr = table._tbl.tblPr
    borders = w.OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = w.OxmlElement(f"w:{edge}")
        element.set(w.qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _cell(cell, width_mm: float):
    w = _docx()
    cell.width = w.Mm(width_mm)
    first = cell.paragraphs[0]
    first._p.getparent().remove(first._p)
    return cell


# --- parts ----------------------------------------------------------------------------


def _header(word, doc: Document) -> None:
    w = _docx()
    table = word.add_table(rows=1, cols=2)
    table.alignment = w.WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left_mm = 82 if doc.is_party else 70
    left = _cell(table.rows[0].cells[0], left_mm)
    right = _cell(table.rows[0].cells[1], 165 - left_mm)
    if doc.parent_line:
        _para(left, doc.parent_line, size=13, align=w.CENTER)
    for line in doc.body_lines:
        _para(left, line, bold=True, size=13, align=w.CENTER)
    if doc.is_party:
        _para(left, "*", size=13, align=w.CENTER)
    else:
        _rule(left, 28)
    _para(left, doc.number, size=13, align=w.CENTER)
    if doc.is_party:
        _para(
            right,
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            bold=True,
            underline=True,
            size=15,
            align=w.CENTER,
        )
    else:
        _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=w.CENTER)
        _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, align=w.CENTER)
    _para(right, doc.place_date, italic=True, align=w.CENTER, space_before=10)
    word.add_paragraph()


def _block(container, block) -> None:
    w = _docx()
    if isinstance(block, Table):
        _table(container, block)
        return
    assert isinstance(block, Paragraph)
    style = block.style
    if style == "centre":
        _para(container, block.text, bold=True, align=w.CENTER, space_after=5)
    elif style == "heading":
        _para(container, block.text, bold=True, indent_mm=10, space_before=6, space_after=5)
    elif style == "basis":
        _para(container, block.text, italic=True, align=w.JUSTIFY, indent_mm=10, space_after=5)
    elif style == "note":
        _para(container, block.text, italic=True, size=12, indent_mm=10, space_after=5)
    else:
        _para(
            container,
            block.text,
            align=w.JUSTIFY,
            indent_mm=10,
            space_after=5,
            lead=block.lead,
        )


def _table(container, block: Table) -> None:
    w = _docx()
    table = container.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = w.WD_TABLE_ALIGNMENT.CENTER
    size = 12 if block.small else 12.5
    total = sum(block.widths)
    usable = 165
    widths = [usable * w / total for w in block.widths]
    for cell, header, width in zip(table.rows[0].cells, block.headers, widths, strict=True):
        _para(_cell(cell, width), header, bold=True, size=size, align=w.CENTER)
    _repeat_header(table.rows[0])
    rows = list(block.rows) + ([block.total] if block.total else [])
    for r, values in enumerate(rows):
        is_total = block.total is not None and r == len(rows) - 1
        cells = table.add_row().cells
        for i, (cell, value, width) in enumerate(zip(cells, values, widths, strict=True)):
            _cell(cell, width)
            align = w.WD_ALIGN_PARAGRAPH.RIGHT if block.numeric[i] else None
            align = w.CENTER if block.centred[i] else align
            if block.bold_first_line == i and not is_total:
                first, _, rest = value.partition("\n")
                _para(cell, first, bold=True, size=size, align=align)
                if rest:
                    _para(cell, rest.replace("\n", " "), size=size, align=align)
            else:
                _para(cell, value, bold=is_total, size=size, align=align)
    container.add_paragraph()


def _repeat_header(row) -> None:
    w = _docx()
    tr_pr = row._tr.get_or_add_trPr()
    header = w.OxmlElement("w:tblHeader")
    header.set(w.qn("w:val"), "true")
    tr_pr.append(header)


def _closing(word, doc: Document) -> None:
    w = _docx()
    table = word.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    left = _cell(table.rows[0].cells[0], 80)
    right = _cell(table.rows[0].cells[1], 85)
    if doc.recipients:
        _para(left, "Nơi nhận:", bold=True, italic=True, size=12)
        for line in doc.recipient_lines:
            _para(left, line, size=11)
    else:
        left.add_paragraph()
    if doc.signature_authority:
        _para(right, doc.signature_authority, bold=True, align=w.CENTER)
    if doc.signature.title:
        _para(right, doc.signature.title.upper(), bold=True, align=w.CENTER)
    for _ in range(4):
        right.add_paragraph()
    _para(right, doc.signature.name, bold=True, align=w.CENTER)


def _annex(word, annex: Annex) -> None:
    w = _docx()
    if annex.landscape:
        section = word.add_section()
        _page(section, landscape=True)
    else:
        word.add_paragraph().add_run().add_break(w.WD_BREAK.PAGE)
    _para(word, annex.title, bold=True, align=w.CENTER)
    for line in annex.subtitle:
        _para(word, line, bold=True, align=w.CENTER)
    _para(word, annex.reference, italic=True, align=w.CENTER)
    _rule(word, 25)
    for block in annex.blocks:
        _block(word, block)
