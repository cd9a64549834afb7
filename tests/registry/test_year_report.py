"""The officer's year: each year of an initiative gets its unit's report (figures, the
campaign's own indicators, text, evidence of that year); the secretary evaluates the
year only after it, and the report is closed once evaluated."""

import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import (
    AuditEvent,
    CampaignIndicator,
    Evidence,
    IndicatorValue,
    InitiativeYear,
    YearStatus,
)
from dankheo.registry.services import evaluate_year, report_year
from tests.factories import make_campaign, make_initiative
from tests.security.world import tiny_png

REPORT = {
    "beneficiaries": "480",
    "households": "120",
    "money_vnd": "35000000",
    "labour_days": "640",
    "land_m2": "250.5",
    "road_km": "1.2",
    "report_text": "Vận động 120 hộ hiến đất, góp công làm 1,2 km đường bê tông.",
}


@pytest.fixture
def record(units):
    item = make_initiative(
        units["c11"], "Mô hình “Đường hoa”", year=2024, status=YearStatus.REGISTERED
    )
    db.session.commit()
    return item


def year_row(item, year=2024) -> InitiativeYear:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(InitiativeYear).where(
            InitiativeYear.initiative_id == item.id, InitiativeYear.year == year
        )
    )


def url(item, year=2024, suffix="") -> str:
    return f"/registry/initiatives/{item.id}/years/{year}{suffix}"


