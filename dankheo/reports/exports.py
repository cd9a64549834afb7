"""XLSX workbooks of the reports: an information sheet, then one sheet per table, written
with the list exporter's ``write_sheet`` (dankheo/exports.py: formatted headers, numbers
as numeric cells)."""

import re

from dankheo import vietnamese
from dankheo.exports import (  # noqa: F401 (re-exported for the report views)
    XLSX_MIME,
    file_response,
    new_workbook,
    save,
    sheet_title,
    table_workbook,
    write_sheet,
    xlsx_response,
)
from dankheo.reports.queries import Statistics
from dankheo.reports.rollup import ROLLUP_LABELS
from dankheo.reports.tables import Table
from dankheo.vietnamese import fold


def report_workbook(stats: Statistics, tables: list[Table]) -> bytes:
    """The report as a workbook: an information sheet, then one sheet per table."""
    wb = new_workbook()
    taken: set[str] = set()
    info = write_sheet(
        wb,
        "Thông tin",
        ["Mục", "Nội dung"],
        [
            ["Đơn vị", stats.root.name],
            ["Kỳ báo cáo", stats.period.label],
            ["Cách tổng hợp", ROLLUP_LABELS[stats.rollup]],
            ["Ngày lập", vietnamese.today()],
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
    return save(wb)


def report_filename(stats: Statistics, ext: str) -> str:
    """ASCII file name: bao-cao-<unit>-<year|2021-2025>-<mode>.<ext>"""
    unit = re.sub(r"[^a-z0-9]+", "-", fold(stats.root.name)).strip("-") or "don-vi"
    period = (
        str(stats.period.year)
        if stats.period.year is not None
        else f"{stats.period.start_year}-{stats.period.end_year}"
    )
    if stats.period.dated:
        period = stats.period.key[1:].replace("_", "-den-")
    kind = "bao-cao" if stats.period.year is not None or stats.period.dated else "tong-ket"
    return f"{kind}-{unit}-{period}-{stats.rollup.value}.{ext}"
