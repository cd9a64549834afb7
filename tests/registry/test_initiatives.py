"""Initiatives: registration form, access by unit, editing with optimistic locking,
yearly evaluation, carrying over, lists (scope, filters, Vietnamese search and order,
paging cost) and exports."""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from dankheo.extensions import db
from dankheo.models import AuditEvent, Field, Initiative, InitiativeYear, YearStatus
from dankheo.registry import services
from tests.factories import make_initiative


def _field_id(name="Kinh tế") -> int:
    return db.session.scalar(sa.select(Field.id).where(Field.name == name))


def _form(unit, **overrides) -> dict:
    data = {
        "unit_id": unit.id,
        "name": "Mô hình “Tuyến đường hoa nông thôn mới” ở ấp Bình Hòa",
        "field_id": _field_id(),
        "year": 2024,
        "problem": "Đường ấp nhiều rác",
        "goals": "Xanh – sạch – đẹp",
        "content_methods": "Vận động từng hộ",
        "area_beneficiaries": "Ấp Bình Hòa",
        "implementers": "Chi hội Phụ nữ",
        "funding_vnd": "15000000",
        "socialised_vnd": "30000000",
        "labour_days": "200",
        "in_kind": "Cây giống",
        "land_m2": "50",
        "started_on": "2024-03-01",
        "evaluation_on": "2024-11-30",
        "outputs": "2 km đường hoa",
        "sustainability": "Duy trì hằng tuần",
        "replicated_from_id": "",
    }
    data.update(overrides)
    return data


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/registry/initiatives", "/registry/initiatives/new", "/registry/initiatives/1"]
)
def test_anonymous_is_sent_to_login(client, units, url):
    make_initiative(units["c11"])
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_reviewer_cannot_open_the_registry(client, auth, users):
    auth.login("hoidong")
    assert client.get("/registry/initiatives").status_code == 403
    assert client.get("/registry/initiatives/new").status_code == 403


def test_officer_cannot_view_or_edit_another_communes_draft(client, auth, users, units):
    other = make_initiative(units["c21"], "Mô hình của xã khác", status=YearStatus.REGISTERED)
    db.session.commit()
    auth.login("canbo.c11")
    assert client.get(f"/registry/initiatives/{other.id}").status_code == 403
    assert client.get(f"/registry/initiatives/{other.id}/edit").status_code == 403
    response = client.post(f"/registry/initiatives/{other.id}/edit", data=_form(units["c11"]))
    assert response.status_code == 403
    assert client.post(f"/registry/initiatives/{other.id}/carry-over").status_code == 403
    db.session.expire_all()
    assert db.session.get(Initiative, other.id).name == "Mô hình của xã khác"


def test_officer_list_never_shows_other_communes(client, auth, users, units):
    make_initiative(units["c11"], "Mô hình xã mình")
    make_initiative(units["c21"], "Mô hình xã bạn", status=YearStatus.REGISTERED)
    db.session.commit()
    auth.login("canbo.c11")
    html = client.get("/registry/initiatives").get_data(as_text=True)
    assert "Mô hình xã mình" in html
    assert "Mô hình xã bạn" not in html
    export = client.get("/registry/initiatives/export.csv").get_data().decode("utf-8-sig")
    assert "Mô hình xã bạn" not in export


def test_missing_initiative_is_404(client, auth, users):
    auth.login("canbo.c11")
    assert client.get("/registry/initiatives/999").status_code == 404


def test_district_officer_sees_its_communes_and_detail(client, auth, users, units):
    item = make_initiative(units["c12"], "Mô hình xã Một Hai")
    db.session.commit()
    auth.login("canbo.d1")
    html = client.get(f"/registry/initiatives/{item.id}").get_data(as_text=True)
    assert "Mô hình xã Một Hai" in html and "Xã Một Hai" in html


# --- registration form ------------------------------------------------------------------


def test_officer_registers_an_initiative(client, auth, users, units):
    auth.login("canbo.c11")
    response = client.post("/registry/initiatives/new", data=_form(units["c11"]))
    assert response.status_code == 302
    item = db.session.scalar(sa.select(Initiative))
    assert item.unit_id == units["c11"].id
    assert item.funding_vnd == 15_000_000 and item.land_m2 == 50
    assert [(r.year, r.status) for r in item.years] == [(2024, YearStatus.REGISTERED)]
    assert item.years[0].unit_id == units["c11"].id
    assert item.search_text == "mo hinh “tuyen duong hoa nong thon moi” o ap binh hoa xa mot mot"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tuyến đường hoa nông thôn mới" in page and "15.000.000" in page
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "initiative.create")
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Vui lòng nhập trường này."),
        ({"field_id": ""}, "Vui lòng chọn một giá trị."),
        ({"funding_vnd": "-5"}, "Giá trị phải từ 0"),
        ({"year": "1990"}, "Giá trị phải từ 2000 đến 2100."),
        ({"evaluation_on": "2024-01-01"}, "Ngày đánh giá phải sau ngày bắt đầu."),
    ],
)
def test_bad_registration_input_shows_message_and_saves_nothing(
    client, auth, users, units, overrides, message
):
    auth.login("canbo.c11")
    response = client.post("/registry/initiatives/new", data=_form(units["c11"], **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Initiative.id))) == 0


