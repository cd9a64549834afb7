"""Import of initiatives from the XLSX template: the template itself, and reading and
checking every row before anything is written (all or nothing, errors by row number)."""

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import Field, Unit
from dankheo.permissions import can
from dankheo.vietnamese import fold, nfc
from dankheo.web.params import parse_int

MAX_ROWS = 5000

# (header, key, required)
COLUMNS = (
    ("Mã đơn vị", "unit_code", True),
    ("Tên mô hình", "name", True),
    ("Lĩnh vực", "field", True),
    ("Năm", "year", True),
    ("Thực trạng, lý do", "problem", False),
    ("Mục tiêu, tiêu chí", "goals", False),
    ("Nội dung, cách thức", "content_methods", False),
    ("Địa bàn, đối tượng", "area_beneficiaries", False),
    ("Lực lượng thực hiện", "implementers", False),
    ("Kinh phí (đồng)", "funding_vnd", False),
    ("Xã hội hóa (đồng)", "socialised_vnd", False),
    ("Ngày công", "labour_days", False),
    ("Hiện vật", "in_kind", False),
    ("Đất hiến (m²)", "land_m2", False),
    ("Ngày bắt đầu (dd/mm/yyyy)", "started_on", False),
    ("Sản phẩm, kết quả", "outputs", False),
    ("Khả năng duy trì, nhân rộng", "sustainability", False),
)
HEADERS = [c[0] for c in COLUMNS]


@dataclass
class RowError:
    row: int
    message: str


