"""Large and anonymous exports: rows streamed in chunks to a file on disk, the file kept
and served again while the data are unchanged (ETag, 304), rebuilt when they change;
the row cap said in the file; the anonymous gallery export rate-limited per address."""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from dankheo import exports
from dankheo.extensions import db
from dankheo.models import YearStatus
from tests.conftest import make_test_config
from tests.factories import make_initiative, make_province, make_user


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, RATELIMIT_EXPORTS="3 per minute")


@pytest.fixture
def registry(app):
    from dankheo.campaigns.services import ensure_default_fields
    from dankheo.models import Role

    units = make_province()
    ensure_default_fields()
    names = ["Bếp ăn", "Cầu nông thôn", "Đường hoa", "Ánh sáng"]
    for i, name in enumerate(names):
        item = make_initiative(
            units["c11" if i % 2 else "c21"],
            f"Mô hình {name}",
            year=2023,
            status=YearStatus.RECOGNISED,
        )
        item.years[0].status = YearStatus.OUTSTANDING if i == 0 else YearStatus.RECOGNISED
    make_initiative(units["c11"], "Mô hình chưa công nhận", status=YearStatus.REGISTERED)
    make_user("thuky", (Role.SECRETARY, units["province"]))
    make_user("canbo", (Role.OFFICER, units["c11"]))
    db.session.commit()
    return units


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_export_has_the_lists_rows_in_name_order_with_their_years(client, auth, registry):
    auth.login("thuky")
    rows = _csv(client.get("/registry/initiatives/export.csv"))
    assert rows[0][:2] == ["Mã", "Tên mô hình"]
    names = [r[1] for r in rows[1:]]
    assert names == [
        "Mô hình Ánh sáng",
        "Mô hình Bếp ăn",
        "Mô hình Cầu nông thôn",
        "Mô hình chưa công nhận",
        "Mô hình Đường hoa",
    ]  # Vietnamese order: A < Ă < Â, C < D < Đ
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Mô hình Bếp ăn"][6] == "2023: Tiêu biểu"
    assert by_name["Mô hình Bếp ăn"][2] == "Xã Hai Một"


def test_an_officer_exports_only_the_scope(client, auth, registry):
    auth.login("canbo")
    book = load_workbook(io.BytesIO(client.get("/registry/initiatives/export.xlsx").data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert {r[2] for r in rows[1:]} == {"Xã Một Một"}
    assert len(rows) == 4  # header + three initiatives of C11
    assert isinstance(rows[1][0], int)  # numbers stay numbers
    assert {r[5] for r in rows[1:]} == {2023, 2024}


def test_the_cap_is_said_in_the_file_and_the_header(client, auth, registry, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    auth.login("thuky")
    response = client.get("/registry/initiatives/export.xlsx")
    assert response.headers["X-Export-Truncated"] == "2"
    book = load_workbook(io.BytesIO(response.data))
    assert len(list(book.worksheets[0].iter_rows())) == 3
    assert "2 dòng đầu tiên" in book["Ghi chú"]["A2"].value
    rows = _csv(client.get("/registry/initiatives/export.csv"))
    assert len(rows) == 4 and "2 dòng đầu tiên" in rows[-1][0]


def test_an_unchanged_export_is_served_again_and_304_to_who_has_it(client, auth, registry, app):
    auth.login("thuky")
    first = client.get("/registry/initiatives/export.csv?year=2023")
    etag = first.headers["ETag"]
    # Signed in: never stored by the browser or a proxy (main/headers.py); the server
    # keeps the file and still answers a client that sends its ETag.
    assert first.headers["Cache-Control"] == "no-store"
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    again = client.get("/registry/initiatives/export.csv?year=2023")
    assert again.headers["ETag"] == etag and again.data == first.data
    # Served from disk: the rows were not read again.
    assert not any("initiative_years" in s and "IN" in s for s in statements)
    unchanged = client.get(
        "/registry/initiatives/export.csv?year=2023", headers={"If-None-Match": etag}
    )
    assert unchanged.status_code == 304 and not unchanged.data
    # Another filter is another file.
    assert client.get("/registry/initiatives/export.csv").headers["ETag"] != etag


def test_a_change_to_the_data_gives_a_new_file(client, auth, registry):
    auth.login("thuky")
    first = client.get("/registry/initiatives/export.csv")
    make_initiative(registry["c12"], "Mô hình mới thêm")
    db.session.commit()
    second = client.get(
        "/registry/initiatives/export.csv", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert second.status_code == 200
    assert "Mô hình mới thêm" in second.get_data(as_text=True)
    assert second.headers["ETag"] != first.headers["ETag"]


def test_the_gallery_export_is_public_cached_and_shows_public_rows_only(client, registry):
    response = client.get("/public/export.csv")
    rows = _csv(response)
    assert response.headers["Cache-Control"] == "public, no-cache"
    names = [r[1] for r in rows[1:]]
    assert "Mô hình chưa công nhận" not in names and len(names) == 4
    assert rows[0] == [
        "Mã",
        "Tên mô hình",
        "Đơn vị",
        "Lĩnh vực",
        "Lĩnh vực trọng tâm",
        "Năm được công nhận",
    ]


def test_the_gallery_export_is_limited_per_address(client, registry):
    statuses = [client.get("/public/export.csv").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/public/export.xlsx")
    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # Another address has its own allowance.
    other = client.get("/public/export.csv", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
