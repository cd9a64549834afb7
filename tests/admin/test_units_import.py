"""Unit import from XLSX and CSV: every bad row reported, nothing imported unless all good."""

import io
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from dankheo.extensions import db
from dankheo.models import Unit

HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Mã đơn vị cấp trên",
    "Hiệu lực từ ngày",
    "Hiệu lực đến ngày",
]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(rows, bom=False) -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def _post(client, data: bytes, filename: str):
    return client.post(
        "/admin/units/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Unit))


GOOD_ROWS = [
    HEADER,
    ["X1", "Xã Mới Một", "Xã", "D1", "01/07/2025", ""],
    ["X1-A", "Ấp Một của Xã Mới", "village", "X1", "2025-07-01", None],
    ["P2", "Phường Mới", "phuong", "D2", "", ""],
]


def test_good_xlsx_imports_every_row_with_parents_from_the_file(as_admin, units):
    before = _count()
    response = _post(as_admin, _xlsx(GOOD_ROWS), "don-vi.xlsx")
    assert response.status_code == 302
    assert _count() == before + 3
    hamlet = db.session.scalar(sa.select(Unit).where(Unit.code == "X1-A"))
    assert hamlet.parent.code == "X1" and hamlet.parent.parent.code == "D1"
    assert hamlet.depth == 3
    assert db.session.scalar(sa.select(Unit.kind).where(Unit.code == "P2")).value == "ward"


@pytest.mark.parametrize("bom", [True, False])
def test_good_csv_imports_with_or_without_bom(as_admin, units, bom):
    before = _count()
    response = _post(as_admin, _csv(GOOD_ROWS, bom=bom), "don-vi.csv")
    assert response.status_code == 302
    assert _count() == before + 3
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "X1")) == "Xã Mới Một"


def test_one_bad_row_is_reported_and_nothing_is_imported(as_admin, units):
    rows = [*GOOD_ROWS, ["X9", "Xã Lỗi", "Lâu đài", "D1", "", ""]]
    before = _count()
    html = _post(as_admin, _xlsx(rows), "don-vi.xlsx").get_data(as_text=True)
    assert "Chưa nhập đơn vị nào" in html
    assert "<td>5</td>" in html  # the header is row 1: the fourth data row is row 5
    assert "Loại đơn vị “Lâu đài” không có trong danh mục." in html
    assert "<td>2</td>" not in html
    assert _count() == before


def test_every_bad_row_is_reported_with_its_reason(as_admin, units):
    rows = [
        HEADER,
        ["", "Không mã", "Xã", "", "", ""],
        ["C11", "Trùng mã hệ thống", "Xã", "", "", ""],
        ["N1", "Tốt", "Xã", "D1", "", ""],
        ["N1", "Trùng mã trong tệp", "Xã", "", "", ""],
        ["N2", "", "Xã", "", "", ""],
        ["N3", "Cha không có", "Xã", "NOPE", "", ""],
        ["N4", "Cha ở dưới", "Xã", "N5", "", ""],
        ["N5", "Ngày sai", "Xã", "", "31/02/2025", ""],
        ["N6", "Ngày ngược", "Xã", "", "02/01/2025", "01/01/2025"],
        ["N 7", "Mã sai", "Xã", "", "", ""],
    ]
    html = _post(as_admin, _csv(rows), "x.csv").get_data(as_text=True)
    for row, reason in [
        (2, "Thiếu mã đơn vị"),
        (3, "Mã đơn vị “C11” đã có trong hệ thống"),
        (5, "Mã đơn vị “N1” trùng với dòng 4"),
        (6, "Thiếu tên đơn vị"),
        (7, "Không tìm thấy đơn vị cấp trên “NOPE”"),
        (8, "Không tìm thấy đơn vị cấp trên “N5”"),
        (9, "“Hiệu lực từ ngày” không phải ngày hợp lệ"),
        (10, "Ngày hết hiệu lực trước ngày bắt đầu hiệu lực"),
        (11, "Mã đơn vị “N 7” không hợp lệ"),
    ]:
        assert f"<td>{row}</td><td>{reason}" in html
    assert "<td>4</td>" not in html
    assert "có 9 dòng lỗi" in html
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "N1")) is None


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"%PDF-1.7 not a sheet", "don-vi.xlsx", "Tệp thiếu cột"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "don-vi.csv", "Tệp không phải XLSX hoặc CSV"),
        ("Mã;Tên\n".encode("utf-16"), "don-vi.csv", "Tệp không phải XLSX hoặc CSV"),
        ("Mã,Tên\nX1,Thành\n".encode("cp1252"), "don-vi.csv", "mã hóa UTF-8"),
        (b"", "don-vi.csv", "Tệp không có dòng dữ liệu nào."),
        (_csv([HEADER]), "don-vi.csv", "Tệp không có dòng dữ liệu nào."),
        (_csv([["a", "b"], ["1", "2"]]), "don-vi.csv", "Tệp thiếu cột: Mã đơn vị"),
    ],
)
def test_bad_files_are_refused_with_a_message(as_admin, units, data, filename, message):
    before = _count()
    html = _post(as_admin, data, filename).get_data(as_text=True)
    assert message in html
    assert _count() == before


def test_a_zip_that_is_not_a_workbook_is_refused(as_admin, units):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    html = _post(as_admin, buf.getvalue(), "don-vi.xlsx").get_data(as_text=True)
    assert "Tệp không phải XLSX hoặc CSV" in html


def test_a_zip_bomb_disguised_as_xlsx_is_refused(as_admin, units):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    html = _post(as_admin, buf.getvalue(), "don-vi.xlsx").get_data(as_text=True)
    assert "Tệp giải nén quá lớn" in html


def test_upload_over_the_size_limit_gets_413(as_admin, app, units):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = _post(as_admin, b"x" * 4096, "don-vi.csv")
    assert response.status_code == 413
    assert "vượt quá dung lượng" in response.get_data(as_text=True)


def test_officer_cannot_import(auth, client, officer):
    auth.login("canbo")
    response = _post(client, _csv(GOOD_ROWS), "don-vi.csv")
    assert response.status_code == 403
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "X1")) is None


def test_import_without_a_file_asks_for_one(as_admin, units):
    html = as_admin.post(
        "/admin/units/import", data={}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "Vui lòng chọn tệp." in html
