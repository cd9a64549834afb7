"""The audit page: who did what, filters, scoping for secretaries, exports, read-only."""

import csv
import io
from datetime import datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from dankheo import audit
from dankheo.extensions import db
from dankheo.models import AuditEvent, Role
from tests.factories import make_user


@pytest.fixture
def events(units, admin, officer):
    """Two nomination transitions (one in D1's subtree, one in D2's) and a unit edit."""

    class Obj:
        def __init__(self, id_):
            self.id = id_

    class Nomination(Obj):
        pass

    rows = [
        audit.record(
            officer,
            "nomination.submit",
            Nomination(41),
            unit_id=units["c11"].id,
            from_state="draft",
            to_state="submitted",
            note="Gửi lần đầu",
        ),
        audit.record(
            admin,
            "nomination.return",
            Nomination(42),
            unit_id=units["c21"].id,
            from_state="submitted",
            to_state="returned",
            note="Thiếu minh chứng",
        ),
        audit.record(admin, "unit.update", units["agency"], unit_id=units["agency"].id),
    ]
    db.session.flush()
    rows[0].at = datetime(2024, 3, 1, 8, 0)
    rows[1].at = datetime(2024, 5, 1, 9, 30)
    db.session.commit()
    return rows


def test_anonymous_is_sent_to_sign_in(client, units):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_officer_is_refused(auth, client, officer):
    auth.login("canbo")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403


def test_admin_sees_who_did_what_with_states_and_notes(as_admin, events):
    html = as_admin.get("/admin/audit").get_data(as_text=True)
    assert "Nhật ký hoạt động" in html
    assert "Gửi hồ sơ" in html and "Trả lại hồ sơ" in html
    assert "Nháp → Đã gửi" in html
    assert "Thiếu minh chứng" in html and "Cán Bộ Xã" in html
    assert "Hồ sơ đề nghị #41" in html
    assert "01/03/2024" in html


def test_secretary_sees_only_its_subtree(auth, client, secretary, events):
    auth.login("thuky")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Gửi lần đầu" in html  # c11 is under d1
    assert "Thiếu minh chứng" not in html  # c21 is under d2
    assert "Sửa đơn vị" not in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("person=canbo", "Gửi lần đầu", "Thiếu minh chứng"),
        ("person=quản trị", "Thiếu minh chứng", "Gửi lần đầu"),
        ("unit_code=d2", "Thiếu minh chứng", "Gửi lần đầu"),
        ("unit_code=P", "Thiếu minh chứng", "khong-co"),
        ("object_type=nomination&object_id=41", "Gửi lần đầu", "Thiếu minh chứng"),
        ("object_type=unit", "Sửa đơn vị", "Gửi lần đầu"),
        ("date_from=2024-04-01&date_to=2024-05-01", "Thiếu minh chứng", "Gửi lần đầu"),
        ("date_to=2024-03-01", "Gửi lần đầu", "Thiếu minh chứng"),
    ],
)
def test_filters(as_admin, events, query, shown, hidden):
    html = as_admin.get(f"/admin/audit?{query}").get_data(as_text=True)
    assert shown in html
    assert hidden not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("object_id=abc", "Vui lòng nhập một số nguyên dương."),
        ("object_id=99999999999", "Không quá 9 ký tự."),
        ("date_from=2024-13-01", "Ngày không hợp lệ"),
        ("date_from=2024-05-01&date_to=2024-04-01", "“Đến ngày” phải sau"),
        ("unit_code=NOPE", "Không tìm thấy đơn vị có mã “NOPE”."),
    ],
)
def test_bad_filters_get_a_message(as_admin, events, query, message):
    html = as_admin.get(f"/admin/audit?{query}").get_data(as_text=True)
    assert message in html
    assert "Gửi lần đầu" not in html


def test_csv_export_has_bom_and_follows_the_filter(as_admin, events):
    response = as_admin.get("/admin/audit/export.csv?unit_code=D1&object_type=nomination")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Thời điểm" and rows[0][3] == "Thao tác"
    assert len(rows) == 2
    assert rows[1][3] == "Gửi hồ sơ" and rows[1][8:11] == ["Nháp", "Đã gửi", "Gửi lần đầu"]


def test_xlsx_export(as_admin, events):
    response = as_admin.get("/admin/audit/export.xlsx?object_type=nomination")
    ws = load_workbook(io.BytesIO(response.data)).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][1] == "Người thực hiện"
    assert [row[4] for row in values[1:]] == ["nomination.return", "nomination.submit"]


def test_secretary_export_is_scoped(auth, client, secretary, events):
    auth.login("thuky")
    text = client.get("/admin/audit/export.csv").data.decode("utf-8-sig")
    assert "Gửi lần đầu" in text and "Thiếu minh chứng" not in text


def test_export_neutralises_formulas(as_admin, events, officer):
    audit.record(officer, "nomination.submit", officer, note="=HYPERLINK(1)")
    db.session.commit()
    text = as_admin.get("/admin/audit/export.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_no_route_edits_or_deletes_audit_rows(app, as_admin, events):
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert {r.endpoint for r in audit_rules} == {"admin.audit", "admin.audit_export"}
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)
    for method in ("post", "put", "delete"):
        assert getattr(as_admin, method)("/admin/audit").status_code == 405
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) >= 3


def test_secretary_sees_the_audit_in_navigation(auth, client, units):
    make_user("tk2", (Role.SECRETARY, units["province"]))
    auth.login("tk2")
    assert "/admin/audit" in client.get("/").get_data(as_text=True)
