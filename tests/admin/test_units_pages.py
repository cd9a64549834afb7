"""Admin unit pages: access, the searchable tree, create, edit, close, successions."""

from datetime import date

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import AuditEvent, SuccessionKind, Unit, UnitSuccession
from tests.factories import make_unit

UNIT_PAGES = [
    "/admin/",
    "/admin/units",
    "/admin/units/new",
    "/admin/units/import",
    "/admin/units/template.xlsx",
]


def _unit(code: str) -> Unit:
    db.session.expire_all()
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


@pytest.mark.parametrize("url", UNIT_PAGES)
def test_anonymous_is_sent_to_sign_in(client, units, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("url", UNIT_PAGES)
def test_officer_is_refused(auth, client, officer, url):
    auth.login("canbo")
    assert client.get(url).status_code == 403


def test_officer_is_refused_on_a_unit_page_and_its_forms(auth, client, officer, units):
    auth.login("canbo")
    unit_id = units["c11"].id
    for url in ("", "/edit", "/close", "/succession"):
        assert client.get(f"/admin/units/{unit_id}{url}").status_code == 403
    response = client.post(f"/admin/units/{unit_id}/close", data={"day": "2025-06-30"})
    assert response.status_code == 403
    assert _unit("C11").valid_to is None


def test_admin_sees_the_tree_with_indentation(as_admin, units):
    html = as_admin.get("/admin/units").get_data(as_text=True)
    assert "Cây đơn vị" in html
    assert "Tỉnh Thử Nghiệm" in html and "Xã Một Một" in html
    assert 'class="tree-indent-2"' in html  # communes sit two levels under the province
    assert html.index("Huyện Một") < html.index("Xã Một Một") < html.index("Huyện Hai")


def test_unknown_unit_is_404(as_admin, units):
    assert as_admin.get("/admin/units/99999").status_code == 404


def test_tree_search_ignores_accents(as_admin, units):
    html = as_admin.get("/admin/units?q=xa mot hai").get_data(as_text=True)
    assert "Xã Một Hai" in html
    assert "Xã Hai Một" not in html
    assert "thuộc Huyện Một" in html  # search results say where each unit sits


def test_tree_filters_closed_units(as_admin, units):
    make_unit("Xã Đã Giải Thể", units["d1"], code="OLD", valid_to=date(2020, 1, 1))
    db.session.commit()
    assert "Xã Đã Giải Thể" not in as_admin.get("/admin/units").get_data(as_text=True)
    closed = as_admin.get("/admin/units?status=closed").get_data(as_text=True)
    assert "Xã Đã Giải Thể" in closed and "Xã Một Một" not in closed


def test_tree_under_a_root_shows_only_its_subtree(as_admin, units):
    html = as_admin.get(f"/admin/units?root={units['d2'].id}").get_data(as_text=True)
    assert "Xã Hai Một" in html and "Xã Một Một" not in html


def test_tree_is_paginated(as_admin, app, units):
    app.config["PER_PAGE"] = 3
    html = as_admin.get("/admin/units?page=2").get_data(as_text=True)
    assert "Trang 2/3" in html


def test_empty_search_shows_empty_state(as_admin, units):
    html = as_admin.get("/admin/units?q=khongcodonvinay").get_data(as_text=True)
    assert "Không có đơn vị nào khớp với bộ lọc." in html


def test_create_unit_under_a_parent(as_admin, units):
    response = as_admin.post(
        "/admin/units/new",
        data={
            "code": "c13",
            "name": " Xã Một Ba ",
            "kind": "commune",
            "parent_code": "d1",
            "valid_from": "2021-01-01",
        },
    )
    assert response.status_code == 302
    unit = _unit("C13")
    assert unit.name == "Xã Một Ba"
    assert unit.parent_id == units["d1"].id
    assert unit.path.startswith(units["d1"].path)
    assert unit.search_text == "c13 xa mot ba"
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "unit.create", AuditEvent.object_id == unit.id
        )
    )
    assert event.actor.username == "quantri"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "", "name": "X", "kind": "commune"}, "Vui lòng nhập trường này."),
        ({"code": "C 1", "name": "X", "kind": "commune"}, "Mã đơn vị chỉ gồm"),
        ({"code": "NEW", "name": "", "kind": "commune"}, "Vui lòng nhập trường này."),
        ({"code": "NEW", "name": "X", "kind": ""}, "Vui lòng chọn một giá trị."),
        (
            {"code": "NEW", "name": "X", "kind": "castle"},
            ("Giá trị đã chọn không hợp lệ.", "Not a valid choice"),
        ),
        ({"code": "NEW", "name": "X" * 201, "kind": "commune"}, "Không quá 200 ký tự."),
        ({"code": "NEW", "name": "X", "kind": "commune", "parent_code": "NOPE"}, "Không tìm thấy"),
        ({"code": "C11", "name": "X", "kind": "commune"}, "Mã đơn vị “C11” đã tồn tại."),
        (
            {"code": "NEW", "name": "X", "kind": "commune", "valid_from": "31/12/2025"},
            None,
        ),
        (
            {
                "code": "NEW",
                "name": "X",
                "kind": "commune",
                "valid_from": "2025-01-02",
                "valid_to": "2025-01-01",
            },
            "Ngày kết thúc phải sau",
        ),
        ({"code": "NEW", "name": "X", "kind": "commune", "valid_from": "2025-02-30"}, "Ngày không"),
    ],
)
def test_create_unit_rejects_bad_input(as_admin, units, data, message):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Unit))
    response = as_admin.post("/admin/units/new", data=data)
    if message is None:  # dd/mm/yyyy is accepted too
        assert response.status_code == 302
        return
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert any(m in html for m in ((message,) if isinstance(message, str) else message))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == before


