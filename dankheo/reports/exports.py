"""XLSX workbooks (openpyxl): one sheet per table, formatted headers, numbers as numeric
cells. ``table_workbook`` turns any list page's rows into a workbook, so every list of
the application can export what it shows."""

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dankheo.reports.queries import ROLLUP_LABELS, Statistics
from dankheo.reports.tables import Table
from dankheo.vietnamese import fold

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="A50E22")
TOTAL_FONT = Font(bold=True)
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMAT = "#,##0"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


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
    numbers (formatted with thousands separators); dates stay dates."""
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
            cell = ws.cell(row=r_index, column=c_index, value=value)
            cell.border = BORDER
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = NUMBER_FORMAT
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


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """One-sheet workbook of a list page (what the page shows, every page of it)."""
    wb = Workbook()
    wb.remove(wb.active)
    write_sheet(wb, title, headers, rows)
    return _save(wb)


def report_workbook(stats: Statistics, tables: list[Table]) -> bytes:
    """The report as a workbook: an information sheet, then one sheet per table."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    info = write_sheet(
        wb,
        "Thông tin",
        ["Mục", "Nội dung"],
        [
            ["Đơn vị", stats.root.name],
            ["Kỳ báo cáo", stats.period.label],
            ["Cách tổng hợp", ROLLUP_LABELS[stats.rollup]],
            ["Ngày lập", date.today()],
        ],
        taken=taken,
    )
    info.column_dimensions["B"].width = 60
    for table in tables:
        write_sheet(
            wb,
            table.sheet,
            table.headers,
            [[c.value for c in row] for row in table.rows],
            [c.value for c in table.total] if table.total else None,
            taken=taken,
        )
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_filename(stats: Statistics, ext: str) -> str:
    """ASCII file name: bao-cao-<unit>-<year|2021-2025>-<mode>.<ext>"""
    unit = re.sub(r"[^a-z0-9]+", "-", fold(stats.root.name)).strip("-") or "don-vi"
    period = (
        str(stats.period.year)
        if stats.period.year is not None
        else f"{stats.period.start_year}-{stats.period.end_year}"
    )
    kind = "bao-cao" if stats.period.year is not None else "tong-ket"
    return f"{kind}-{unit}-{period}-{stats.rollup.value}.{ext}"


def file_response(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def xlsx_response(data: bytes, filename: str) -> Response:
    return file_response(data, filename, XLSX_MIME)
