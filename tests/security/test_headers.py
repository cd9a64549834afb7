"""Security headers on every kind of response, HSTS and secure cookies when configured."""

import pytest

from dankheo.models import Role
from tests.conftest import make_test_config
from tests.factories import make_province, make_user

PAGES = [
    "/",
    "/auth/login",
    "/healthz",
    "/api/v1/openapi.json",
    "/khong-ton-tai",
    "/static/js/app.js",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # static files are streamed from an open file
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_csp_allows_no_inline_script_or_style(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_pages_have_no_inline_script_or_style(client):
    # What the CSP would block must not be in our own pages either.
    for path in ("/", "/auth/login", "/khong-ton-tai"):
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html
        assert ' style="' not in html
        assert "<script>" not in html.replace(" ", "")
        assert "javascript:" not in html


def test_no_hsts_over_plain_http_even_when_enabled(app, client):
    app.config["HSTS_ENABLED"] = True
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_no_hsts_over_https_when_not_enabled(client):
    response = client.get("/", base_url="https://dankheo.example.vn")
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https_when_enabled(app, client):
    app.config["HSTS_ENABLED"] = True
    response = client.get("/", base_url="https://dankheo.example.vn")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_signed_in_pages_are_not_cached(app, client, auth):
    units = make_province()
    make_user("canbo", (Role.OFFICER, units["c11"]))
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    auth.login("canbo")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    static = client.get("/static/js/app.js")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "the sign-in sets a session cookie"
    return cookies[0]


def test_session_cookie_is_httponly_and_lax_by_default(client, auth):
    units = make_province()
    make_user("canbo", (Role.OFFICER, units["c11"]))
    cookie = _session_cookie(auth.login("canbo"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


class TestSecureCookies:
    @pytest.fixture
    def app_config(self, tmp_path):
        return make_test_config(tmp_path, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)

    def test_cookies_are_secure_when_configured(self, client):
        units = make_province()
        make_user("canbo", (Role.OFFICER, units["c11"]))
        response = client.post(
            "/auth/login",
            data={"username": "canbo", "password": "mat-khau-thu-nghiem", "remember": "y"},
            base_url="https://dankheo.example.vn",
        )
        assert response.status_code == 302
        cookies = response.headers.getlist("Set-Cookie")
        session = next(c for c in cookies if c.startswith("session="))
        remember = next(c for c in cookies if c.startswith("remember_token="))
        assert "Secure" in session and "HttpOnly" in session
        assert "Secure" in remember and "HttpOnly" in remember
