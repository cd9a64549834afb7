"""Reports as official documents: yearly, six-month and phase reports in both profiles,
under the issuer's header with its number style, the narrative the secretary writes in
the app with the figures inserted, the signer with a name, no blank page, the same text
in the DOCX; the default scope is the territory, never the secretary's own office; and
Vietnam's date at 23:30 UTC."""

from collections import Counter
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from dankheo import vietnamese
from dankheo.documents import render
from dankheo.extensions import db
from dankheo.models import AuditEvent, ReportNarrative, Role
from dankheo.reports import narratives
from dankheo.reports.pdf import report_document, report_docx
from dankheo.reports.queries import Period, compute_statistics, half_year
from dankheo.reports.rollup import RollUp
from dankheo.reports.tables import build_tables
from tests.documents.inspect_pdf import (
    MM,
    find,
    find_exact,
    lines,
    norm,
    overlaps,
    same_text,
    write_artifact,
)
from tests.factories import make_user

PERIODS = {
    "nam": lambda: Period(2021, 2025, 2025),
    "6-thang": lambda: half_year(2021, 2025, 2025, 2),
    "giai-doan": lambda: Period(2021, 2025),
}


@pytest.fixture(scope="module")
def narrative(world):
    """The secretary's text for the province's yearly report (Party profile)."""
    return narratives.save_narrative(
        world["secretary"],
        world["province"],
        PERIODS["nam"](),
        {
            "situation": "Năm 2025, cấp ủy các cấp tiếp tục quán triệt Chỉ thị của Ban "
            "Thường vụ Tỉnh ủy.\nViệc sắp xếp đơn vị hành chính được thực hiện đúng tiến độ.",
            "results": "Phong trào được triển khai rộng khắp, nhiều mô hình hay.",
            "shortcomings": "Một số nơi chưa sơ kết kịp thời.",
            "lessons": "Phát huy vai trò nêu gương của người đứng đầu.",
            "direction": "Tiếp tục nhân rộng các mô hình tiêu biểu.",
            "proposals": "",
            "recipients": "Thường trực Tỉnh ủy (b/c)\nLưu Văn phòng Ban",
            "signer_authority": "K/T TRƯỞNG BAN",
            "signer_title": "PHÓ TRƯỞNG BAN",
            "signer_name": "Lê Thị Minh Tâm",
        },
        issuer=world["party"],
        number=5,
    )


@pytest.fixture(scope="module")
def reports(world, narrative):
    db.session.commit()
    out = {}
    for period_name, make in PERIODS.items():
        stats = compute_statistics(world["province"].id, make(), RollUp.RECORD_YEAR)
        tables = build_tables(stats)
        for profile in ("party", "state"):
            doc = report_document(world["secretary"], stats, tables, profile=profile)
            pdf, docx = render.to_pdf(doc), report_docx(doc)
            write_artifact(f"bao-cao-{period_name}-{profile}.pdf", pdf)
            write_artifact(f"bao-cao-{period_name}-{profile}.docx", docx)
            out[period_name, profile] = {"doc": doc, "pdf": pdf, "docx": docx, "lines": lines(pdf)}
    return out


def test_party_report_header_number_narrative_and_signer(reports):
    report = reports["nam", "party"]
    all_lines = report["lines"]
    find_exact(all_lines, "TỈNH ỦY TÂY NINH")
    find_exact(all_lines, "BAN TUYÊN GIÁO VÀ DÂN VẬN")
    find(all_lines, "ĐẢNG CỘNG SẢN VIỆT NAM")
    find_exact(all_lines, "Số 5-BC/BTGDVTU")
    text = norm(" ".join(line.text for line in all_lines))
    assert "BÁO CÁO Kết quả phong trào thi đua “Dân vận khéo” năm 2025" in text
    for heading in (
        "I. ĐẶC ĐIỂM TÌNH HÌNH, CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. HẠN CHẾ, NGUYÊN NHÂN",
        "IV. BÀI HỌC KINH NGHIỆM",
        "V. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
    ):
        assert heading in text
    assert "ĐỀ XUẤT" not in text  # an empty section is not printed
    assert "Việc sắp xếp đơn vị hành chính" in text
    assert "lượt mô hình “Dân vận khéo” được đăng ký" in text  # figures inserted
    authority = find_exact(all_lines, "K/T TRƯỞNG BAN")
    title = find_exact(all_lines, "PHÓ TRƯỞNG BAN")
    name = find_exact(all_lines, "Lê Thị Minh Tâm")
    assert authority.bottom <= title.top and title.top < name.top - 20 * MM
    received = find(all_lines, "Nơi nhận:")
    assert received.x1 < name.x0
    assert "TỈNH TÂY NINH" not in [norm(line.text) for line in all_lines]


