"""Every role's landing pages in a real browser: accessible, valid HTML, no CSP breakage."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)

# Pages beyond the navigation bar, per role: second-level pages people use daily.
EXTRA = {
    "admin": ["/admin/units", "/admin/users", "/admin/users/new", "/registry/fields"],
    "canbo.longhoa": [
        "/registry/initiatives/new",
        "/registry/exemplars/new",
        "/registry/priority-areas",
    ],
    "lanhdao": ["/reports/?year=giai-doan&mode=current", "/reports/?year=2024"],
    "thuky": [
        "/review/campaigns",
        "/certificates/issuers",
        "/certificates/issuers/new",
        "/reports/narrative",
    ],
}

ROLES = ["admin", "thuky", "lanhdao", "canbo.longhoa", "canbo.hoathanh", "hoidong1"]


def test_anonymous_pages(page, checker):
    checker.watch(page)
    page.goto("/")
    checker.check(page, "landing")
    page.goto("/auth/login")
    checker.check(page, "login")
    page.goto("/trang-khong-ton-tai")
    checker.check(page, "not found")
    page.goto("/public/")
    checker.check(page, "gallery")
    first = page.locator("main a[href*='/public/initiatives/']").first
    if first.count():
        first.click()
        page.wait_for_load_state()
        checker.check(page, "gallery initiative")
    page.goto("/verify")
    checker.check(page, "verify lookup")
    assert not checker.problems, "\n".join(checker.problems)
    errors = checker.vnu_errors()
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("username", ROLES)
def test_signed_in_home_and_navigation(page, checker, username):
    checker.watch(page)
    sign_in(page, username, checker)
    checker.check(page, f"home {username}")
    # Every entry of the navigation bar opens and passes the checks.
    links = page.locator("nav[aria-label='Điều hướng chính'] .navbar-nav.me-auto a.nav-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:
        response = page.goto(href)
        assert response is not None and response.status < 400, f"{href}: {response.status}"
        checker.check(page, f"{username} {href}")
    page.goto("/auth/password")
    checker.check(page, f"{username} password")
    for path in EXTRA.get(username, ()):
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{path}: {response.status}"
        checker.check(page, f"{username} {path}")
    assert not checker.problems, "\n".join(checker.problems)
    errors = checker.vnu_errors()
    assert not errors, "\n".join(errors)
