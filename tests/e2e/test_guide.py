"""The guide's screenshots: each role's pages, photographed by the browser as the guide
shows them (static/img/guide/, committed). `make test-e2e` makes them again, so the
guide follows the pages; every page photographed also passes the checks."""

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import ROOT, sign_in, sign_out

pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)

GUIDE_IMAGES = ROOT / "static" / "img" / "guide"
# A laptop's window, wide enough for the whole navigation bar.
VIEWPORT = {"width": 1280, "height": 800}


def _ids(db) -> dict:
    from dankheo.models import (
        Assignment,
        Campaign,
        CampaignKind,
        Initiative,
        Membership,
        Reviewer,
        Role,
        User,
    )

    def user(name):
        return db.session.scalar(sa.select(User).where(User.username == name))

    def campaign(year):
        return db.session.scalar(
            sa.select(Campaign.id).where(
                Campaign.year == year, Campaign.kind == CampaignKind.YEARLY
            )
        )

    officer = user("canbo.longhoa")
    unit_id = db.session.scalar(
        sa.select(Membership.unit_id).where(
            Membership.user_id == officer.id, Membership.role == Role.OFFICER
        )
    )
    assignment = db.session.scalar(
        sa.select(Assignment.id)
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .where(Reviewer.user_id == user("hoidong1").id)
        .order_by(Assignment.id.desc())
    )
    initiative = db.session.scalar(
        sa.select(Initiative.id).where(Initiative.unit_id == unit_id).order_by(Initiative.id)
    )
    return {
        "c2024": campaign(2024),
        "c2025": campaign(2025),
        "assignment": assignment,
        "initiative": initiative,
    }


def _shots(ids) -> list[tuple[str, str, str]]:
    """(username, page, image name) in the guide's order."""
    return [
        ("canbo.longhoa", "/inbox", "can-bo-viec-can-lam"),
        ("canbo.longhoa", "/registry/initiatives/new", "can-bo-dang-ky-mo-hinh"),
        ("canbo.longhoa", f"/registry/initiatives/{ids['initiative']}", "can-bo-trang-mo-hinh"),
        ("canbo.longhoa", "/nominations/new", "can-bo-ho-so-de-nghi"),
        ("thuky", f"/registry/campaigns/{ids['c2025']}", "thu-ky-dot-thi-dua"),
        ("thuky", f"/nominations/screening/{ids['c2025']}", "thu-ky-tiep-nhan"),
        ("thuky", f"/review/campaigns/{ids['c2025']}/committee", "thu-ky-hoi-dong"),
        ("thuky", f"/review/campaigns/{ids['c2024']}/ranking", "thu-ky-xep-hang"),
        ("thuky", "/certificates/decisions/new", "thu-ky-quyet-dinh"),
        ("hoidong1", "/review/", "hoi-dong-danh-sach"),
        ("hoidong1", f"/review/assignments/{ids['assignment']}", "hoi-dong-phieu-cham"),
        ("lanhdao", "/reports/", "lanh-dao-thong-ke"),
        ("admin", "/admin/units", "quan-tri-don-vi"),
        ("admin", "/admin/users", "quan-tri-nguoi-dung"),
        ("admin", "/notifications/outbox", "quan-tri-hop-thu-di"),
    ]


def test_guide_screenshots_are_made_from_the_pages(browser, live_server, checker):
    from dankheo.extensions import db

    with live_server.app.app_context():
        ids = _ids(db)
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport=VIEWPORT,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    checker.watch(page)
    GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
    signed_in = None
    made = []
    for username, url, name in _shots(ids):
        if username != signed_in:
            sign_out(page)
            sign_in(page, username)
            signed_in = username
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response.status}"
        page.screenshot(path=str(GUIDE_IMAGES / f"{name}.png"), full_page=False)
        made.append(name)
        checker.check(page, f"guide {name}")
    context.close()
    # Every image the guide pages ask for was made (and no stale one is left behind).
    wanted = _wanted_by_templates()
    assert wanted == set(made), wanted ^ set(made)
    for stale in {p.stem for p in GUIDE_IMAGES.glob("*.png")} - wanted:
        (GUIDE_IMAGES / f"{stale}.png").unlink()
    assert not checker.problems, "\n".join(checker.problems)
    errors = checker.vnu_errors()
    assert not errors, "\n".join(errors)


def _wanted_by_templates() -> set[str]:
    import re

    names = set()
    for template in (ROOT / "templates" / "main" / "guide").glob("*.html"):
        names |= set(re.findall(r"shot\('([a-z0-9-]+)'", template.read_text(encoding="utf-8")))
    return names
