"""Import of initiatives from the XLSX template: all or nothing, errors by row."""

import io

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from dankheo.extensions import db
from dankheo.models import Initiative
from dankheo.registry.imports import HEADERS


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_row(code="C11", name="Mô hình “Thắp sáng đường quê”", year=2024):
    return [code, name, "Kinh tế", year, "Đường tối", "", "", "", "", "15.000.000", 0, 10]


def post(client, data: bytes):
    return client.post(
        "/registry/initiatives/import",
        data={"file": (io.BytesIO(data), "mo-hinh.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_template_downloads_with_the_headers(client, auth, users):
    auth.login("canbo.c11")
    response = client.get("/registry/initiatives/import/mau-nhap-mo-hinh.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == HEADERS


def test_reviewer_cannot_import(client, auth, users):
    auth.login("hoidong")
    assert client.get("/registry/initiatives/import").status_code == 403


def test_good_file_imports_every_row(client, auth, users, units):
    auth.login("canbo.d1")
    data = workbook_bytes([good_row(), good_row("C12", "Mô hình “Dòng kênh sạch”", 2023)])
    html = post(client, data).get_data(as_text=True)
    assert "Đã nhập 2 mô hình." in html
    items = db.session.scalars(sa.select(Initiative).order_by(Initiative.id)).all()
    assert [(i.unit.code, i.first_year, i.funding_vnd) for i in items] == [
        ("C11", 2024, 15_000_000),
        ("C12", 2023, 15_000_000),
    ]
    assert items[0].search_text.startswith("mo hinh “thap sang duong que”")


def test_one_bad_row_imports_nothing_and_names_the_row(client, auth, users):
    auth.login("canbo.c11")
    data = workbook_bytes(
        [
            good_row(),
            good_row(name="Mô hình “Đường hoa”", year="hai nghìn"),
            good_row(name="Mô hình “Camera”"),
        ]
    )
    html = post(client, data).get_data(as_text=True)
    assert "Không nhập dòng nào vì có 1 dòng lỗi" in html
    assert "Dòng 3: Năm phải là số từ 2000 đến 2100." in html
    assert db.session.scalar(sa.select(sa.func.count(Initiative.id))) == 0


def test_rows_for_units_outside_the_officers_subtree_are_refused(client, auth, users):
    auth.login("canbo.c11")
    html = post(client, workbook_bytes([good_row("C21")])).get_data(as_text=True)
    assert "Dòng 2: Bạn không được đăng ký mô hình cho đơn vị “Xã Hai Một”." in html
    assert db.session.scalar(sa.select(sa.func.count(Initiative.id))) == 0


def test_unknown_unit_and_field_are_reported(client, auth, users):
    auth.login("canbo.c11")
    row = good_row("XYZ")
    row[2] = "Thể thao"
    html = post(client, workbook_bytes([row])).get_data(as_text=True)
    assert "Không có đơn vị mã “XYZ”." in html and "Không có lĩnh vực “Thể thao”." in html


def test_not_an_xlsx_file_is_refused(client, auth, users):
    auth.login("canbo.c11")
    html = post(client, b"not a workbook").get_data(as_text=True)
    assert "Không đọc được tệp Excel" in html


def test_wrong_headers_are_refused(client, auth, users):
    book = Workbook()
    book.active.append(["Tên", "Năm"])
    out = io.BytesIO()
    book.save(out)
    auth.login("canbo.c11")
    html = post(client, out.getvalue()).get_data(as_text=True)
    assert "Tệp không đúng mẫu" in html
