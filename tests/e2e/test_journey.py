"""The whole life of an award, in a real browser, as the people who do it:

an officer registers an initiative with evidence and nominates it; the secretary
accepts it and assigns reviewers; three reviewers score it; the secretary approves it
within the quota, signs the decision and issues the certificates (watching the progress
bar); the batch PDF downloads; an anonymous visitor opens the QR link and sees the
certificate is valid; a revocation shows on the verify page.

Every page passes axe-core (no serious or critical violation), the CSP (no violation
reported by the browser) and, at the end, the Nu HTML checker. Screenshots of each step
are kept in test-artifacts/e2e/test_award_journey/.
"""

import re
import shutil
import subprocess
import time

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import sign_in, sign_out
from tests.security.world import tiny_png

# The live server serves static files from a thread; a browser that drops a request
# leaves Werkzeug's file to the garbage collector. Not the application's concern.
pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)

INITIATIVE = "Mô hình “Chợ quê không rác thải nhựa” ở ấp Long Bình"
CAMPAIGN_YEAR = 2025


def _query(live_server, fn):
    """Read from the database the server writes (to find who was assigned, etc.)."""
    from dankheo.extensions import db

    with live_server.app.app_context():
        return fn(db)


def _goto(page, url, attempts=5):
    """Navigate, even if the page's own script is reloading it at that moment."""
    from playwright.sync_api import Error

    for attempt in range(attempts):
        try:
            page.goto(url)
            return
        except Error as err:
            # The page's own reload (when the worker finishes) races with ours: it either
            # interrupts our navigation or aborts it; both are retried.
            racing = "interrupted by another navigation" in str(err) or "ERR_ABORTED" in str(err)
            if not racing or attempt == attempts - 1:
                raise
            page.wait_for_load_state()


