"""Reading rendered documents as a person would: text lines with their boxes and fonts
(pdfplumber), DOCX paragraphs in order (python-docx), and writing artifacts to look at."""

import io
import os
import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from docx import Document as read_docx

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
MM = 72 / 25.4


@dataclass
class Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    fonts: frozenset

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def lines(pdf: bytes, gap: float = 12.0) -> list[Line]:
    """Every text line of every page: words on one baseline, split where a gap wider
    than ``gap`` points separates two columns (a header's left and right blocks)."""
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            found = page.extract_words(extra_attrs=["fontname", "size"], use_text_flow=False)
            found.sort(key=lambda w: (round(w["bottom"]), w["x0"]))
            rows: list[list[dict]] = []
            for word in found:
                if rows and abs(rows[-1][-1]["bottom"] - word["bottom"]) < 2:
                    rows[-1].append(word)
                else:
                    rows.append([word])
            for row in rows:
                row.sort(key=lambda w: w["x0"])
                segment = [row[0]]
                for word in row[1:]:
                    if word["x0"] - segment[-1]["x1"] > gap:
                        out.append(_line(number, segment))
                        segment = [word]
                    else:
                        segment.append(word)
                out.append(_line(number, segment))
    return out


def _line(page: int, segment: list[dict]) -> Line:
    return Line(
        page,
        " ".join(w["text"] for w in segment),
        min(w["x0"] for w in segment),
        max(w["x1"] for w in segment),
        min(w["top"] for w in segment),
        max(w["bottom"] for w in segment),
        frozenset(w["fontname"].split("+")[-1] for w in segment),
    )


def pages(pdf: bytes) -> list[tuple[float, float]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [(p.width, p.height) for p in doc.pages]


def find(all_lines: list[Line], text: str) -> Line:
    found = [line for line in all_lines if text in norm(line.text)]
    assert found, f"no line contains {text!r}"
    return found[0]


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def words(pdf: bytes, *, skip_top_mm: float = 0) -> Counter:
    """The words of a PDF, without what lies in the top margin (page numbers)."""
    counter: Counter = Counter()
    for line in lines(pdf):
        if line.top >= skip_top_mm * MM:
            counter.update(norm(line.text).split())
    return counter


def same_text(pdf: bytes, docx: bytes) -> tuple[Counter, Counter]:
    """(words of the DOCX missing from the PDF, words of the PDF the DOCX lacks) — the
    PDF may only add the header rows its tables repeat at the top of a new page."""
    pdf_words = words(pdf, skip_top_mm=15)
    docx_text = docx_words(docx)
    missing = docx_text - pdf_words
    extra = pdf_words - docx_text
    headers = docx_table_headers(docx)
    return missing, Counter({w: n for w, n in extra.items() if w not in headers})


def docx_table_headers(data: bytes) -> set[str]:
    document = read_docx(io.BytesIO(data))
    found: set[str] = set()
    for table in document.tables:
        if table.rows:
            for cell in table.rows[0].cells:
                found.update(norm(cell.text).split())
    return found


def find_exact(all_lines: list[Line], text: str) -> Line:
    found = [line for line in all_lines if norm(line.text) == text]
    assert found, f"no line reads {text!r}"
    return found[0]


def docx_paragraphs(data: bytes) -> list[str]:
    """The DOCX's paragraphs in document order, table cells included."""
    document = read_docx(io.BytesIO(data))
    body = document.element.body
    out = []
    for element in body.iter():
        if element.tag.endswith("}p"):
            text = "".join(t.text or "" for t in element.iter() if t.tag.endswith("}t"))
            if text.strip():
                out.append(norm(text))
    return out


def docx_words(data: bytes) -> Counter:
    counter: Counter = Counter()
    for paragraph in docx_paragraphs(data):
        counter.update(paragraph.split())
    return counter


def overlaps(all_lines: list[Line], tolerance: float = 0.3) -> list[tuple[str, str]]:
    """Pairs of text lines on one page whose boxes intersect."""
    found = []
    for i, a in enumerate(all_lines):
        for b in all_lines[i + 1 :]:
            if a.page != b.page:
                continue
            if (
                min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance
                and min(a.bottom, b.bottom) - max(a.top, b.top) > tolerance
            ):
                found.append((a.text, b.text))
    return found


def write_artifact(name: str, data: bytes) -> Path | None:
    """Keep the file under test-artifacts/documents/ when asked (DANKHEO_DOCUMENT_PNGS),
    with PNG pages (pdftoppm) and, for DOCX, a LibreOffice conversion where installed."""
    if not os.environ.get("DANKHEO_DOCUMENT_PNGS"):
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    pdf = path
    if name.endswith(".docx"):
        office = shutil.which("libreoffice") or shutil.which("soffice")
        if office is None:
            return path
        outdir = ARTIFACTS / "libreoffice"
        subprocess.run(  # noqa: S603 (our own file, a fixed tool)
            [office, "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        pdf = (outdir / (path.stem + ".pdf")).replace(ARTIFACTS / (path.stem + "-word.pdf"))
    tool = shutil.which("pdftoppm")
    if tool:
        subprocess.run(  # noqa: S603
            [tool, "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))],
            check=True,
            capture_output=True,
        )
    return path
