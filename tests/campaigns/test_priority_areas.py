"""The directive's priority areas (lĩnh vực trọng tâm): a configurable second
classification beside the fields, four by default, several per initiative or exemplar —
on the registration forms, as a list filter and an export column, in the statistics and
in the API; and the campaign's own indicators, kept on the campaign page."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from dankheo.campaigns.services import DEFAULT_PRIORITY_AREAS, ensure_default_priority_areas
from dankheo.extensions import db
from dankheo.models import (
    AuditEvent,
    CampaignIndicator,
    Exemplar,
    IndicatorValue,
    Initiative,
    PriorityArea,
    YearStatus,
)
from dankheo.reports.queries import Period, compute_statistics
from dankheo.reports.rollup import RollUp
from tests.factories import make_campaign, make_initiative


@pytest.fixture
def areas(units):
    found = ensure_default_priority_areas()
    db.session.commit()
    return {a.name: a for a in found}


def test_the_four_defaults_are_seeded_once(app, areas):
    ensure_default_priority_areas()
    names = db.session.scalars(sa.select(PriorityArea.name).order_by(PriorityArea.position))
    assert names.all() == list(DEFAULT_PRIORITY_AREAS)


def test_admins_add_an_area_and_a_duplicate_is_refused(client, auth, users, areas):
    auth.login("quantri")
    response = client.post(
        "/registry/priority-areas/new",
        data={"name": "Cải cách hành chính", "position": "5", "active": "y"},
    )
    assert response.status_code == 302
    assert "Cải cách hành chính" in client.get("/registry/priority-areas").get_data(as_text=True)
    html = client.post(
        "/registry/priority-areas/new", data={"name": "An sinh xã hội", "position": "1"}
    ).get_data(as_text=True)
    assert "Lĩnh vực trọng tâm “An sinh xã hội” đã có." in html
    assert db.session.scalar(sa.select(sa.func.count(PriorityArea.id))) == 5


def test_an_initiative_carries_several_areas_from_its_form(client, auth, users, units, areas):
    auth.login("canbo.c11")
    page = client.get("/registry/initiatives/new").get_data(as_text=True)
    assert "Lĩnh vực trọng tâm theo Chỉ thị" in page and 'type="checkbox"' in page
    land, social = areas["Dự án có thu hồi đất"], areas["An sinh xã hội"]
    response = client.post(
        "/registry/initiatives/new",
        data={
            "unit_id": str(units["c11"].id),
            "field_id": "1",
            "year": "2024",
            "name": "Mô hình “Vận động giao đất làm đường”",
            "priority_area_ids": [str(land.id), str(social.id)],
        },
    )
    assert response.status_code == 302
    item = db.session.scalar(sa.select(Initiative))
    assert {a.name for a in item.priority_areas} == {land.name, social.name}
    html = client.get(f"/registry/initiatives/{item.id}").get_data(as_text=True)
    assert "Dự án có thu hồi đất" in html and "An sinh xã hội" in html
    # An area that is not offered is refused.
    response = client.post(
        f"/registry/initiatives/{item.id}/edit",
        data={
            "unit_id": str(units["c11"].id),
            "field_id": "1",
            "name": item.name,
            "version": str(item.version),
            "priority_area_ids": ["999"],
        },
    )
    assert "Giá trị đã chọn không hợp lệ." in response.get_data(as_text=True)


def test_an_exemplar_carries_areas_too(client, auth, users, units, areas):
    auth.login("canbo.c11")
    area = areas["Đô thị văn minh"]
    response = client.post(
        "/registry/exemplars/new",
        data={
            "kind": "individual",
            "name": "Trần Thị Lan",
            "unit_id": str(units["c11"].id),
            "year": "2024",
            "priority_area_ids": [str(area.id)],
        },
    )
    assert response.status_code == 302
    exemplar = db.session.scalar(sa.select(Exemplar))
    assert [a.name for a in exemplar.priority_areas] == ["Đô thị văn minh"]
    html = client.get(f"/registry/exemplars?area={area.id}").get_data(as_text=True)
    assert "Trần Thị Lan" in html


def _tagged(units, areas):
    road = make_initiative(units["c11"], "Mô hình “Đường giao thông nông thôn”")
    road.priority_areas = [areas["Xây dựng nông thôn mới"], areas["Dự án có thu hồi đất"]]
    make_initiative(units["c12"], "Mô hình “Camera an ninh”")
    db.session.commit()
    return road


def test_lists_filter_by_area_and_exports_name_the_areas(client, auth, users, units, areas):
    _tagged(units, areas)
    auth.login("thuky")
    area = areas["Xây dựng nông thôn mới"]
    html = client.get(f"/registry/initiatives?area={area.id}").get_data(as_text=True)
    assert "Đường giao thông nông thôn" in html and "Camera an ninh" not in html
    assert f'<option value="{area.id}" selected>' in html
    response = client.get(f"/registry/initiatives/export.xlsx?area={area.id}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in sheet[1]]
    column = headers.index("Lĩnh vực trọng tâm")
    values = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert values == ["Dự án có thu hồi đất; Xây dựng nông thôn mới"]
    # A malformed filter is ignored by the page (the API answers 400 instead).
    html = client.get("/registry/initiatives?area=x").get_data(as_text=True)
    assert "Đường giao thông nông thôn" in html and "Camera an ninh" in html


def test_the_api_filters_by_area_and_names_the_areas(client, units, areas):
    road = _tagged(units, areas)
    area = areas["Dự án có thu hồi đất"]
    body = client.get(f"/api/v1/initiatives?area={area.id}").get_json()
    assert [i["name"] for i in body["items"]] == [road.name]
    assert body["items"][0]["priority_areas"] == [
        {"id": area.id, "name": "Dự án có thu hồi đất"},
        {"id": areas["Xây dựng nông thôn mới"].id, "name": "Xây dựng nông thôn mới"},
    ]
    assert client.get("/api/v1/initiatives?area=0").status_code == 400


def test_statistics_count_the_years_of_each_area(app, units, areas):
    road = _tagged(units, areas)
    road.years[0].status = YearStatus.OUTSTANDING
    db.session.commit()
    stats = compute_statistics(units["province"].id, Period(2021, 2025, 2024), RollUp.RECORD_YEAR)
    by_area = {b.label: b for b in stats.by_priority_area}
    assert by_area["Xây dựng nông thôn mới"].counts[YearStatus.OUTSTANDING] == 1
    assert by_area["Dự án có thu hồi đất"].total == 1 and by_area["An sinh xã hội"].total == 0


# --- the campaign's own indicators -----------------------------------------------------------


def test_the_secretary_adds_and_removes_an_indicator(client, auth, users, units):
    campaign = make_campaign(units["agency"], year=2024)
    db.session.commit()
    auth.login("thuky.bdv")
    url = f"/registry/campaigns/{campaign.id}/indicators"
    response = client.post(url, data={"name": "Hộ thoát nghèo", "unit_label": "hộ"})
    assert response.status_code == 302
    indicator = db.session.scalar(sa.select(CampaignIndicator))
    assert (indicator.name, indicator.unit_label) == ("Hộ thoát nghèo", "hộ")
    html = client.post(url, data={"name": "Hộ thoát nghèo"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Đợt thi đua đã có chỉ tiêu “Hộ thoát nghèo”." in html
    html = client.post(url, data={"name": ""}, follow_redirects=True).get_data(as_text=True)
    assert "Vui lòng nhập trường này." in html
    assert db.session.scalar(sa.select(sa.func.count(CampaignIndicator.id))) == 1
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "indicator.create"))
    response = client.post(f"{url}/{indicator.id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(CampaignIndicator.id))) == 0


def test_an_indicator_with_reported_values_cannot_be_removed(client, auth, users, units):
    campaign = make_campaign(units["agency"], year=2024)
    campaign.indicators.append(CampaignIndicator(name="Tuyến đường hoa", unit_label="tuyến"))
    record = make_initiative(units["c11"], year=2024)
    db.session.flush()
    db.session.add(
        IndicatorValue(initiative_year=record.years[0], indicator=campaign.indicators[0], value=3)
    )
    db.session.commit()
    auth.login("thuky.bdv")
    html = client.post(
        f"/registry/campaigns/{campaign.id}/indicators/{campaign.indicators[0].id}/delete",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Chỉ tiêu “Tuyến đường hoa” đã có số liệu trong 1 báo cáo năm: không thể xóa." in html
    assert db.session.scalar(sa.select(sa.func.count(CampaignIndicator.id))) == 1
