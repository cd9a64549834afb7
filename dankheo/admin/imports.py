"""Import of units from XLSX or CSV: all rows checked first, nothing saved unless all are good.

The file is checked by content, not by name: an XLSX must be a real Office Open XML
zip (with a bounded uncompressed size, against zip bombs), a CSV must be UTF-8 text
(with or without BOM) without NUL bytes.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from dankheo.admin import queries
from dankheo.admin.forms import CODE_RE
from dankheo.admin.units import create_unit
from dankheo.errors import DomainError
from dankheo.models.units import UNIT_KIND_LABELS, UnitKind
from dankheo.vietnamese import fold, nfc

# Columns of the template: (key, Vietnamese header).
COLUMNS = (
    ("code", "Mã đơn vị"),
    ("name", "Tên đơn vị"),
    ("kind", "Loại đơn vị"),
    ("parent_code", "Mã đơn vị cấp trên"),
    ("valid_from", "Hiệu lực từ ngày"),
    ("valid_to", "Hiệu lực đến ngày"),
)
MAX_ROWS = 20_000
# An XLSX of 20,000 short rows unpacks to a few MB; more than this is not a unit list.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200

_HEADER_KEYS = {fold(h): k for k, h in COLUMNS} | {k: k for k, _ in COLUMNS}
_HEADER_KEYS |= {"parent code": "parent_code", "parent": "parent_code"}
_KIND_BY_TEXT = {fold(label): kind for kind, label in UNIT_KIND_LABELS.items()} | {
    kind.value: kind for kind in UnitKind
}
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    code: str
    name: str
    kind: UnitKind | None
    parent_code: str
    valid_from: date | None
    valid_to: date | None


# --- template -------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The downloadable template: headers, one example row, a list of kinds."""
    # openpyxl (and numpy, which it loads) on first use: a web process that never
    # builds a workbook does not hold it (docs/performance.md, memory).
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws.append([h for _, h in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["TN-XA-MOI", "Xã Mẫu Mới", "Xã", "TN", "01/07/2025", ""])
    for col, width in zip("ABCDEF", (18, 40, 28, 20, 16, 16), strict=True):
        ws.column_dimensions[col].width = width
    kinds = wb.create_sheet("Loại đơn vị")
    kinds.append(["Tên loại", "Mã loại"])
    for kind, label in UNIT_KIND_LABELS.items():
        kinds.append([label, kind.value])
    validation = DataValidation(
        type="list", formula1=f"'Loại đơn vị'!$A$2:$A${len(UNIT_KIND_LABELS) + 1}"
    )
    ws.add_data_validation(validation)
    validation.add("C2:C5000")
    guide = wb.create_sheet("Hướng dẫn")
    for line in (
        "Mỗi dòng là một đơn vị. Mã đơn vị là duy nhất (chữ không dấu, số, . _ -).",
        "Loại đơn vị: ghi tên loại (xem trang “Loại đơn vị”) hoặc mã loại.",
        "Mã đơn vị cấp trên: đơn vị đã có trong hệ thống hoặc ở một dòng phía trên.",
        "Ngày ghi theo dạng dd/mm/yyyy; để trống “Hiệu lực đến ngày” nếu đang hoạt động.",
        "Nếu có một dòng sai, không dòng nào được nhập; sửa theo báo lỗi rồi tải lên lại.",
    ):
        guide.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading --------------------------------------------------------------------------


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return False
            unpacked = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        return False
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(len(data), 1):
        raise DomainError("unit_import.too_large")
    return True


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook  # on first use, like template_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds on malformed files
        raise DomainError("unit_import.unreadable") from err
    try:
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                raise DomainError("unit_import.too_many_rows", limit=MAX_ROWS)
        return rows
    finally:
        wb.close()


def _csv_rows(data: bytes) -> list[list]:
    if b"\x00" in data:
        raise DomainError("unit_import.bad_type")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DomainError("unit_import.bad_encoding") from err
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if len(rows) > MAX_ROWS + 1:
        raise DomainError("unit_import.too_many_rows", limit=MAX_ROWS)
    return rows


def read_table(data: bytes) -> list[list]:
    """Rows of the first sheet (XLSX) or of the CSV text, recognised by content."""
    if not data:
        raise DomainError("unit_import.empty")
    if _is_xlsx(data):
        return _xlsx_rows(data)
    if data.startswith(b"PK") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DomainError("unit_import.bad_type")  # another zip, or an old binary .xls
    return _csv_rows(data)


# --- checking -------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _date(value, label: str, errors: list[str]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors.append(f"“{label}” không phải ngày hợp lệ (dd/mm/yyyy): “{text[:40]}”")
    return None


def _header_map(header: list) -> dict[str, int]:
    mapping = {}
    for index, value in enumerate(header):
        key = _HEADER_KEYS.get(fold(_text(value)))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def check_rows(rows: list[list]) -> tuple[list[_Row], list[RowError]]:
    """Parse and check every row (row numbers as the user sees them, header = 1)."""
    if not rows:
        raise DomainError("unit_import.empty")
    columns = _header_map(rows[0])
    missing = [h for k, h in COLUMNS[:3] if k not in columns]
    if missing:
        raise DomainError("unit_import.missing_columns", columns=", ".join(missing))
    existing = queries.all_unit_codes()
    seen: dict[str, int] = {}
    parsed: list[_Row] = []
    errors: list[RowError] = []
    for number, raw in enumerate(rows[1:], start=2):

        def cell(key, raw=raw):
            index = columns.get(key)
            return raw[index] if index is not None and index < len(raw) else None

        if all(_text(v) == "" for v in raw):
            continue  # blank lines are not rows
        problems: list[str] = []
        code = _text(cell("code")).upper()
        name = _text(cell("name"))
        kind_text = _text(cell("kind"))
        parent_code = _text(cell("parent_code")).upper()
        if not code:
            problems.append("thiếu mã đơn vị")
        elif len(code) > 40 or not CODE_RE.match(code):
            problems.append(f"mã đơn vị “{code[:40]}” không hợp lệ")
        elif code in existing:
            problems.append(f"mã đơn vị “{code}” đã có trong hệ thống")
        elif code in seen:
            problems.append(f"mã đơn vị “{code}” trùng với dòng {seen[code]}")
        if not name:
            problems.append("thiếu tên đơn vị")
        elif len(name) > 200:
            problems.append("tên đơn vị dài quá 200 ký tự")
        kind = _KIND_BY_TEXT.get(fold(kind_text)) or _KIND_BY_TEXT.get(kind_text.lower())
        if not kind_text:
            problems.append("thiếu loại đơn vị")
        elif kind is None:
            problems.append(f"loại đơn vị “{kind_text[:60]}” không có trong danh mục")
        if parent_code:
            if parent_code == code:
                problems.append("đơn vị cấp trên không thể là chính nó")
            elif parent_code not in existing and parent_code not in seen:
                problems.append(
                    f"không tìm thấy đơn vị cấp trên “{parent_code[:40]}” "
                    "(trong hệ thống hoặc ở các dòng phía trên)"
                )
        valid_from = _date(cell("valid_from"), "Hiệu lực từ ngày", problems)
        valid_to = _date(cell("valid_to"), "Hiệu lực đến ngày", problems)
        if valid_from and valid_to and valid_to < valid_from:
            problems.append("ngày hết hiệu lực trước ngày bắt đầu hiệu lực")
        if code and code not in seen:
            seen[code] = number
        if problems:
            text = "; ".join(problems)
            errors.append(RowError(number, text[0].upper() + text[1:] + "."))
        else:
            parsed.append(_Row(number, code, name, kind, parent_code, valid_from, valid_to))
    if not parsed and not errors:
        raise DomainError("unit_import.empty")
    return parsed, errors


def import_units(data: bytes, *, actor) -> ImportResult:
    """Check every row; create the units only when all are good (caller commits)."""
    parsed, errors = check_rows(read_table(data))
    if errors:
        return ImportResult(errors=errors)
    parents = queries.units_by_codes(sorted({r.parent_code for r in parsed if r.parent_code}))
    for row in parsed:
        unit = create_unit(
            code=row.code,
            name=row.name,
            kind=row.kind,
            parent=parents.get(row.parent_code) if row.parent_code else None,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            actor=actor,
        )
        parents[unit.code] = unit
    return ImportResult(created=len(parsed))