class ImportRejected(DomainError):
    """The file had bad rows; ``errors`` lists them, nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__("import.row_errors", count=len(errors))
        self.errors = errors


def template_xlsx() -> bytes:
    """The downloadable template: headers, one example row, and a sheet of fields."""
    # openpyxl (and numpy, which it loads) on first use: a web process that never
    # builds a workbook does not hold it (docs/performance.md, memory).
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mô hình"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "HT-LH",
            "Mô hình “Tuyến đường hoa nông thôn mới”",
            "Văn hóa – xã hội",
            2025,
            "Đường ấp nhiều rác thải",
            "Xanh – sạch – đẹp",
            "Vận động hộ dân trồng hoa",
            "Ấp Bình Hòa, 120 hộ",
            "Chi hội Phụ nữ, Đoàn thanh niên",
            15000000,
            30000000,
            200,
            "Cây giống, xi măng",
            50,
            "01/03/2025",
            "2 km đường hoa",
            "Duy trì hằng tuần, nhân rộng sang ấp khác",
        ]
    )
    for index, _ in enumerate(HEADERS):
        sheet.column_dimensions[chr(ord("A") + index)].width = 22
    fields_sheet = workbook.create_sheet("Lĩnh vực")
    fields_sheet.append(["Lĩnh vực"])
    for (name,) in db.session.execute(
        sa.select(Field.name).where(Field.active.is_(True)).order_by(Field.position)
    ):
        fields_sheet.append([name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


# Upper bounds of the resource columns, as the registration form has them.
_NUMBER_MAX = {"funding_vnd": 10**15, "socialised_vnd": 10**15, "labour_days": 10**9}
_LAND_MAX = 10**9


def _number(value, kind=int, hi: int = 10**15):
    """A non-negative number of a cell: a numeric cell, or text in ASCII digits
    ("15.000.000" with Vietnamese grouping for money; "12,5" for square metres).
    ValueError for anything else, including values beyond ``hi``."""
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if kind is int:
            number = parse_int(text.replace(".", ""), lo=0, hi=hi)
            if number is None:
                raise ValueError
            return number
        whole, _, fraction = text.replace(",", ".").partition(".")
        if parse_int(whole, lo=0) is None or (fraction and parse_int(fraction, lo=0) is None):
            raise ValueError
        value = float(f"{whole}.{fraction or 0}")
    if not math.isfinite(value) or not 0 <= value <= hi:
        raise ValueError
    if kind is int and value != int(value):
        raise ValueError
    return kind(value)


def _year(value) -> int:
    """The registration year of a cell (2000–2100), or ValueError."""
    return _number(value, int, hi=2100) if value not in (None, "") else None


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()


def read_rows(data: bytes, actor) -> list[dict]:
    """Read and check every row; raise ImportRejected listing each bad row, so the
    caller writes nothing unless every row is good."""
    from openpyxl import load_workbook  # on first use, like template_xlsx

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as err:
        raise DomainError("import.bad_file") from err
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    if header[: len(HEADERS)] != HEADERS:
        raise DomainError("import.bad_header", expected=", ".join(HEADERS[:4]) + ", …")
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    fields = {fold(f.name): f for f in db.session.scalars(sa.select(Field))}
    good, errors = [], []
    for number, raw in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            errors.append(RowError(number, f"Quá {MAX_ROWS} dòng; vui lòng chia nhỏ tệp."))
            break
        values = dict(zip([c[1] for c in COLUMNS], list(raw) + [None] * len(COLUMNS), strict=False))
        if all(v in (None, "") for v in values.values()):
            continue
        problems = _check_row(values, units, fields, actor)
        if problems:
            errors.append(RowError(number, " ".join(problems)))
        else:
            good.append(_row_values(values, units, fields))
    workbook.close()
    if errors:
        raise ImportRejected(errors)
    if not good:
        raise DomainError("import.empty")
    return good


def _check_row(values, units, fields, actor) -> list[str]:
    problems = []
    for header, key, required in COLUMNS:
        if required and _text(values[key]) == "":
            problems.append(f"Thiếu “{header}”.")
    code = _text(values["unit_code"]).upper()
    unit = units.get(code)
    if code and unit is None:
        problems.append(f"Không có đơn vị mã “{code}”.")
    elif unit is not None and not can(actor, "initiative.create", unit):
        problems.append(f"Bạn không được đăng ký mô hình cho đơn vị “{unit.name}”.")
    field_name = _text(values["field"])
    if field_name and fold(field_name) not in fields:
        problems.append(f"Không có lĩnh vực “{field_name}”.")
    name = _text(values["name"])
    if len(name) > 500:
        problems.append("Tên mô hình quá 500 ký tự.")
    elif name and len(name) < 5:
        problems.append("Tên mô hình quá ngắn.")
    try:
        year = _year(values["year"])
        if year is not None and not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        problems.append("Năm phải là số từ 2000 đến 2100.")
    for header, key, _ in COLUMNS:
        if key in ("funding_vnd", "socialised_vnd", "labour_days", "land_m2"):
            try:
                if key == "land_m2":
                    _number(values[key], float, hi=_LAND_MAX)
                else:
                    _number(values[key], int, hi=_NUMBER_MAX[key])
            except (TypeError, ValueError):
                problems.append(f"“{header}” phải là số không âm.")
    try:
        _date(values["started_on"])
    except (TypeError, ValueError):
        problems.append("Ngày bắt đầu phải có dạng dd/mm/yyyy.")
    return problems


def _row_values(values, units, fields) -> dict:
    data = {
        key: _text(values[key])
        for key in (
            "name",
            "problem",
            "goals",
            "content_methods",
            "area_beneficiaries",
            "implementers",
            "in_kind",
            "outputs",
            "sustainability",
        )
    }
    data.update(
        funding_vnd=_number(values["funding_vnd"], hi=_NUMBER_MAX["funding_vnd"]),
        socialised_vnd=_number(values["socialised_vnd"], hi=_NUMBER_MAX["socialised_vnd"]),
        labour_days=_number(values["labour_days"], hi=_NUMBER_MAX["labour_days"]),
        land_m2=_number(values["land_m2"], float, hi=_LAND_MAX),
        started_on=_date(values["started_on"]),
    )
    return {
        "unit": units[_text(values["unit_code"]).upper()],
        "field": fields[fold(_text(values["field"]))],
        "year": _year(values["year"]),
        "values": data,
    }