def test_officer_cannot_register_for_another_commune(client, auth, users, units):
    auth.login("canbo.c11")
    response = client.post("/registry/initiatives/new", data=_form(units["c21"]))
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Initiative.id))) == 0


def test_edit_keeps_years_in_sync_with_unit_and_field(client, auth, users, units):
    item = make_initiative(units["c11"], "Mô hình cũ")
    db.session.commit()
    auth.login("canbo.d1")
    form = _form(units["c12"], name="Mô hình mới tên", field_id=_field_id("Văn hóa – xã hội"))
    form["version"] = item.version
    response = client.post(f"/registry/initiatives/{item.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(Initiative, item.id)
    assert item.name == "Mô hình mới tên" and item.sort_key
    assert all(
        r.unit_id == units["c12"].id and r.field_id == _field_id("Văn hóa – xã hội")
        for r in item.years
    )


def test_stale_edit_shows_a_clear_message_and_saves_nothing(client, auth, users, units):
    item = make_initiative(units["c11"], "Tên ban đầu")
    db.session.commit()
    stale_version = item.version
    services.update_initiative(
        None,
        item,
        expected_version=item.version,
        unit=item.unit,
        field=item.field,
        values={"name": "Người khác đã sửa"},
    )
    db.session.commit()
    auth.login("canbo.c11")
    form = _form(units["c11"], name="Bản sửa của tôi")
    form["version"] = stale_version
    response = client.post(f"/registry/initiatives/{item.id}/edit", data=form)
    assert response.status_code == 409
    assert "đã được người khác cập nhật" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Initiative, item.id).name == "Người khác đã sửa"


# --- years ------------------------------------------------------------------------------


def test_carrying_into_a_new_year_keeps_earlier_years(client, auth, users, units):
    item = make_initiative(units["c11"], year=2022, status=YearStatus.OUTSTANDING)
    db.session.commit()
    auth.login("canbo.c11")
    assert client.post(f"/registry/initiatives/{item.id}/carry-over").status_code == 302
    assert client.post(f"/registry/initiatives/{item.id}/carry-over").status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(InitiativeYear)
        .where(InitiativeYear.initiative_id == item.id)
        .order_by(InitiativeYear.year)
    ).all()
    assert [(r.year, r.status) for r in rows] == [
        (2022, YearStatus.OUTSTANDING),
        (2023, YearStatus.REGISTERED),
        (2024, YearStatus.REGISTERED),
    ]
    assert all(r.unit_id == units["c11"].id for r in rows)


def test_dropped_initiative_cannot_be_carried_over(client, auth, users, units):
    item = make_initiative(units["c11"], year=2023, status=YearStatus.DROPPED)
    db.session.commit()
    auth.login("canbo.c11")
    response = client.post(f"/registry/initiatives/{item.id}/carry-over", follow_redirects=True)
    assert "đã dừng thực hiện năm 2023" in response.get_data(as_text=True)
    assert len(db.session.get(Initiative, item.id).years) == 1


def test_only_a_secretary_above_may_evaluate_a_year(client, auth, users, units):
    item = make_initiative(units["c11"], year=2024, status=YearStatus.REGISTERED)
    db.session.commit()
    url = f"/registry/initiatives/{item.id}/years/2024/evaluate"
    auth.login("canbo.c11")
    assert client.post(url, data={"status": "outstanding"}).status_code == 403
    # The officer reports the year first (tests/registry/test_year_report.py has the rest).
    client.post(
        f"/registry/initiatives/{item.id}/years/2024",
        data={"households": "120", "report_text": "Vận động 120 hộ tham gia làm đường."},
    )
    auth.logout()
    auth.login("thuky")
    assert client.post(url, data={"status": "outstanding", "note": "Tốt"}).status_code == 302
    db.session.expire_all()
    row = db.session.get(Initiative, item.id).years[0]
    assert row.status == YearStatus.OUTSTANDING and row.note == "Tốt"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "initiative.evaluate")
    )
    assert (event.from_state, event.to_state) == ("registered", "outstanding")


# --- lists ------------------------------------------------------------------------------


def _names(html: str, names) -> list[str]:
    """The given names in the order they appear in ``html``."""
    return sorted((n for n in names if n in html), key=html.index)


def test_list_search_ignores_diacritics_and_case(client, auth, users, units):
    make_initiative(units["c11"], "Tuyến đường hoa")
    make_initiative(units["c11"], "Dân vận khéo ở ấp")
    make_initiative(units["c11"], "Camera an ninh")
    db.session.commit()
    auth.login("canbo.c11")
    for query, expected in [
        ("duong", "Tuyến đường hoa"),
        ("DÂN VẬN", "Dân vận khéo ở ấp"),
        ("dan van kheo", "Dân vận khéo ở ấp"),
    ]:
        html = client.get("/registry/initiatives", query_string={"q": query}).get_data(as_text=True)
        assert expected in html
        assert "Camera an ninh" not in html


