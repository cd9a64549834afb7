"""Tabular exports of list pages: XLSX and CSV.

Every list page of the application exports what it shows — the same filters, the same
order, every page of it — through this one module:

- XLSX (openpyxl): bold white-on-red frozen header row, numbers as numeric cells,
  dates as dates;
- CSV: UTF-8 with a BOM, so that Excel reads Vietnamese text correctly;
- text starting with ``= + - @`` (or a tab / carriage return) is prefixed with an
  apostrophe in both, so that a spreadsheet never runs it as a formula;
- at most ``MAX_ROWS`` rows: past it the file says so (a "Ghi chú" sheet, a last CSV
  line, an ``X-Export-Truncated`` header).

The report workbooks (dankheo/reports/exports.py) build on ``write_sheet`` too.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import Response, abort
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dankheo.extensions import db

FORMATS = ("xlsx", "csv")
MAX_ROWS = 50_000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"  # Werkzeug adds "; charset=utf-8" to every text/* type

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="A50E22")
TOTAL_FONT = Font(bold=True)
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe
    (CSV / formula injection); other values pass unchanged."""
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return "'" + value
    return value


def truncation_note(limit: int) -> str:
    return f"Tệp chỉ gồm {limit:,} dòng đầu tiên của danh sách.".replace(",", ".")


# --- rows -------------------------------------------------------------------------------


def fetch(stmt: sa.Select, limit: int = MAX_ROWS) -> tuple[list, bool]:
    """The first ``limit`` objects of ``stmt`` (in its order) and whether more match."""
    items = list(db.session.scalars(stmt.limit(limit + 1)).unique())
    return items[:limit], len(items) > limit


def capped(items: Sequence, limit: int = MAX_ROWS) -> tuple[list, bool]:
    """The first ``limit`` of rows computed in Python and whether there were more."""
    return list(items[:limit]), len(items) > limit


# --- XLSX -------------------------------------------------------------------------------


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub(" ", text).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    total: Sequence | None = None,
    taken: set[str] | None = None,
):
    """Append a sheet: bold white-on-red header row, frozen; ints and floats stay
    numbers (thousands separators; two decimals for floats); dates stay dates."""
    ws = wb.create_sheet(sheet_title(title, taken if taken is not None else set()))
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [len(str(h)) for h in headers]
    all_rows = [list(r) for r in rows]
    if total is not None:
        all_rows.append(list(total))
    for r_index, values in enumerate(all_rows, start=2):
        for c_index, value in enumerate(values, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            cell = ws.cell(row=r_index, column=c_index, value=safe_cell(value))
            cell.border = BORDER
            if isinstance(value, bool):
                pass
            elif isinstance(value, int):
                cell.number_format = NUMBER_FORMAT
            elif isinstance(value, float):
                cell.number_format = DECIMAL_FORMAT
            elif isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            if total is not None and r_index == len(all_rows) + 1:
                cell.font = TOTAL_FONT
            if c_index <= len(widths):
                widths[c_index - 1] = max(widths[c_index - 1], len(str(value)))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "A2"
    return ws


def save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def table_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence], note: str | None = None
) -> bytes:
    """One-sheet workbook of a list page (what the page shows, every page of it); a
    second sheet "Ghi chú" carries ``note`` when given (e.g. the row cap)."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    write_sheet(wb, title, headers, rows, taken=taken)
    if note:
        write_sheet(wb, "Ghi chú", ["Ghi chú"], [[note]], taken=taken)
    return save(wb)


# --- CSV --------------------------------------------------------------------------------


def _csv_value(value):
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    return safe_cell(value)


def csv_chunks(
    headers: Sequence[str], rows: Iterable[Sequence], note: str | None = None
) -> Iterator[str]:
    """CSV text with a UTF-8 BOM, yielded in chunks of 500 rows (for streaming)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for i, row in enumerate(rows, 1):
        writer.writerow([_csv_value(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if note:
        writer.writerow([note])
    yield buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence], note: str | None = None) -> bytes:
    """The whole CSV as bytes (UTF-8 with BOM)."""
    return "".join(csv_chunks(headers, rows, note)).encode("utf-8")


# --- responses --------------------------------------------------------------------------


def file_response(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def xlsx_response(data: bytes, filename: str) -> Response:
    return file_response(data, filename, XLSX_MIME)


def list_export(
    fmt: str,
    *,
    title: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    truncated: bool = False,
    limit: int = MAX_ROWS,
) -> Response:
    """The response of a list page's export: ``<filename>.<fmt>`` (ASCII name),
    ``title`` names the sheet. ``truncated`` says the rows stop at ``limit``."""
    if fmt not in FORMATS:
        abort(404)
    note = truncation_note(limit) if truncated else None
    if fmt == "xlsx":
        response = xlsx_response(table_workbook(title, headers, rows, note), f"{filename}.xlsx")
    else:
        response = file_response(csv_bytes(headers, rows, note), f"{filename}.csv", CSV_MIME)
    if truncated:
        response.headers["X-Export-Truncated"] = str(limit)
    return response