def test_edit_unit_moves_its_subtree(as_admin, units):
    response = as_admin.post(
        f"/admin/units/{units['d1'].id}/edit",
        data={"code": "D1", "name": "Thị xã Một", "kind": "district", "parent_code": "BDV"},
    )
    assert response.status_code == 302
    d1, commune, agency = _unit("D1"), _unit("C11"), _unit("BDV")
    assert d1.name == "Thị xã Một"
    assert commune.path.startswith(agency.path) and commune.depth == 3


def test_edit_unit_refuses_a_cycle(as_admin, units):
    html = as_admin.post(
        f"/admin/units/{units['d1'].id}/edit",
        data={"code": "D1", "name": "Huyện Một", "kind": "district", "parent_code": "C11"},
    ).get_data(as_text=True)
    assert "Không thể chọn đơn vị cấp trên là chính nó" in html
    assert _unit("D1").parent_id == units["province"].id


def test_close_unit_asks_for_confirmation_and_closes(as_admin, units):
    page = as_admin.get(f"/admin/units/{units['c12'].id}/close").get_data(as_text=True)
    assert "data-confirm=" in page and "Ngừng hoạt động" in page
    response = as_admin.post(f"/admin/units/{units['c12'].id}/close", data={"day": "2025-06-30"})
    assert response.status_code == 302
    assert _unit("C12").valid_to == date(2025, 6, 30)
    again = as_admin.post(f"/admin/units/{units['c12'].id}/close", data={"day": "2025-07-30"})
    assert "đã ngừng hoạt động từ 30/06/2025" in again.get_data(as_text=True)


def test_close_unit_requires_a_date(as_admin, units):
    html = as_admin.post(f"/admin/units/{units['c12'].id}/close", data={"day": ""}).get_data(
        as_text=True
    )
    assert "Vui lòng nhập ngày." in html
    assert _unit("C12").valid_to is None


def test_record_merge_of_several_predecessors(as_admin, units):
    make_unit("Xã Một Mới", units["province"], code="M1", valid_from=date(2025, 7, 1))
    db.session.commit()
    response = as_admin.post(
        f"/admin/units/{units['c11'].id}/succession",
        data={
            "kind": "merge",
            "predecessors": "C11, c12",
            "successors": "M1",
            "effective_on": "2025-07-01",
            "note": "Nghị quyết sáp nhập",
            "close_predecessors": "y",
        },
    )
    assert response.status_code == 302
    rows = db.session.scalars(sa.select(UnitSuccession)).all()
    assert {(r.predecessor.code, r.successor.code) for r in rows} == {("C11", "M1"), ("C12", "M1")}
    assert all(r.kind == SuccessionKind.MERGE for r in rows)
    assert _unit("C11").valid_to == date(2025, 6, 30)
    page = as_admin.get(f"/admin/units/{_unit('M1').id}").get_data(as_text=True)
    assert "Sáp nhập" in page and "Xã Một Một" in page and "Xã Một Hai" in page
    assert "01/07/2025" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "merge", "predecessors": "C11", "successors": "C21, C22"}, "đúng một đơn vị kế"),
        (
            {"kind": "split", "predecessors": "C11, C12", "successors": "C21"},
            "đúng một đơn vị tiền",
        ),
        ({"kind": "merge", "predecessors": "C11", "successors": "C11"}, "vừa là tiền thân"),
        ({"kind": "merge", "predecessors": "C11", "successors": "ZZZ"}, "Không tìm thấy đơn vị"),
        ({"kind": "merge", "predecessors": "C11", "successors": ""}, "Vui lòng nhập trường này."),
        (
            {"kind": "merge", "predecessors": "C11", "successors": "C21", "effective_on": ""},
            "Vui lòng nhập ngày.",
        ),
    ],
)
def test_succession_rejects_bad_input(as_admin, units, data, message):
    data = {"effective_on": "2025-07-01", **data}
    html = as_admin.post(f"/admin/units/{units['c11'].id}/succession", data=data).get_data(
        as_text=True
    )
    assert message in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitSuccession)) == 0
    assert _unit("C11").valid_to is None


def test_template_is_a_real_xlsx_with_the_columns(as_admin, units):
    import io

    from openpyxl import load_workbook

    response = as_admin.get("/admin/units/template.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in ws[1]] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại đơn vị",
        "Mã đơn vị cấp trên",
        "Hiệu lực từ ngày",
        "Hiệu lực đến ngày",
    ]


def test_tree_page_costs_a_bounded_number_of_queries(as_admin, units, count_queries):
    for i in range(40):
        make_unit(f"Ấp {i}", units["c11"], code=f"A{i}")
    db.session.commit()
    as_admin.get("/admin/units")  # warm up the session's user
    with count_queries() as q:
        html = as_admin.get("/admin/units?q=ap").get_data(as_text=True)
    assert "Ấp 39" in html and "thuộc Xã Một Một" in html
    assert q.count <= 6


def test_close_unit_before_it_started_is_refused(as_admin, units):
    started = make_unit("Xã Mới Lập", units["d1"], code="MOI", valid_from=date(2025, 7, 1))
    db.session.commit()
    html = as_admin.post(f"/admin/units/{started.id}/close", data={"day": "2025-01-01"}).get_data(
        as_text=True
    )
    assert "Ngày ngừng hoạt động phải sau ngày bắt đầu hiệu lực." in html
    assert _unit("MOI").valid_to is None
