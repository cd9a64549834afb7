"""Server-side session revocation (issue 14, findings 1 and 2).

After sign-out the old session cookie and the remember-me cookie kept working; changing
the password left other sessions signed in; the remember-me cookie was a fixed value per
user valid for a year, and with the public demo key one could be made without any
password. Every session now names the user's current session token, checked on every
request; sign-out, a password change or reset, disabling and "sign out everywhere"
replace it."""

import time

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie

from dankheo.config import DEMO_SECRET_KEY
from dankheo.extensions import db
from dankheo.models import AuditEvent, Role, User
from tests.conftest import make_test_config
from tests.factories import DEFAULT_PASSWORD, make_province, make_user

HOME = "Xin chào,"
REMEMBER = "remember_token"
NEW_PASSWORD = "hoa-sen-no-ben-song-vam-co"


@pytest.fixture
def app_config(tmp_path):
    # The demo's public key, as `make run` has it: the forged cookie below uses it.
    return make_test_config(tmp_path, SECRET_KEY=DEMO_SECRET_KEY)


@pytest.fixture
def users(app):
    units = make_province()
    return {
        "officer": make_user("canbo", (Role.OFFICER, units["c11"])),
        "admin": make_user("quantri", (Role.ADMIN, units["province"])),
    }


class Browser(FlaskClient):
    """A test client for one browser among several: the app fixture keeps one
    application context for the whole test, so Flask-Login's per-request cache of the
    user (g._login_user) must not carry one browser's user into another's request."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app):
    app.test_client_class = Browser
    return app


def _sign_in(app, username="canbo", remember=False, password=DEFAULT_PASSWORD):
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={"username": username, "password": password, "remember": "y" if remember else ""},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _signed_in(client) -> bool:
    return HOME in client.get("/").get_data(as_text=True)


def _cookies(client) -> dict:
    return {c.key: c.value for c in client._cookies.values()}


def _replay(app, cookies: dict):
    """A new browser holding copies of the cookies (what a thief would keep)."""
    client = app.test_client()
    for key, value in cookies.items():
        client.set_cookie(key, value)
    return client


def _only_remember(cookies: dict) -> dict:
    return {REMEMBER: cookies[REMEMBER]}


def test_after_sign_out_the_old_cookies_open_nothing(app, users):
    client = _sign_in(app, remember=True)
    copied = _cookies(client)
    assert REMEMBER in copied
    assert _signed_in(_replay(app, copied))
    client.post("/auth/logout")
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, copied))  # the session cookie
    assert not _signed_in(_replay(app, _only_remember(copied)))  # the remember-me cookie


def test_changing_the_password_signs_out_every_other_session(app, users):
    here = _sign_in(app)
    elsewhere = _sign_in(app, remember=True)
    remembered = _only_remember(_cookies(elsewhere))
    response = here.post(
        "/auth/password",
        data={"current": DEFAULT_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _signed_in(here)  # the session that changed it goes on
    assert not _signed_in(elsewhere)
    assert not _signed_in(_replay(app, remembered))


def test_sign_out_everywhere_ends_every_session_and_is_audited(app, users):
    one, two = _sign_in(app), _sign_in(app, remember=True)
    remembered = _only_remember(_cookies(two))
    page = one.get("/auth/password").get_data(as_text=True)
    assert "Đăng xuất trên mọi thiết bị" in page
    one.post("/auth/sign-out-everywhere")
    assert not _signed_in(one) and not _signed_in(two)
    assert not _signed_in(_replay(app, remembered))
    assert db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "user.revoke_sessions")
    )


def test_disabling_a_user_ends_their_sessions(app, users):
    victim = _sign_in(app, remember=True)
    remembered = _only_remember(_cookies(victim))
    admin = _sign_in(app, "quantri")
    user_id = users["officer"].id
    response = admin.post(
        f"/admin/users/{user_id}",
        data={"profile-full_name": "Cán Bộ", "profile-email": ""},  # active unticked
    )
    assert response.status_code == 302
    assert not _signed_in(victim)
    assert not _signed_in(_replay(app, remembered))


def test_an_admins_password_reset_ends_the_users_sessions(app, users):
    victim = _sign_in(app)
    admin = _sign_in(app, "quantri")
    response = admin.post(
        f"/admin/users/{users['officer'].id}/password",
        data={"pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not _signed_in(victim)


def test_a_remember_cookie_forged_with_the_demo_key_opens_nothing(app, users):
    """The attack of finding 1: with the public demo key, a remember-me cookie for user
    id 2 (the admin here) made without any password."""
    admin_id = users["admin"].id
    client = app.test_client()
    client.set_cookie(REMEMBER, encode_cookie(str(admin_id), key=DEMO_SECRET_KEY))
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    # Even knowing the format, the token is a random secret of the server.
    guess = f"{admin_id}:{'A' * 43}:{int(time.time())}"
    client = app.test_client()
    client.set_cookie(REMEMBER, encode_cookie(guess, key=DEMO_SECRET_KEY))
    assert client.get("/admin/users").status_code == 302


def test_remember_cookies_differ_per_user_and_per_sign_in(app, users):
    first = _cookies(_sign_in(app, remember=True))[REMEMBER]
    time.sleep(1.1)  # sign-in times are in seconds
    second = _cookies(_sign_in(app, remember=True))[REMEMBER]
    other = _cookies(_sign_in(app, "quantri", remember=True))[REMEMBER]
    assert len({first, second, other}) == 3
    # Not the bare "<id>|<digest>" of old: the value starts with the id and a random token.
    assert not first.startswith(str(users["officer"].id) + "|")


def test_a_cookie_older_than_the_session_max_age_is_refused(app, users):
    user = db.session.get(User, users["officer"].id)
    max_age = int(app.config["SESSION_MAX_AGE"].total_seconds())
    client = app.test_client()
    user.signed_in_at = int(time.time()) - max_age - 60
    client.set_cookie(REMEMBER, encode_cookie(user.get_id(), key=app.config["SECRET_KEY"]))
    assert not _signed_in(client)
    user.signed_in_at = int(time.time()) - 60
    client = app.test_client()
    client.set_cookie(REMEMBER, encode_cookie(user.get_id(), key=app.config["SECRET_KEY"]))
    assert _signed_in(client)