def _wait_until(live_server, fn, timeout=240):
    """Poll the database until ``fn(db)`` is truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _query(live_server, lambda db: (db.session.expire_all(), fn(db))[1]):
            return
        time.sleep(1)
    raise AssertionError("the worker did not finish in time")


def _accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_award_journey(page, context, browser, live_server, checker, tmp_path):
    from dankheo.models import (
        Assignment,
        Campaign,
        CampaignKind,
        Certificate,
        Decision,
        Nomination,
    )

    checker.watch(page)
    _accept_dialogs(page)

    # 1. The officer registers an initiative ----------------------------------------
    sign_in(page, "canbo.longhoa", checker)
    page.goto("/registry/initiatives/new")
    checker.check(page, "officer new initiative form")
    page.get_by_label("Tên mô hình").fill(INITIATIVE)
    # Today's Phường Long Hoa (its predecessors, closed on 30/06/2025, are listed too).
    page.get_by_label("Đơn vị", exact=True).select_option(label="Phường Long Hoa")
    page.get_by_label("Năm đăng ký").fill(str(CAMPAIGN_YEAR))
    page.get_by_label("Lĩnh vực", exact=True).select_option(index=1)
    page.get_by_label("Nội dung, cách thức thực hiện").fill(
        "Vận động tiểu thương dùng túi giấy, giỏ lác; tổ tự quản thu gom rác mỗi sáng."
    )
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert INITIATIVE in page.content(), "the initiative page shows its name"
    initiative_id = int(re.search(r"/initiatives/(\d+)", page.url).group(1))
    checker.check(page, "officer initiative saved")

    # ... with evidence
    photo = tmp_path / "cho-que.png"
    photo.write_bytes(tiny_png(320, 240, (40, 140, 60)))
    page.get_by_label("Tệp minh chứng").set_input_files(str(photo))
    page.get_by_label("Tiêu đề").fill("Ảnh chợ quê sáng chủ nhật")
    page.get_by_label("Công khai trên trang mô hình tiêu biểu").check()
    # The upload runs in the background with a progress bar, then opens the page again.
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    assert "Ảnh chợ quê sáng chủ nhật" in page.content()
    checker.check(page, "officer evidence uploaded")

    # ... reports its year (figures, the 2025 round's own indicators, text)
    page.goto(f"/registry/initiatives/{initiative_id}/years/{CAMPAIGN_YEAR}")
    checker.check(page, "officer year report form")
    page.get_by_label("Hộ tham gia, hưởng lợi (hộ)").fill("120")
    page.get_by_label("Tiền vận động được (đồng)").fill("15000000")
    page.get_by_label("Kết quả nổi bật trong năm").fill(
        "100 % tiểu thương dùng túi giấy, giỏ lác; tổ tự quản thu gom rác mỗi sáng."
    )
    page.get_by_role("button", name=f"Gửi báo cáo năm {CAMPAIGN_YEAR}").click()
    page.wait_for_load_state()
    assert "Đã lưu báo cáo kết quả năm" in page.content()
    checker.check(page, "officer year reported")

    # 2. ... and nominates it ------------------------------------------------------------
    page.goto(f"/nominations/new?subject=i:{initiative_id}")
    checker.check(page, "officer nomination form")
    award = page.get_by_label("Đợt thi đua và hình thức khen thưởng")
    option = award.locator("option", has_text=str(CAMPAIGN_YEAR)).first
    award.select_option(value=option.get_attribute("value"))
    page.get_by_label("Tên ghi trên bằng").fill(INITIATIVE)
    page.get_by_label("Báo cáo thành tích", exact=True).fill(
        "Sau một năm, 100 % tiểu thương tham gia; lượng túi ni lông giảm 80 %."
    )
    page.get_by_role("button", name="Lưu hồ sơ").click()
    page.wait_for_load_state()
    nomination_id = int(re.search(r"/nominations/(\d+)", page.url).group(1))
    checker.check(page, "officer nomination draft")
    page.get_by_role("button", name="Gửi hồ sơ").click()
    page.wait_for_load_state()
    assert "Đã gửi" in page.content()
    checker.check(page, "officer nomination submitted")
    sign_out(page)

    campaign_id = _query(
        live_server,
        lambda db: db.session.scalar(
            sa.select(Campaign.id).where(
                Campaign.year == CAMPAIGN_YEAR, Campaign.kind == CampaignKind.YEARLY
            )
        ),
    )

    # 3. The secretary accepts and assigns -----------------------------------------------
    sign_in(page, "thuky", checker)
    page.goto(f"/registry/campaigns/{campaign_id}")
    assert "Chỉ tiêu kết quả riêng của đợt" in page.content()
    checker.check(page, "secretary campaign with its own indicators")
    page.goto(f"/nominations/screening/{campaign_id}")
    checker.check(page, "secretary screening")
    row = page.locator("tr", has_text=INITIATIVE)
    row.get_by_role("button", name="Tiếp nhận vào chấm điểm").click()
    page.wait_for_load_state()
    checker.check(page, "secretary accepted")
    page.goto(f"/review/campaigns/{campaign_id}/committee")
    page.get_by_role("button", name=re.compile("Phân công tự động")).click()
    page.wait_for_load_state()
    checker.check(page, "secretary assigned")
    reviewers = _query(
        live_server,
        lambda db: [
            a.reviewer.user.username
            for a in db.session.scalars(
                sa.select(Assignment).where(Assignment.nomination_id == nomination_id)
            )
        ],
    )
    assert len(reviewers) == 3, reviewers
    sign_out(page)

    # 4. Three reviewers score -----------------------------------------------------------
    for number, username in enumerate(reviewers, start=1):
        sign_in(page, username)
        page.goto("/review/")
        checker.check(page, f"reviewer {number} queue")
        page.locator("tr", has_text=INITIATIVE).get_by_role("link", name="Chấm điểm").click()
        page.wait_for_load_state()
        points = page.locator("input[name^='points_']")
        for i in range(points.count()):
            box = points.nth(i)
            box.fill(box.get_attribute("data-max") or "10")
        page.get_by_label("Nhận xét chung").fill(f"Thành viên {number}: mô hình hiệu quả.")
        checker.check(page, f"reviewer {number} scorecard filled")
        page.get_by_role("button", name="Nộp phiếu").click()
        page.wait_for_load_state()
        assert "Đã nộp" in page.content()
        checker.check(page, f"reviewer {number} submitted")
        sign_out(page)

    # 5. The secretary approves within the quota -----------------------------------------
    sign_in(page, "thuky")
    page.goto(f"/review/campaigns/{campaign_id}/ranking")
    checker.check(page, "secretary ranking")
    page.get_by_label(f"Chọn {INITIATIVE}").check()
    page.get_by_role("button", name="Đề xuất khen các hồ sơ đã chọn").click()
    page.wait_for_load_state()
    state = _query(live_server, lambda db: db.session.get(Nomination, nomination_id).state)
    assert state.value == "approved", state
    checker.check(page, "secretary approved")

    # 6. ... signs the decision and issues the certificates -------------------------------
    page.goto("/certificates/decisions/new")
    checker.check(page, "secretary decision form")
    chosen = page.get_by_label("Hình thức khen thưởng")
    if chosen.count():
        option = chosen.locator("option", has_text=str(CAMPAIGN_YEAR)).first
        if option.count() and chosen.input_value() != option.get_attribute("value"):
            chosen.select_option(value=option.get_attribute("value"))
            page.get_by_role("button", name="Chọn").click()
            page.wait_for_load_state()
    page.get_by_label("Số quyết định").fill("2025")
    page.get_by_label("Họ tên người ký").fill("Nguyễn Thanh Ngọc")
    page.get_by_label("Chức vụ người ký").fill("Phó Chủ tịch")
    page.get_by_label(re.compile(INITIATIVE)).check()
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_load_state()
    decision_url = page.url
    checker.check(page, "secretary decision draft")
    page.get_by_role("button", name=re.compile("^Ký và phát hành")).click()
    page.wait_for_load_state()
    progress = page.locator("progress").first
    progress.wait_for()
    checker.check(page, "secretary issuing (progress bar)")
    # The page polls the worker's progress (the bar fills) and reloads itself when every
    # certificate is rendered.
    page.wait_for_function(
        "() => { const p = document.querySelector('progress');"
        " return p && p.max > 0 && p.value >= p.max; }",
        timeout=240_000,
    )
    # The page reloads itself once the decision's own PDF is stored as well; wait for
    # that (slow on a loaded machine) so the reload cannot cut the print request short.
    decision_id = int(re.search(r"/decisions/(\d+)", decision_url).group(1))
    _wait_until(live_server, lambda db: db.session.get(Decision, decision_id).file_path)
    _goto(page, decision_url)
    assert "Có hiệu lực" in page.content()
    checker.check(page, "secretary certificates issued")
    serial = _query(
        live_server,
        lambda db: db.session.scalar(
            sa.select(Certificate.serial).where(Certificate.nomination_id == nomination_id)
        ),
    )
    assert serial and serial in page.content()

    # 7. The batch PDF is built by the worker: the print job's page shows its progress and,
    # when ready, a download link -------------------------------------------------------
    page.get_by_role("button", name=re.compile("^In các (giấy|bằng) khen")).click()
    page.wait_for_url(re.compile(r"/certificates/prints/\d+$"))
    download = page.get_by_role("link", name=re.compile("Tải tệp in"))
    download.wait_for(timeout=180_000)  # the page reloads itself when the job is done
    checker.check(page, "secretary batch print ready")
    answer = page.request.get(download.get_attribute("href"))
    assert answer.ok
    assert answer.headers.get("content-type", "") == "application/pdf"
    batch = answer.body()
    assert batch.startswith(b"%PDF")
    (checker.out / "batch.pdf").write_bytes(batch)
    single = tmp_path / "giay-khen.pdf"
    _goto(page, decision_url)
    response = page.request.get(f"/certificates/c/{serial}.pdf")
    assert response.ok
    single.write_bytes(response.body())
    sign_out(page)

    # 8. An anonymous visitor opens the QR link and sees "valid" ------------------------
    verify_url = _qr_link(single, tmp_path) or f"{live_server.url}/verify/{serial}"
    assert verify_url.endswith(f"/verify/{serial}"), verify_url
    visitor = browser.new_context(locale="vi-VN")
    anonymous = visitor.new_page()
    checker.watch(anonymous)
    anonymous.goto(verify_url)
    assert "Có hiệu lực" in anonymous.content()
    checker.check(anonymous, "visitor verify valid")

    # 9. A revocation shows on the verify page --------------------------------------------
    sign_in(page, "thuky")
    page.goto(f"/certificates/c/{serial}/revoke")
    checker.check(page, "secretary revoke form")
    page.get_by_label(re.compile("Lý do")).fill("Hồ sơ kê khai số liệu không đúng thực tế.")
    page.get_by_label("Số quyết định thu hồi").fill("45/QĐ-UBND")
    page.get_by_label("Ngày quyết định thu hồi").fill("2025-12-20")
    page.get_by_role("button", name=re.compile("Thu hồi")).click()
    page.wait_for_load_state()
    checker.check(page, "secretary revoked")
    anonymous.goto(verify_url)
    html = anonymous.content()
    assert "Đã thu hồi" in html and "không đúng thực tế" in html
    assert "theo Quyết định số 45/QĐ-UBND ngày 20/12/2025" in html
    checker.check(anonymous, "visitor verify revoked")
    visitor.close()

    assert not checker.problems, "\n".join(checker.problems)
    errors = checker.vnu_errors()
    assert not errors, "\n".join(errors)


def _qr_link(pdf, tmp_path) -> str | None:
    """The URL in the certificate's QR code (poppler + zbar), or None without them."""
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    if not (pdftoppm and zbarimg):
        return None
    prefix = tmp_path / "trang"
    subprocess.run(  # noqa: S603 (fixed tools, our files)
        [pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    image = next(tmp_path.glob("trang*.png"))
    out = subprocess.run(  # noqa: S603
        [zbarimg, "--quiet", "--raw", str(image)], capture_output=True, text=True, check=False
    )
    links = [line for line in out.stdout.splitlines() if "/verify/" in line]
    return links[0].strip() if links else None
