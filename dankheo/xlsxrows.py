"""The rows of a streamed XLSX export (dankheo.exports) written as sheet markup directly,
the workbook around them by XlsxWriter.

XlsxWriter spends ~10 µs of Python on every cell (argument checks, a tuple per cell, a
generic tag writer): at 50,000 rows of 12 columns that was 5.8 s of the export's 8 s of
CPU. Here a row is one string made of precomputed pieces (column letters, style ids), in
exactly the markup XlsxWriter writes in constant-memory mode (inline strings, no spans,
the same escapes, number text and date serials), so the file is the one XlsxWriter would
have written: tests/test_exports_xlsx_rows.py compares every part of both, byte for byte.

How it fits together (``exports._write_xlsx``):

1. ``SheetRows.write`` turns each row into markup, appended to a temporary file; it notes
   which number formats ("kinds") the rows use, in order of first use, and the extent.
2. XlsxWriter writes the workbook with the header row and one probe row: a cell of each
   used kind, in that order — so it registers the formats as the rows would have, with
   the style ids ``SheetRows`` gave them (2, 3, …; the header's format is 1). ``splice``
   checks those ids in the probe row: a different XlsxWriter fails loudly, never writes
   wrong styles.
3. ``splice`` copies the package, the first sheet's probe row replaced by the rows and its
   ``<dimension>`` by their extent."""

import math
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from xlsxwriter.utility import xl_col_to_name, xl_range

KINDS = ("number", "decimal", "day", "moment")  # exports' formats, by kind
FIRST_STYLE = 2  # style 0 is the default, 1 the header's (written first)
SHEET = "xl/worksheets/sheet1.xml"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL_CHAR = re.compile("([\x00-\x08\x0b-\x1f])")
_XML = re.compile("[&<>]")
_MAX_UTF16 = 32767  # Excel's longest cell text, in UTF-16 units
_EPOCH = datetime(1899, 12, 31)
_FLUSH_ROWS = 500


def _text(value: str) -> str:
    """A cell's text as XlsxWriter writes it: formula-looking text prefixed with an
    apostrophe (exports.safe_cell), cut to Excel's limit, control characters as _xHHHH_,
    & < > escaped."""
    if value[:1] in _FORMULA_START:
        value = "'" + value
    if len(value) > _MAX_UTF16 // 2:
        units = 0
        for index, char in enumerate(value):
            units += 2 if ord(char) > 0xFFFF else 1
            if units > _MAX_UTF16:
                value = value[:index]
                break
    if _CONTROL.search(value):
        value = _ESCAPED_ESCAPE.sub(r"_x005F\1", value)
        value = _CONTROL_CHAR.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return value


def _inline(ref: str, value: str) -> str:
    """An inline-string cell; leading or trailing white space kept (xml:space)."""
    text = _text(value)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    if _XML.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _serial(moment: datetime) -> float:
    """Excel's serial number of a naive datetime (1900 date system, its leap-year bug)."""
    if moment.tzinfo is not None:
        raise TypeError("Excel doesn't support timezones in datetimes.")
    delta = moment - _EPOCH
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400
    if (moment.year, moment.month, moment.day) == (1900, 1, 1):
        serial -= 1
    return serial + 1 if serial > 59 else serial


class SheetRows:
    """Rows of the first sheet as XLSX markup, appended to ``out`` (a binary file)."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.kinds: list[str] = []  # kinds used, in order of first use
        self._style: dict[str, str] = {}
        self._letters: list[str] = []
        self._pending: list[str] = []
        self.last_row: int | None = None  # last row (0-based) with a cell
        self.last_col = -1

    def style(self, kind: str) -> str:
        style = self._style.get(kind)
        if style is None:
            style = self._style[kind] = str(FIRST_STYLE + len(self.kinds))
            self.kinds.append(kind)
        return style

    def write(self, index: int, row: Sequence) -> None:
        """Row ``index`` (0-based; 0 is the header, written by XlsxWriter). Empty cells
        (None, "") are left out, a row of them altogether; ints are "number", floats and
        Decimals "decimal", dates "day", datetimes "moment"."""
        letters = self._letters
        if len(row) > len(letters):
            letters.extend(xl_col_to_name(c) for c in range(len(letters), len(row)))
        n = str(index + 1)
        cells = []
        last = -1
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            last = c
            ref = letters[c] + n
            if isinstance(value, str):
                cells.append(_inline(ref, value))
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{ref}" s="{self.style("number")}"><v>{value:.16G}</v></c>')
            elif isinstance(value, float | Decimal):
                number = float(value)
                if not math.isfinite(number):
                    raise TypeError("NAN/INF not supported in an XLSX export")
                cells.append(f'<c r="{ref}" s="{self.style("decimal")}"><v>{number:.16G}</v></c>')
            elif isinstance(value, datetime):
                serial = _serial(value)
                cells.append(f'<c r="{ref}" s="{self.style("moment")}"><v>{serial:.16G}</v></c>')
            elif isinstance(value, date):
                serial = _serial(datetime(value.year, value.month, value.day))
                cells.append(f'<c r="{ref}" s="{self.style("day")}"><v>{serial:.16G}</v></c>')
            else:
                cells.append(_inline(ref, str(value)))
        if not cells:
            return
        self.last_row = index
        self.last_col = max(self.last_col, last)
        self._pending.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self._pending) >= _FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.out.write("".join(self._pending).encode("utf-8"))
            self._pending.clear()


_PROBE_ROW = re.compile(r'<row r="2">(.*?)</row>', re.S)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


def splice(template: str, path: str, rows: SheetRows, header_columns: int) -> None:
    """Copy the package ``template`` (XlsxWriter's, with the header row and the probe row
    of ``rows.kinds``) to ``path``, its first sheet's probe row replaced by ``rows``."""
    rows.flush()
    rows.out.flush()
    size = rows.out.tell()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if info.filename != SHEET or rows.last_row is None:
                target.writestr(info, source.read(info))
                continue
            sheet = source.read(info).decode("utf-8")
            probe = _PROBE_ROW.search(sheet)
            styles = re.findall(r' s="(\d+)"', probe.group(1)) if probe else []
            expected = [str(FIRST_STYLE + i) for i in range(len(rows.kinds))]
            if styles != expected:
                raise RuntimeError(f"XlsxWriter gave the formats styles {styles}, not {expected}")
            extent = xl_range(0, 0, rows.last_row, max(rows.last_col, header_columns - 1))
            sheet = _DIMENSION.sub(f'<dimension ref="{extent}"/>', sheet, count=1)
            if probe:
                sheet = sheet[: probe.start()] + sheet[probe.end() :]
            head, tail = (part.encode("utf-8") for part in sheet.split("</sheetData>", 1))
            tail = b"</sheetData>" + tail
            info.file_size = len(head) + size + len(tail)
            with target.open(info, "w") as out:
                out.write(head)
                rows.out.seek(0)
                while block := rows.out.read(1 << 20):
                    out.write(block)
                out.write(tail)