def test_state_report_uses_the_state_issuer_and_its_number_style(reports):
    all_lines = reports["nam", "state"]["lines"]
    find(all_lines, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    find_exact(all_lines, "ỦY BAN NHÂN DÂN")
    number, code = find_exact(all_lines, "Số:"), find(all_lines, "/BC-UBND")
    assert abs(number.top - code.top) < 2 and number.x1 < code.x0  # blank for the number
    find(all_lines, "Nguyễn Hồng Thanh")  # the issuer's default signer, by name


@pytest.mark.parametrize(
    ("period_name", "summary"),
    [
        ("6-thang", "Sơ kết 6 tháng cuối năm 2025 phong trào thi đua “Dân vận khéo”"),
        ("giai-doan", "Tổng kết phong trào thi đua “Dân vận khéo” giai đoạn 2021–2025"),
    ],
)
def test_six_month_and_phase_reports(reports, period_name, summary):
    for profile in ("party", "state"):
        text = norm(" ".join(line.text for line in reports[period_name, profile]["lines"]))
        assert summary in text
        assert "I. KẾT QUẢ THỰC HIỆN" in text  # no narrative yet: the figures section first


@pytest.mark.parametrize("key", [(p, f) for p in PERIODS for f in ("party", "state")])
def test_no_blank_page_no_overlap_and_docx_text_equal(reports, key):
    report = reports[key]
    by_page: dict[int, list] = {}
    for line in report["lines"]:
        if line.top > 15 * MM:  # below the page number
            by_page.setdefault(line.page, []).append(line)
    assert sorted(by_page) == list(range(1, len(by_page) + 1))
    assert all(len(page_lines) >= 3 for page_lines in by_page.values())
    for page_lines in by_page.values():
        assert overlaps(page_lines) == []
    assert same_text(report["pdf"], report["docx"]) == (Counter(), Counter())


def test_default_scope_is_the_province_not_the_secretarys_office(client, auth, world):
    auth.login("thuky")
    html = client.get("/reports/").get_data(as_text=True)
    assert "Tỉnh Tây Ninh – năm" in html


def test_secretary_edits_the_narrative_and_bad_input_saves_nothing(client, auth, world):
    auth.login("thuky")
    url = f"/reports/narrative?unit={world['province'].id}&year=2024&half=1"
    page = client.get(url).get_data(as_text=True)
    assert "6 tháng đầu năm 2024" in page
    bad = client.post(url, data={"issuer_id": "0", "number": "mười", "results": "x"})
    assert "Giá trị" in bad.get_data(as_text=True) or "số" in bad.get_data(as_text=True)
    assert (
        db.session.scalar(sa.select(ReportNarrative).where(ReportNarrative.period_key == "h2024-1"))
        is None
    )
    good = client.post(
        url,
        data={"issuer_id": str(world["party"].id), "number": "9", "results": "Kết quả tốt."},
    )
    assert good.status_code == 302
    saved = db.session.scalar(
        sa.select(ReportNarrative).where(ReportNarrative.period_key == "h2024-1")
    )
    assert saved.number == 9 and saved.results == "Kết quả tốt."
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.narrative"))


def test_officer_of_a_commune_may_not_write_the_province_report(client, auth, world):
    make_user("canbo", (Role.OFFICER, world["commune"]))
    auth.login("canbo")
    assert client.get(f"/reports/narrative?unit={world['province'].id}").status_code == 403


def test_at_2330_utc_the_app_shows_and_defaults_to_vietnams_next_day(
    client, auth, world, monkeypatch
):
    late = datetime(2025, 12, 14, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(vietnamese, "utc_now", lambda: late)
    assert vietnamese.today().isoformat() == "2025-12-15"
    assert vietnamese.format_datetime(late.replace(tzinfo=None)) == "06:30 15/12/2025"
    auth.login("thuky")
    award_type = world["types"]["state_a4"]
    form = client.get(f"/certificates/decisions/new?award_type_id={award_type.id}")
    assert 'value="2025-12-15"' in form.get_data(as_text=True)
    stats = compute_statistics(world["province"].id, Period(2021, 2025, 2025), RollUp.RECORD_YEAR)
    doc = report_document(world["secretary"], stats, [], profile="state")
    assert doc.place_date == "Tây Ninh, ngày 15 tháng 12 năm 2025"


def test_one_narrative_per_unit_and_period_is_a_database_rule(world, narrative):
    """Two secretaries saving the first text of one report at once: the second insert
    fails on the unique constraint (the error page answers 409), never a second row."""
    twin = ReportNarrative(unit=world["province"], period_key=narrative.period_key)
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_any_date_range_is_a_period_and_a_reversed_one_is_refused(client, auth, world):
    auth.login("thuky")
    page = client.get("/reports/?from=01/03/2025&to=31/08/2025").get_data(as_text=True)
    assert "từ ngày 01/03/2025 đến ngày 31/08/2025" in page
    assert client.get("/reports/?from=31/08/2025&to=01/03/2025").status_code == 400
    assert client.get("/reports/?from=01/03/2019&to=31/08/2019").status_code == 400
    assert client.get("/reports/?year=2025&half=3").status_code == 400
