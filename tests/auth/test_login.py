import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import LoginAttempt, Role, User
from tests.factories import DEFAULT_PASSWORD, make_province, make_user


@pytest.fixture
def units(app):
    return make_province()


@pytest.fixture
def officer(units):
    return make_user("canbo", (Role.OFFICER, units["c11"]))


def test_login_page_has_contract_fields(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html
    assert "Đăng nhập" in html


def test_login_success_lands_on_vietnamese_home(auth, officer):
    response = auth.login("canbo", follow=True)
    html = response.get_data(as_text=True)
    assert "Xin chào," in html and officer.full_name in html
    assert "Cán bộ đơn vị" in html


def test_password_is_hashed_with_argon2(officer):
    assert officer.password_hash.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in officer.password_hash


def test_wrong_password_is_refused(auth, officer):
    html = auth.login("canbo", "sai-mat-khau").get_data(as_text=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in html
    failures = db.session.scalar(
        sa.select(sa.func.count()).where(LoginAttempt.succeeded.is_(False))
    )
    assert failures == 1


def test_disabled_user_cannot_sign_in(auth, units):
    make_user("khoa", (Role.OFFICER, units["c11"]), active=False)
    html = auth.login("khoa").get_data(as_text=True)
    assert "Tài khoản đã bị khóa" in html
    assert "Xin chào," not in auth._client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/auth/password", "/auth/password"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_to_local_paths(client, officer, next_url, expected):
    response = client.post(
        f"/auth/login?next={next_url}", data={"username": "canbo", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout(auth, client, officer):
    auth.login("canbo")
    auth.logout()
    assert "Xin chào," not in client.get("/").get_data(as_text=True)


def test_change_password(auth, client, officer):
    auth.login("canbo")
    response = client.post(
        "/auth/password",
        data={
            "current": DEFAULT_PASSWORD,
            "new": "mat-khau-moi-123",
            "confirm": "mat-khau-moi-123",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.username == "canbo"))
    from dankheo.auth.services import verify_password

    assert verify_password(user, "mat-khau-moi-123")


def test_change_password_rejects_short_and_mismatch(auth, client, officer):
    auth.login("canbo")
    html = client.post(
        "/auth/password", data={"current": DEFAULT_PASSWORD, "new": "ngan", "confirm": "khac"}
    ).get_data(as_text=True)
    assert "Độ dài phải từ 10 đến 200 ký tự." in html
    assert "Mật khẩu nhập lại không khớp." in html


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