def test_the_officer_reports_a_year_and_the_page_shows_it(client, auth, users, record):
    auth.login("canbo.c11")
    page = client.get(url(record)).get_data(as_text=True)
    assert "Gửi báo cáo năm 2024" in page and "Chờ đơn vị báo cáo kết quả năm 2024" in page
    response = client.post(url(record), data=REPORT)
    assert response.status_code == 302
    row = year_row(record)
    assert (row.beneficiaries, row.households, row.money_vnd, row.labour_days) == (
        480,
        120,
        35_000_000,
        640,
    )
    assert (row.land_m2, row.road_km) == (250.5, 1.2)
    assert row.reported_at is not None and row.reported_by_id == users["officer"].id
    assert row.status == YearStatus.REGISTERED  # reporting is not evaluating
    html = client.get(url(record)).get_data(as_text=True)
    assert "35.000.000" in html and "Vận động 120 hộ hiến đất" in html
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "initiative.report"))
    assert event.details["households"] == 120 and event.details["year"] == 2024


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("households", "-3", "Giá trị phải từ 0"),
        ("money_vnd", "nhiều", "Vui lòng nhập một số nguyên (chỉ gồm các chữ số 0–9)."),
        ("road_km", "1,2km", "Vui lòng nhập một số."),
        ("report_text", "Tốt", "Độ dài phải từ 10 đến 20000 ký tự."),
        ("report_text", "", "Vui lòng nhập trường này."),
    ],
)
def test_a_bad_report_is_refused_with_a_message_and_nothing_saved(
    client, auth, users, record, field, value, message
):
    auth.login("canbo.c11")
    response = client.post(url(record), data={**REPORT, field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    row = year_row(record)
    assert row.reported_at is None and row.households is None


def test_an_empty_figure_stays_unreported_and_zero_is_a_reported_zero(client, auth, users, record):
    auth.login("canbo.c11")
    client.post(url(record), data={**REPORT, "road_km": "", "land_m2": "0"})
    row = year_row(record)
    assert row.road_km is None and row.land_m2 == 0


def test_the_secretary_evaluates_only_after_the_report(client, auth, users, record):
    auth.login("thuky")
    response = client.post(
        url(record, suffix="/evaluate"), data={"status": "recognised"}, follow_redirects=True
    )
    assert "Đơn vị chưa báo cáo kết quả năm 2024 của mô hình" in response.get_data(as_text=True)
    assert year_row(record).status == YearStatus.REGISTERED
    auth.logout()
    auth.login("canbo.c11")
    client.post(url(record), data=REPORT)
    auth.logout()
    auth.login("thuky")
    response = client.post(
        url(record, suffix="/evaluate"), data={"status": "outstanding", "note": "Lan tỏa tốt"}
    )
    assert response.status_code == 302
    row = year_row(record)
    assert row.status == YearStatus.OUTSTANDING and row.evaluated_at >= row.reported_at
    # "Registered" is not an evaluation.
    html = client.post(
        url(record, suffix="/evaluate"), data={"status": "registered"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Giá trị đã chọn không hợp lệ." in html


def test_an_evaluated_year_is_closed_to_the_officer(client, auth, users, record):
    row = year_row(record)
    report_year(users["officer"], row, figures={"households": 10}, text="Báo cáo năm 2024 đầy đủ.")
    evaluate_year(users["secretary"], row, YearStatus.RECOGNISED)
    db.session.commit()
    auth.login("canbo.c11")
    page = client.get(url(record)).get_data(as_text=True)
    assert "Gửi báo cáo" not in page and "Cập nhật báo cáo" not in page
    response = client.post(url(record), data=REPORT)
    assert response.status_code == 400
    assert "Năm 2024 đã được đánh giá “Được công nhận”: không thể sửa báo cáo" in response.get_data(
        as_text=True
    )
    assert year_row(record).households == 10


def test_an_evaluation_committed_while_the_officer_was_writing_wins(app, users, record):
    """The officer's request read the year before the secretary's evaluation landed:
    the report is refused by the database condition, not by what the request read."""
    row = year_row(record)
    report_year(users["officer"], row, figures={"households": 10}, text="Báo cáo lần đầu của năm.")
    db.session.commit()
    row = year_row(record)
    assert row.evaluated_at is None  # what the officer's request saw
    db.session.execute(  # the secretary's transaction, committed in between
        sa.update(InitiativeYear)
        .where(InitiativeYear.id == row.id)
        .values(status="recognised", evaluated_at=row.reported_at)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        report_year(users["officer"], row, figures={"households": 99}, text="Sửa sau khi đánh giá.")
    assert refused.value.code == "initiative.year_evaluated"
    db.session.rollback()
    assert year_row(record).households == 10


def test_the_database_refuses_an_evaluation_without_a_report(app, record):
    row = year_row(record)
    row.status, row.evaluated_at = YearStatus.RECOGNISED, row.updated_at
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_campaigns_own_indicators_are_reported_with_the_year(
    client, auth, users, units, record
):
    campaign = make_campaign(units["agency"], year=2024)
    campaign.indicators.append(CampaignIndicator(name="Tuyến đường hoa", unit_label="tuyến"))
    other = make_campaign(units["agency"], year=2023, name="Đợt năm 2023")
    other.indicators.append(CampaignIndicator(name="Chỉ tiêu năm khác", unit_label="cái"))
    db.session.commit()
    indicator = campaign.indicators[0]
    auth.login("canbo.c11")
    page = client.get(url(record)).get_data(as_text=True)
    assert "Tuyến đường hoa (tuyến)" in page and "Chỉ tiêu năm khác" not in page
    client.post(url(record), data={**REPORT, f"indicator_{indicator.id}": "4"})
    value = db.session.scalar(sa.select(IndicatorValue))
    assert (value.indicator_id, value.value) == (indicator.id, Decimal("4.00"))
    # Emptying it removes the value; a negative one is refused.
    client.post(url(record), data={**REPORT, f"indicator_{indicator.id}": ""})
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) == 0
    response = client.post(url(record), data={**REPORT, f"indicator_{indicator.id}": "-1"})
    assert response.status_code == 400


def test_evidence_attached_to_a_year(client, auth, users, record):
    auth.login("canbo.c11")
    response = client.post(
        url(record, suffix="/evidence"),
        data={"file": (io.BytesIO(tiny_png()), "anh-2024.png"), "title": "Ảnh nghiệm thu 2024"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    row = year_row(record)
    evidence = db.session.scalar(sa.select(Evidence).where(Evidence.initiative_year_id == row.id))
    assert evidence.initiative_id == record.id and evidence.title == "Ảnh nghiệm thu 2024"
    assert "Ảnh nghiệm thu 2024" in client.get(url(record)).get_data(as_text=True)
    html = client.get(f"/registry/initiatives/{record.id}").get_data(as_text=True)
    assert "Năm 2024" in html  # the initiative's evidence list says which year


def test_readers_see_the_year_but_only_its_officer_reports_it(client, auth, users, record):
    for username, status in (("lanhdao", 200), ("thuky", 200), ("canbo.c21", 403)):
        auth.login(username)
        assert client.get(url(record)).status_code == status, username
        assert client.post(url(record), data=REPORT).status_code == 403, username
        auth.logout()
    assert year_row(record).reported_at is None
    assert client.get(url(record)).status_code == 302  # anonymous: to the sign-in page


def test_year_figures_feed_the_statistics(app, users, units, record):
    from dankheo.reports.queries import Period, compute_statistics
    from dankheo.reports.rollup import RollUp
    from dankheo.reports.tables import build_tables

    report_year(
        users["officer"],
        year_row(record),
        figures={"households": 120, "road_km": 1.5},
        text="Báo cáo năm 2024 của xã.",
    )
    second = make_initiative(units["c21"], year=2024, status=YearStatus.REGISTERED)
    report_year(
        users["officer"],
        second.years[0],
        figures={"households": 30},
        text="Báo cáo năm 2024 của xã khác.",
    )
    db.session.commit()
    stats = compute_statistics(units["province"].id, Period(2021, 2025, 2024), RollUp.RECORD_YEAR)
    assert stats.figures["households"][2024] == 150 and stats.figures["road_km"][2024] == 1.5
    assert stats.reports_by_year[2024] == 2
    table = next(t for t in build_tables(stats) if t.key == "ket-qua-nam")
    assert [c.value for c in table.rows[0]] == ["Báo cáo năm của đơn vị (lượt)", 2, 2]
    households = next(r for r in table.rows if r[0].value.startswith("Hộ tham gia"))
    assert households[1].value == 150
    assert date.today()  # the report is dated when it was made, not by the year it reports
