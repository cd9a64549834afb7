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

Large lists stream: ``stream`` reads the rows in chunks of only the exported columns
(a caller's ``build`` turns each chunk into rows, with one more query for what the
chunk's rows list, e.g. their years); ``export_response`` writes them to a file on disk
as they come — CSV line by line, XLSX as sheet markup (dankheo.xlsxrows) — and sends
that file in blocks, so a worker's memory stays flat whatever the number of rows. Given
a ``cache_key`` (what the file is made of: the filters, the scope and the data versions,
``models.versions``) the file is kept under DOWNLOAD_DIR, sent again while the data are
unchanged, and answered with 304 to a client that already holds it (ETag).
"""

import csv
import functools
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
import xlsxwriter
from flask import Response, abort, current_app, request

from dankheo import xlsxrows
from dankheo.extensions import db

FORMATS = ("xlsx", "csv")
MAX_ROWS = 50_000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"  # Werkzeug adds "; charset=utf-8" to every text/* type

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


def stream(
    stmt: sa.Select,
    build: Callable[[Sequence], Iterable[Sequence]] | None = None,
    *,
    limit: int = MAX_ROWS,
    chunk: int = 1000,
) -> Iterator[Sequence]:
    """The rows of ``stmt`` (plain columns, in its order), at most ``limit`` + 1 of them
    (one more tells the writer that the list goes on), read ``chunk`` at a time (a
    server-side cursor on PostgreSQL); ``build(chunk)`` turns each chunk into rows. Run
    on the session's connection: plain rows, without the ORM's result processing."""
    result = db.session.connection().execute(
        stmt.limit(limit + 1), execution_options={"yield_per": chunk, "stream_results": True}
    )
    try:
        for part in result.partitions(chunk):
            yield from (build(part) if build is not None else part)
    finally:  # also when the writer stops early (the cap): the server-side cursor closes
        result.close()


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


@functools.cache
def _styles() -> SimpleNamespace:
    """The workbook's styles. openpyxl (and numpy, which it loads) is imported on first
    use: a web process that never builds a workbook does not hold it (~28 MB)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    return SimpleNamespace(
        header_font=Font(bold=True, color="FFFFFF"),
        header_fill=PatternFill("solid", fgColor="A50E22"),
        header_alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        total_font=Font(bold=True),
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        column_letter=get_column_letter,
    )


def new_workbook():
    """An openpyxl workbook without its default sheet (``write_sheet`` adds them)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def write_sheet(
    wb,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    total: Sequence | None = None,
    taken: set[str] | None = None,
):
    """Append a sheet: bold white-on-red header row, frozen; ints and floats stay
    numbers (thousands separators; two decimals for floats); dates stay dates."""
    style = _styles()
    ws = wb.create_sheet(sheet_title(title, taken if taken is not None else set()))
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = style.header_font
        cell.fill = style.header_fill
        cell.border = style.border
        cell.alignment = style.header_alignment
    widths = [len(str(h)) for h in headers]
    all_rows = [list(r) for r in rows]
    if total is not None:
        all_rows.append(list(total))
    for r_index, values in enumerate(all_rows, start=2):
        for c_index, value in enumerate(values, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            cell = ws.cell(row=r_index, column=c_index, value=safe_cell(value))
            cell.border = style.border
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
                cell.font = style.total_font
            if c_index <= len(widths):
                widths[c_index - 1] = max(widths[c_index - 1], len(str(value)))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[style.column_letter(i)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "A2"
    return ws


def save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def table_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence], note: str | None = None
) -> bytes:
    """One-sheet workbook of a list page (what the page shows, every page of it); a
    second sheet "Ghi chú" carries ``note`` when given (e.g. the row cap)."""
    wb = new_workbook()
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


# --- files on disk ----------------------------------------------------------------------


def _write_xlsx(path: str, title: str, headers: Sequence[str], rows: Iterator, limit: int):
    """A one-sheet workbook written row by row: the rows' markup goes to a temporary file
    as they come (dankheo.xlsxrows: ~4 times less CPU than XlsxWriter cell by cell, the
    same file), the workbook around them — header, formats, a "Ghi chú" sheet when the
    list goes on — is XlsxWriter's (docs/performance.md). Returns (rows written,
    truncated)."""
    written, truncated = 0, False
    with tempfile.TemporaryFile() as body:
        sheet = xlsxrows.SheetRows(body)
        for row in rows:
            if written == limit:
                truncated = True
                break
            written += 1
            sheet.write(written, row)
        template = path + ".head"
        try:
            _write_xlsx_frame(template, title, headers, sheet.kinds, truncated, limit)
            xlsxrows.splice(template, path, sheet, len(headers))
        finally:
            if os.path.exists(template):
                os.unlink(template)
    return written, truncated


def _write_xlsx_frame(path: str, title: str, headers, kinds, truncated: bool, limit: int):
    """XlsxWriter's workbook around the rows: the frozen header row, column widths, a
    probe row of the number formats ``kinds`` (xlsxrows.splice puts the rows in its
    place) and the note sheet."""
    wb = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    header = wb.add_format(
        {
            "bold": True,
            "font_color": "#FFFFFF",
            "bg_color": "#A50E22",
            "border": 1,
            "border_color": "#999999",
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    formats = {
        "number": wb.add_format({"num_format": NUMBER_FORMAT}),
        "decimal": wb.add_format({"num_format": DECIMAL_FORMAT}),
        "day": wb.add_format({"num_format": "dd/mm/yyyy"}),
        "moment": wb.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
    }
    ws = wb.add_worksheet(sheet_title(title, set()))
    ws.freeze_panes(1, 0)
    for i, text in enumerate(headers):
        ws.set_column(i, i, min(max(len(text) + 2, 12), 60))
        ws.write_string(0, i, text, header)
    for i, kind in enumerate(kinds):
        ws.write_number(1, i, 0, formats[kind])
    if truncated:
        notes = wb.add_worksheet("Ghi chú")
        notes.write_string(0, 0, "Ghi chú", header)
        notes.write_string(1, 0, truncation_note(limit))
    wb.close()


def _write_csv(path: str, headers: Sequence[str], rows: Iterator, limit: int):
    """UTF-8 CSV with a BOM, written line by line. Returns (rows written, truncated)."""
    written, truncated = 0, False
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:
            if written == limit:
                truncated = True
                break
            writer.writerow([_csv_value(v) for v in row])
            written += 1
        if truncated:
            writer.writerow([truncation_note(limit)])
    return written, truncated


def write_file(fmt: str, path: str, *, title: str, headers, rows: Iterable, limit: int):
    """Write ``rows`` (stopping after ``limit``) as ``fmt`` to ``path``."""
    rows = iter(rows)
    try:
        if fmt == "xlsx":
            return _write_xlsx(path, title, headers, rows, limit)
        return _write_csv(path, headers, rows, limit)
    finally:  # a generator stopped at the cap ends now (stream closes its cursor)
        if hasattr(rows, "close"):
            rows.close()


def send_path(path: str, *, filename: str, mimetype: str, delete: bool) -> Response:
    """The file as a response sent in blocks, opened at once (so a file replaced or
    removed meanwhile is still sent whole) and closed with the response. ``delete``: a
    temporary file, removed at once (the open handle keeps its data)."""
    handle = open(path, "rb")  # noqa: SIM115 (closed when the response is)
    size = os.fstat(handle.fileno()).st_size
    if delete:
        os.unlink(path)

    def blocks():
        try:
            while block := handle.read(256 * 1024):
                yield block
        finally:
            handle.close()

    response = Response(blocks(), mimetype=mimetype, direct_passthrough=True)
    response.call_on_close(handle.close)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _prune(folder: str, max_age: float = 24 * 3600) -> None:
    """Forget cached files nobody asked for in a day (older data versions)."""
    now = time.time()
    for entry in os.scandir(folder):
        try:
            if now - entry.stat().st_atime > max_age and now - entry.stat().st_mtime > max_age:
                os.unlink(entry.path)
        except OSError:
            pass


def export_response(
    fmt: str,
    *,
    title: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    limit: int = MAX_ROWS,
    cache_key: str | None = None,
    public: bool = False,
) -> Response:
    """``rows`` written as ``<filename>.<fmt>`` (at most ``limit``; past it the file says
    so and X-Export-Truncated is set) and sent from disk. With ``cache_key``: kept
    under DOWNLOAD_DIR/exports, served again (and 304 to If-None-Match) while the key is
    the same; ``public`` lets shared caches keep it (anonymous data only)."""
    if fmt not in FORMATS:
        abort(404)
    mimetype = XLSX_MIME if fmt == "xlsx" else CSV_MIME
    name = f"{filename}.{fmt}"
    if cache_key is None:
        handle, path = tempfile.mkstemp(suffix=f".{fmt}")
        os.close(handle)
        try:
            _rows, truncated = write_file(
                fmt, path, title=title, headers=headers, rows=rows, limit=limit
            )
        except BaseException:
            os.unlink(path)
            raise
        response = send_path(path, filename=name, mimetype=mimetype, delete=True)
        response.headers["Cache-Control"] = "no-store"
    else:
        etag = f"{cache_key}-{fmt}"
        cache_control = "public, no-cache" if public else "private, no-cache"
        if request.if_none_match.contains(etag):
            response = Response(status=304)
            response.set_etag(etag)
            response.headers["Cache-Control"] = cache_control
            return response
        folder = os.path.join(current_app.config["DOWNLOAD_DIR"], "exports")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{etag}.{fmt}")
        meta_path = path + ".json"
        if not (os.path.exists(path) and os.path.exists(meta_path)):
            _prune(folder)
            handle, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
            os.close(handle)
            try:
                written, truncated = write_file(
                    fmt, tmp, title=title, headers=headers, rows=rows, limit=limit
                )
                with open(tmp + ".json", "w") as meta:
                    json.dump({"rows": written, "truncated": truncated}, meta)
                os.replace(tmp + ".json", meta_path)
                os.replace(tmp, path)  # atomic: a reader sees the whole file or none
            except BaseException:
                for leftover in (tmp, tmp + ".json"):
                    if os.path.exists(leftover):
                        os.unlink(leftover)
                raise
        with open(meta_path) as meta:
            truncated = json.load(meta)["truncated"]
        response = send_path(path, filename=name, mimetype=mimetype, delete=False)
        response.set_etag(etag)
        response.headers["Cache-Control"] = cache_control
    if truncated:
        response.headers["X-Export-Truncated"] = str(limit)
    return response


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
