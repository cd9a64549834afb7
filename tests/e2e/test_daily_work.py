"""The daily work, in a real browser: the secretary returns a dossier with a reason and
accepts five in one action, then selects the ranking down to the cut line; the officer
sees the reason on the inbox and the bell counts it. Every page passes axe-core, the
CSP, vnu and, at 390 px, does not scroll sideways (tests/e2e/conftest.py)."""

import re

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import sign_in, sign_out
from tests.security.world import tiny_png

pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)

REASON = "Đề nghị bổ sung ảnh chụp hoạt động và xác nhận của Đảng ủy phường"


def _query(live_server, fn):
    from dankheo.extensions import db

    with live_server.app.app_context():
        return fn(db)


def _six_submitted(db):
    """Six new initiatives of the officer's commune, each nominated and submitted to the
    2025 round (through the services, as the pages would)."""
    from dankheo.campaigns import queries as campaign_queries
    from dankheo.models import Campaign, CampaignKind, Membership, Role, User
    from dankheo.nominations import services as nominations
    from dankheo.registry import services as registry

    officer = db.session.scalar(sa.select(User).where(User.username == "canbo.longhoa"))
    unit = db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == officer.id, Membership.role == Role.OFFICER
        )
    ).unit
    campaign = db.session.scalar(
        sa.select(Campaign).where(Campaign.year == 2025, Campaign.kind == CampaignKind.YEARLY)
    )
    field = campaign_queries.fields(active_only=True)[0]
    names, first_initiative = [], None
    for k in range(1, 7):
        name = f"Mô hình “Tổ tự quản số {k}” khu phố Long Hải"
        initiative = registry.create_initiative(
            officer, unit=unit, field=field, year=2025, values={"name": name}
        )
        nomination = nominations.create_nomination(
            officer,
            award_type=campaign.award_types[0],
            subject=initiative,
            recipient_name=name,
            achievement_text="Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo”",
            report_text="Báo cáo thành tích của mô hình.",
        )
        nominations.take_arrow(officer, nomination, "submit")
        names.append(name)
        first_initiative = first_initiative or initiative.id
    db.session.commit()
    c2024 = db.session.scalar(
        sa.select(Campaign.id).where(Campaign.year == 2024, Campaign.kind == CampaignKind.YEARLY)
    )
    return campaign.id, c2024, names, first_initiative


def _states(db, names):
    from dankheo.models import Nomination

    rows = db.session.execute(
        sa.select(Nomination.recipient_name, Nomination.state).where(
            Nomination.recipient_name.in_(names)
        )
    ).all()
    return {name: state.value for name, state in rows}


def test_daily_work_journey(page, live_server, checker, tmp_path):
    checker.watch(page)
    page.on("dialog", lambda dialog: dialog.accept())
    campaign_id, campaign_2024, names, initiative_id = _query(live_server, _six_submitted)

    # 1. The secretary returns one dossier with its reason ------------------------------
    sign_in(page, "thuky", checker)
    checker.check(page, "secretary home")
    page.get_by_role("button", name="Hồ sơ đề nghị").click()
    page.get_by_role("link", name="Tiếp nhận hồ sơ").first.wait_for()
    page.goto(f"/nominations/screening/{campaign_id}")
    checker.check(page, "secretary screening")
    row = page.locator("tr", has_text=names[0])
    row.locator("summary").click()
    row.get_by_label("Lý do riêng cho hồ sơ này").fill(REASON)
    row.get_by_role("button", name="Trả lại để bổ sung").click()
    page.wait_for_load_state()
    assert "Đã trả lại 1 hồ sơ để bổ sung." in page.content()

    # 2. ... and accepts five in one action --------------------------------------------
    for name in names[1:6]:
        page.get_by_label(f"Chọn {name}", exact=True).check()
    page.get_by_role("button", name="Tiếp nhận các hồ sơ đã chọn").click()
    page.wait_for_load_state()
    assert "Đã tiếp nhận 5 hồ sơ vào chấm điểm." in page.content()
    states = _query(live_server, lambda db: _states(db, names))
    assert states == {names[0]: "returned", **{n: "in_review" for n in names[1:6]}}
    assert "Phân công hội đồng chấm ngay" in page.content()
    checker.check(page, "secretary accepted five")

    # 3. ... and selects the ranking down to the cut line ----------------------------------
    page.goto(f"/review/campaigns/{campaign_2024}/ranking")
    checker.check(page, "secretary ranking")
    page.get_by_role("link", name="Chọn đến vạch chỉ tiêu").click()
    within = page.locator("tr.ranking-within input[name='ids']")
    assert within.count() > 0
    assert page.locator("tr.ranking-within input[name='ids']:checked").count() == within.count()
    assert page.locator("tr:not(.ranking-within) input[name='ids']:checked").count() == 0
    assert re.search(r"Đã chọn \d+ hồ sơ", page.content())
    page.get_by_role("link", name="Chọn tất cả đang hiển thị").click()
    every = page.locator("input[name='ids']")
    assert page.locator("input[name='ids']:checked").count() == every.count()
    page.get_by_text("Các cột điểm nghĩa là gì?").click()
    assert page.get_by_text("thói quen chấm của chính từng thành viên").is_visible()
    checker.check(page, "secretary ranking selected")
    sign_out(page)

    # 4. The officer sees the reason on the inbox, and the bell counts it ---------------
    sign_in(page, "canbo.longhoa", checker)
    bell = page.locator("a.nav-bell .badge")
    assert bell.count() == 1 and int(re.sub(r"\D", "", bell.inner_text())) >= 1
    page.goto("/inbox")
    returned = page.locator("section", has=page.get_by_role("heading", name=re.compile("trả lại")))
    item = returned.locator("li", has_text=names[0])
    assert REASON in item.inner_text()
    assert item.get_by_role("link", name="Sửa và bổ sung").is_visible()
    checker.check(page, "officer inbox reason")
    page.goto("/notifications/")
    assert REASON in page.content()
    checker.check(page, "officer notifications")
    page.get_by_role(
        "link", name=re.compile(re.escape(f"Hồ sơ bị trả lại để bổ sung: {names[0]}"))
    ).click()
    page.wait_for_load_state()
    assert names[0] in page.content() and "/nominations/" in page.url
    page.goto("/notifications/settings")
    checker.check(page, "officer notification settings")

    # 5. ... and uploads two photos at once (a progress bar, then the page again) -------
    photos = []
    for k, color in enumerate(((40, 140, 60), (200, 120, 20)), start=1):
        photo = tmp_path / f"to-tu-quan-{k}.png"
        photo.write_bytes(tiny_png(320, 240, color))
        photos.append(str(photo))
    page.goto(f"/registry/initiatives/{initiative_id}")
    page.get_by_label("Tệp minh chứng").set_input_files(photos)
    page.get_by_label("Tiêu đề").fill("Ảnh tổ tự quản")
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    html = page.content()
    assert "Đã tải lên 2 tệp minh chứng." in html
    assert "Ảnh tổ tự quản (1)" in html and "Ảnh tổ tự quản (2)" in html
    checker.check(page, "officer two photos uploaded")
    page.goto("/huong-dan/can-bo")
    checker.check(page, "officer guide")

    assert not checker.problems, "\n".join(checker.problems)
    errors = checker.vnu_errors()
    assert not errors, "\n".join(errors)
