"""The streamed XLSX export writes its rows as markup (dankheo.xlsxrows) instead of cell by
cell through XlsxWriter: the file must be the one XlsxWriter writes cell by cell. The
reference below is that writer (exports._write_xlsx before the change); every part of
both packages is compared byte for byte (only the creation time differs)."""

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
import xlsxwriter
from openpyxl import load_workbook

from dankheo import exports, xlsxrows

HEADERS = ("Mã", "Tên", "Số", "Tiền", "Ngày", "Lúc", "Có", "Khác")


def _reference(path, title, headers, rows, limit):
    """XlsxWriter cell by cell in constant-memory mode: what exports wrote before."""
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
    number = wb.add_format({"num_format": exports.NUMBER_FORMAT})
    decimal = wb.add_format({"num_format": exports.DECIMAL_FORMAT})
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    moment = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    ws = wb.add_worksheet(exports.sheet_title(title, set()))
    ws.freeze_panes(1, 0)
    for i, text in enumerate(headers):
        ws.set_column(i, i, min(max(len(text) + 2, 12), 60))
        ws.write_string(0, i, text, header)
    written, truncated = 0, False
    for r, row in enumerate(rows, start=1):
        if written == limit:
            truncated = True
            break
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(r, c, exports.safe_cell(value))
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, int):
                ws.write_number(r, c, value, number)
            elif isinstance(value, float | Decimal):
                ws.write_number(r, c, float(value), decimal)
            elif isinstance(value, datetime):
                ws.write_datetime(r, c, value, moment)
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            else:
                ws.write_string(r, c, exports.safe_cell(str(value)))
        written += 1
    if truncated:
        notes = wb.add_worksheet("Ghi chú")
        notes.write_string(0, 0, "Ghi chú", header)
        notes.write_string(1, 0, exports.truncation_note(limit))
    wb.close()
    return written, truncated


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    # The creation time is the only thing that may differ (the two were written apart).
    core = parts["docProps/core.xml"]
    parts["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT[\d:]+Z", b"TIME", core)
    return parts


def _both(tmp_path, rows, headers=HEADERS, limit=100):
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    expected = _reference(str(old), "Mô hình", headers, iter(rows), limit)
    got = exports.write_file(
        "xlsx", str(new), title="Mô hình", headers=headers, rows=iter(rows), limit=limit
    )
    assert got == expected
    return _parts(old), _parts(new), new


class _Other:
    def __str__(self):
        return "=khác & <lạ>"


TRICKY = [
    [
        1,
        'Mô hình “Dân vận khéo” & <xã> > "huyện"',
        1_500_000,
        2.5,
        date(2025, 7, 1),
        datetime(2025, 7, 1, 8, 30, 15),
        True,
        "=SUM(A1)",
    ],
    [
        2,
        "  lề trái",
        0,
        Decimal("12.345"),
        date(1900, 1, 1),
        datetime(1900, 3, 1, 12),
        False,
        "+84 912",
    ],
    [None, "", None, None, None, None, None, None],  # an empty row: left out, still counted
    [4, "lề phải\t", -7, 1e20, date(1899, 12, 31), datetime(1900, 1, 1, 6), None, "-1"],
    [5, "điều khiển \x01\x1f và _x0041_ \ufffe", 10**17, -0.1, None, None, None, "@x"],
    [6, "\ttab", 3, float(1) / 3, date(2100, 2, 28), None, None, 12.0],
    [7, "dòng\nmới\r", None, None, None, None, None, _Other()],
    ["", "chỉ tên", "", "", "", "", "", ""],
    [9, "x" * 40_000, None, None, None, None, None, "😀" * 20_000],
    [10, "cột thừa", 1, 1.0, None, None, None, "h", "ngoài tiêu đề"],
]


def test_the_rows_written_as_markup_are_the_file_xlsxwriter_writes_cell_by_cell(tmp_path):
    old, new, _path = _both(tmp_path, TRICKY)
    assert old.keys() == new.keys()
    for name in old:
        assert new[name] == old[name], name


def test_only_strings_and_no_rows_give_the_same_file_too(tmp_path):
    for rows in ([], [["a", "b"], ["c", None]], [[None, None]]):
        old, new, _path = _both(tmp_path, rows, headers=("Một", "Hai"))
        assert new == old, rows


def test_past_the_limit_the_note_sheet_is_the_same(tmp_path):
    rows = [[i, f"mô hình {i}", i * 1000] for i in range(1, 8)]
    old, new, path = _both(tmp_path, rows, headers=("Mã", "Tên", "Tiền"), limit=5)
    assert new == old
    book = load_workbook(path)
    assert book.sheetnames == ["Mô hình", "Ghi chú"]
    sheet = book["Mô hình"]
    assert sheet.max_row == 6 and sheet["C6"].value == 5000
    assert sheet["C6"].number_format == exports.NUMBER_FORMAT
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


def test_openpyxl_reads_the_values_back(tmp_path):
    *_, path = _both(tmp_path, TRICKY)
    sheet = load_workbook(path)["Mô hình"]
    assert sheet["B2"].value == 'Mô hình “Dân vận khéo” & <xã> > "huyện"'
    assert sheet["H2"].value == "'=SUM(A1)"  # never a formula
    assert sheet["B3"].value == "  lề trái"
    assert sheet["E2"].value == datetime(2025, 7, 1) and sheet["E2"].number_format == "dd/mm/yyyy"
    assert sheet["F2"].value == datetime(2025, 7, 1, 8, 30, 15)
    assert sheet["G2"].value is True and sheet["G3"].value is False
    assert sheet["D3"].value == pytest.approx(12.345)
    assert sheet["H8"].value == "'=khác & <lạ>"  # any other value: its text
    assert sheet.max_row == 11 and sheet["I11"].value == "ngoài tiêu đề"


def test_a_timezone_or_a_nan_is_refused_as_xlsxwriter_refuses_it(tmp_path):
    from datetime import UTC

    for value in (datetime(2025, 1, 1, tzinfo=UTC), float("nan")):
        with pytest.raises(TypeError):
            exports.write_file(
                "xlsx",
                str(tmp_path / "x.xlsx"),
                title="x",
                headers=["a"],
                rows=[[value]],
                limit=10,
            )


def test_a_changed_xlsxwriter_style_numbering_fails_loudly(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsxrows, "FIRST_STYLE", 7)
    with pytest.raises(RuntimeError, match="styles"):
        exports.write_file(
            "xlsx", str(tmp_path / "x.xlsx"), title="x", headers=["a"], rows=[[1]], limit=10
        )