def test_list_sorts_in_vietnamese_order(client, auth, users, units):
    names = ["Đường làng", "Dũng cảm", "Ăn ở", "An toàn", "Bé ngoan", "Âm nhạc"]
    for name in names:
        make_initiative(units["c11"], name)
    db.session.commit()
    auth.login("canbo.c11")
    html = client.get("/registry/initiatives").get_data(as_text=True)
    assert _names(html, names) == [
        "An toàn",
        "Ăn ở",
        "Âm nhạc",
        "Bé ngoan",
        "Dũng cảm",
        "Đường làng",
    ]
    html = client.get("/registry/initiatives?sort=name&dir=desc").get_data(as_text=True)
    assert _names(html, names)[0] == "Đường làng"


def test_list_filters_by_year_status_field_and_unit_subtree(client, auth, users, units):
    make_initiative(units["c11"], "Mô hình A 2023", year=2023)
    make_initiative(units["c12"], "Mô hình B 2024", year=2024, status=YearStatus.OUTSTANDING)
    make_initiative(
        units["c21"],
        "Mô hình C 2024",
        year=2024,
        field=db.session.get(Field, _field_id("Quốc phòng – an ninh")),
    )
    db.session.commit()
    auth.login("thuky")
    names = ["Mô hình A 2023", "Mô hình B 2024", "Mô hình C 2024"]

    def shown(**args):
        html = client.get("/registry/initiatives", query_string=args).get_data(as_text=True)
        return _names(html, names)

    assert shown(year=2024) == ["Mô hình B 2024", "Mô hình C 2024"]
    assert shown(status="outstanding") == ["Mô hình B 2024"]
    assert shown(field=_field_id("Quốc phòng – an ninh")) == ["Mô hình C 2024"]
    assert shown(unit=units["d1"].id) == ["Mô hình A 2023", "Mô hình B 2024"]
    assert shown(year="abc") == names  # a bad filter is ignored, never a 500


def _bulk_initiatives(units, count: int, start: int = 0) -> None:
    from dankheo.vietnamese import fold, sort_key

    field = db.session.get(Field, _field_id())
    items = []
    for n in range(start, start + count):
        unit = units["c11"] if n % 2 else units["c12"]
        name = f"Mô hình {n:04d}"
        item = Initiative(
            unit=unit,
            field=field,
            name=name,
            first_year=2023,
            search_text=fold(name),
            sort_key=sort_key(name),
        )
        for year in (2023, 2024):
            item.years.append(
                InitiativeYear(
                    year=year, status=YearStatus.RECOGNISED, unit_id=unit.id, field_id=field.id
                )
            )
        items.append(item)
    db.session.add_all(items)
    db.session.commit()


def test_a_page_costs_the_same_queries_with_10_or_500_rows(
    client, auth, users, units, count_queries
):
    auth.login("canbo.d1")
    counts, loaded = {}, 0
    for total in (10, 500):
        _bulk_initiatives(units, total - loaded, start=loaded)
        loaded = total
        with count_queries() as cold:
            client.get("/registry/initiatives")
        assert cold.count <= 15  # the structure's choices computed once per version
        with count_queries() as q:
            response = client.get("/registry/initiatives")
        assert response.status_code == 200
        assert "Mô hình 0000" in response.get_data(as_text=True)
        counts[total] = q.count
    # The user and session, the data versions (the reach through successions, the
    # scope's share and the filter's units are kept per structure version), the count,
    # the page, its years, priority areas, the filter bar's fields and priority areas,
    # the bell: the same for 10 and 500 rows.
    assert counts[10] == counts[500] <= 11, counts


# --- exports ----------------------------------------------------------------------------


def test_xlsx_export_reopens_with_the_rows_of_the_filtered_page(client, auth, users, units):
    for name in ["Đường hoa", "Lò gạch", "Camera an ninh", "Ánh sáng đường quê"]:
        make_initiative(units["c11"], name)
    db.session.commit()
    auth.login("canbo.c11")
    page = client.get("/registry/initiatives?q=duong").get_data(as_text=True)
    response = client.get("/registry/initiatives/export.xlsx?q=duong")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Tên mô hình"
    exported = [r[1] for r in rows[1:]]
    assert exported == ["Ánh sáng đường quê", "Đường hoa"]
    assert _names(page, ["Đường hoa", "Ánh sáng đường quê", "Lò gạch"]) == exported


def test_csv_export_is_utf8_with_bom(client, auth, users, units):
    make_initiative(units["c11"], "=Tuyến đường hoa")
    db.session.commit()
    auth.login("canbo.c11")
    response = client.get("/registry/initiatives/export.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][1] == "Tên mô hình"
    assert rows[1][1] == "'=Tuyến đường hoa"  # never a formula in a spreadsheet
