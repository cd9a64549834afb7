"""The pages people start their day on: the inbox says why (subject, reason, deadline,
action), the home page shows the role's next steps and the campaign calendar, the guide
exists for every role, the secretary's menu reaches screening, committee and ranking."""

from datetime import date, timedelta

import pytest

from dankheo.extensions import db
from dankheo.models import NominationState, Role
from dankheo.nominations import services as nomination_services
from dankheo.review import services as review_services
from tests.factories import make_campaign, make_nomination, make_province, make_user


@pytest.fixture
def world(app):
    units = make_province()
    users = {
        "officer": make_user("canbo", (Role.OFFICER, units["c11"])),
        "secretary": make_user("thuky", (Role.SECRETARY, units["agency"])),
        "reviewer": make_user("hoidong", (Role.REVIEWER, units["d2"])),
        "leader": make_user("lanhdao", (Role.LEADER, units["d1"])),
        "admin": make_user("quantri", (Role.ADMIN, units["province"])),
    }
    today = date.today()
    campaign = make_campaign(
        units["agency"],
        year=today.year,
        registration_opens=today - timedelta(days=30),
        registration_closes=today + timedelta(days=2),
        nomination_opens=today - timedelta(days=10),
        nomination_closes=today + timedelta(days=20),
        review_opens=today + timedelta(days=21),
        review_closes=today + timedelta(days=40),
    )
    db.session.commit()
    return units, users, campaign


def test_the_inbox_shows_a_returned_dossiers_subject_reason_deadline_and_action(
    world, client, auth
):
    units, users, campaign = world
    nomination = make_nomination(campaign, units["c11"], state=NominationState.SUBMITTED)
    db.session.commit()
    nomination_services.take_arrow(
        users["secretary"], nomination, "return", note="Bổ sung ảnh chụp mô hình năm 2024"
    )
    db.session.commit()
    auth.login("canbo")
    html = client.get("/inbox").get_data(as_text=True)
    section = html.split('id="tra-lai"')[1].split("</section>")[0]
    assert nomination.initiative.name in section  # the subject, not only the unit
    assert "Lý do trả lại:</strong> Bổ sung ảnh chụp mô hình năm 2024" in section
    assert f"Hạn gửi lại: {campaign.nomination_closes.strftime('%d/%m/%Y')} (còn 20 ngày)" in (
        section
    )
    assert f'href="/nominations/{nomination.id}/edit"' in section  # direct action


def test_the_inbox_lists_what_a_reviewer_scores_with_the_deadline(world, client, auth):
    units, users, campaign = world
    nomination = make_nomination(campaign, units["c11"], state=NominationState.IN_REVIEW)
    committee = review_services.ensure_committee(users["secretary"], campaign)
    reviewer = review_services.add_reviewer(users["secretary"], committee, users["reviewer"])
    assignment = review_services.assign(users["secretary"], nomination, reviewer)
    db.session.commit()
    auth.login("hoidong")
    html = client.get("/inbox").get_data(as_text=True)
    section = html.split('id="cham-diem"')[1].split("</section>")[0]
    assert nomination.initiative.name in section and "Mô hình – " in section
    assert f"Hạn chấm: {campaign.review_closes.strftime('%d/%m/%Y')}" in section
    assert f'href="/review/assignments/{assignment.id}"' in section


def test_the_home_page_shows_next_steps_and_the_calendar_not_the_menu(world, client, auth):
    _units, _users, campaign = world
    auth.login("canbo")
    html = client.get("/").get_data(as_text=True)
    assert "Các bước tiếp theo của bạn" in html and "Cán bộ đơn vị" in html
    assert "Lịch các đợt thi đua" in html and campaign.name in html
    calendar = html.split('id="lich"')[1]
    assert "Đang mở" in calendar and "còn 2 ngày" in calendar and "Sắp mở" in calendar
    assert 'href="/huong-dan/can-bo"' in html
    assert 'class="card h-100 text-decoration-none"' not in html  # no copy of the menu


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("can-bo", "Đăng ký mô hình"),
        ("thu-ky", "Tiếp nhận hồ sơ"),
        ("hoi-dong", "Chấm và nộp phiếu"),
        ("lanh-dao", "Xem thống kê"),
        ("quan-tri", "Hộp thư đi"),
    ],
)
def test_a_guide_exists_for_every_role(client, app, slug, words):
    html = client.get(f"/huong-dan/{slug}").get_data(as_text=True)
    assert "Hướng dẫn sử dụng" in html and words in html and "Bước 1." in html
    assert client.get("/huong-dan/khong-co").status_code == 404


def test_the_guide_is_linked_from_every_page(world, client, auth):
    for url in ("/", "/auth/login", "/public/"):
        assert 'href="/huong-dan"' in client.get(url).get_data(as_text=True)
    auth.login("thuky")
    assert 'href="/huong-dan"' in client.get("/nominations/").get_data(as_text=True)


def test_the_secretarys_menu_reaches_screening_committee_and_ranking(world, client, auth):
    _units, _users, campaign = world
    auth.login("thuky")
    nav = client.get("/inbox").get_data(as_text=True).split('aria-label="Điều hướng chính"')[1]
    nav = nav.split("</nav>")[0]
    assert "Danh sách hồ sơ đề nghị" in nav
    for url in (
        f"/nominations/screening/{campaign.id}",
        f"/review/campaigns/{campaign.id}/committee",
        f"/review/campaigns/{campaign.id}/ranking",
    ):
        assert f'href="{url}"' in nav
    auth.logout()
    auth.login("canbo")
    assert "Danh sách hồ sơ đề nghị" not in client.get("/inbox").get_data(as_text=True)


def test_list_pages_print_with_the_unit_and_the_date(world, client, auth):
    auth.login("canbo")
    html = client.get("/nominations/").get_data(as_text=True)
    header = html.split('class="print-header"')[1].split("</div>")[0]
    assert "Xã Một Một" in header and "In ngày " in header
