"""Exports of the filtered initiative list: XLSX (openpyxl) and CSV (UTF-8 with BOM so
that Excel opens Vietnamese text correctly)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from dankheo.models.registry import YEAR_STATUS_LABELS

HEADERS = (
    "Mã",
    "Tên mô hình",
    "Đơn vị",
    "Lĩnh vực",
    "Năm đăng ký",
    "Các năm",
    "Trạng thái",
    "Kinh phí (đồng)",
    "Xã hội hóa (đồng)",
    "Ngày công",
    "Đất hiến (m²)",
)


def _years_text(initiative) -> str:
    return "; ".join(f"{r.year}: {YEAR_STATUS_LABELS[r.status]}" for r in initiative.years)


def _status_text(initiative, year: int | None) -> str:
    rows = initiative.years
    if year:
        rows = [r for r in rows if r.year == year]
    if not rows:
        return ""
    return YEAR_STATUS_LABELS[rows[-1].status]


def _cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def rows_for(initiatives, year: int | None = None) -> list[list]:
    rows = [
        [
            i.id,
            i.name,
            i.unit.name,
            i.field.name,
            i.first_year,
            _years_text(i),
            _status_text(i, year),
            i.funding_vnd,
            i.socialised_vnd,
            i.labour_days,
            i.land_m2,
        ]
        for i in initiatives
    ]
    return [[_cell(v) for v in row] for row in rows]


def to_xlsx(initiatives, year: int | None = None) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Mô hình"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows_for(initiatives, year):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 35
    sheet.column_dimensions["D"].width = 30
    sheet.column_dimensions["F"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv(initiatives, year: int | None = None) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows_for(initiatives, year))
    return text.getvalue().encode("utf-8-sig")
