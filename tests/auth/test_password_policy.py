"""The password policy (issue 14, finding 5): passwords equal to the username, to
"dankheo-demo" or "1111111111" were accepted. Every place a person chooses a password
refuses the weak ones with a Vietnamese message and saves nothing."""

import pytest
import sqlalchemy as sa

from dankheo.auth import passwords
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import Role, User
from tests.factories import DEFAULT_PASSWORD, make_province, make_user

STRONG = "hoa-sen-no-ben-song-vam-co"
FULL_NAME = "Nguyễn Thị Ánh Tuyết"

# (password, the message's code), for the user "anhtuyet" named FULL_NAME.
WEAK = [
    ("anhtuyet", "password.too_short"),
    ("anhtuyet2024", "password.personal"),  # the username
    ("Anhtuyet-2024!", "password.personal"),
    ("nguyen-thi-anh-tuyet", "password.personal"),  # the full name, without diacritics
    ("Nguyễn Thị Ánh Tuyết 1", "password.personal"),  # … and with them
    ("tuyet-2024-xyz", "password.personal"),  # the given name
    ("dankheo-demo", "password.personal"),  # the published demo password
    ("dankheo-2025-abc", "password.personal"),  # the product's name
    ("dan van kheo 2025", "password.personal"),
    ("1111111111", "password.guessable"),
    ("1234567890", "password.guessable"),
    ("password123", "password.guessable"),
    ("qwertyuiop", "password.guessable"),
    ("iloveyou2024", "password.guessable"),
    ("x" * 201, "password.too_long"),
]


@pytest.mark.parametrize(("password", "code"), WEAK, ids=[w[0][:20] for w in WEAK])
def test_weak_passwords_are_refused_with_their_reason(app, password, code):
    with pytest.raises(DomainError) as refused:
        passwords.check(password, username="anhtuyet", full_name=FULL_NAME)
    assert refused.value.code == code


@pytest.mark.parametrize("password", [STRONG, "Tayninh-2025!xanh", "mat-khau-rat-dai-2024"])
def test_strong_passwords_pass(app, password):
    passwords.check(password, username="anhtuyet", full_name=FULL_NAME)


@pytest.fixture
def units(app):
    return make_province()


def test_change_password_page_refuses_the_username(app, client, auth, units):
    user = make_user("anhtuyet", (Role.OFFICER, units["c11"]), full_name=FULL_NAME)
    before = user.password_hash
    auth.login("anhtuyet")
    html = client.post(
        "/auth/password",
        data={"current": DEFAULT_PASSWORD, "new": "anhtuyet12345", "confirm": "anhtuyet12345"},
    ).get_data(as_text=True)
    assert "Mật khẩu không được chứa tên đăng nhập, họ tên" in html
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_admin_new_user_refuses_the_demo_password(app, client, auth, units):
    make_user("quantri", (Role.ADMIN, units["province"]))
    auth.login("quantri")
    html = client.post(
        "/admin/users/new",
        data={"username": "moi", "full_name": "Người Mới", "password": "dankheo-demo"},
    ).get_data(as_text=True)
    assert "mật khẩu dùng thử" in html
    assert db.session.scalar(sa.select(User).where(User.username == "moi")) is None


def test_admin_reset_refuses_a_common_password(app, client, auth, units):
    make_user("quantri", (Role.ADMIN, units["province"]))
    victim = make_user("canbo", (Role.OFFICER, units["c11"]))
    before = victim.password_hash
    auth.login("quantri")
    response = client.post(
        f"/admin/users/{victim.id}/password",
        data={"pw-password": "1111111111", "pw-confirm": "1111111111"},
    )
    assert response.status_code == 400
    assert "Mật khẩu quá dễ đoán" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, victim.id).password_hash == before


def test_the_services_refuse_too(app, units):
    """Not only the forms: the account services check the policy themselves."""
    from dankheo.auth import services

    user = make_user("canbo", (Role.OFFICER, units["c11"]))
    with pytest.raises(DomainError):
        services.reset_password(user, "1111111111", actor=None)
    with pytest.raises(DomainError):
        services.change_password(user, DEFAULT_PASSWORD, "canbo-12345678")


def test_create_user_command_refuses_a_weak_password(app, runner):
    make_province()
    result = runner.invoke(
        args=["create-user", "thuky", "--full-name", "Thư Ký", "--password", "1111111111"]
    )
    assert result.exit_code != 0
    assert "Mật khẩu quá dễ đoán" in result.output
    assert db.session.scalar(sa.select(User).where(User.username == "thuky")) is None
