"""Sign-in throttling (issue 14, finding 5): growing delays by account, by address and by
the pair, kept in the database; nobody can lock an account; an unknown username costs
what a known one costs."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from dankheo import create_app
from dankheo.auth import passwords, throttle
from dankheo.extensions import db
from dankheo.models import LoginAttempt, Role
from dankheo.models.base import utcnow
from tests.conftest import make_test_config
from tests.factories import DEFAULT_PASSWORD, make_province, make_user

HOME = "Xin chào,"


@pytest.fixture
def officer(app):
    units = make_province()
    return make_user("canbo", (Role.OFFICER, units["c11"]))


def _login(client, username="canbo", password=DEFAULT_PASSWORD, address="127.0.0.1"):
    return client.post(
        "/auth/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _failures(username, address, count, ago_seconds):
    """``count`` failed attempts ``ago_seconds`` ago, as if made by someone."""
    at = utcnow() - timedelta(seconds=ago_seconds)
    db.session.add_all(
        LoginAttempt(username=username, succeeded=False, remote_addr=address, at=at)
        for _ in range(count)
    )
    db.session.commit()


def _age(seconds):
    """Every logged attempt ``seconds`` older (in Python: SQLite stores datetimes as
    text, on which SQL arithmetic would silently produce nonsense)."""
    for attempt in db.session.scalars(sa.select(LoginAttempt)):
        attempt.at -= timedelta(seconds=seconds)
    db.session.commit()


def test_delays_grow_and_are_capped():
    assert [throttle.delay(n, 3, 900) for n in range(0, 9)] == [0, 0, 0, 1, 2, 4, 8, 16, 32]
    assert throttle.delay(40, 3, 900) == 900
    assert throttle.delay(10**6, 3, 60) == 60


def test_failures_from_one_address_slow_that_account_there(app, client, officer):
    for _ in range(3):  # free
        assert "không đúng" in _login(client, password="sai").get_data(as_text=True)
    html = _login(client).get_data(as_text=True)  # the right password, too soon
    assert "Vui lòng chờ 1 giây" in html
    assert _login(client, address="10.0.0.9").status_code == 302  # elsewhere: no wait


def test_the_wait_is_over_once_its_time_has_passed(app, client, officer):
    _failures("canbo", "127.0.0.1", 6, ago_seconds=2)  # 6 failures: 8 s to wait, 6 left
    now = utcnow()
    assert 5 <= throttle.seconds_to_wait("canbo", "127.0.0.1", now) <= 6
    assert throttle.seconds_to_wait("canbo", "127.0.0.1", now + timedelta(seconds=9)) == 0
    _age(9)
    assert _login(client).status_code == 302


def test_nobody_can_lock_an_account(app, client, officer):
    """An attacker fails 200 times from many addresses: the real user, from their own
    address, waits no longer than the account-wide cap, then signs in."""
    for i in range(40):
        _failures("canbo", f"203.0.113.{i}", 5, ago_seconds=1)
    cap = app.config["LOGIN_MAX_ACCOUNT_DELAY_SECONDS"]
    assert 0 < throttle.seconds_to_wait("canbo", "10.1.1.1", utcnow()) <= cap
    assert "Vui lòng chờ" in _login(client, address="10.1.1.1").get_data(as_text=True)
    _age(cap + 1)
    response = _login(client, address="10.1.1.1")
    assert response.status_code == 302
    assert HOME in client.get("/").get_data(as_text=True)


def test_one_address_trying_many_usernames_is_slowed(app, client, officer):
    """26 failures over 16 usernames from one address (the attack that went unslowed)."""
    for i in range(26):
        _login(client, username=f"nguoi{i % 16}", password="sai", address="198.51.100.7")
    html = _login(client, username="nguoi99", password="sai", address="198.51.100.7")
    assert "Vui lòng chờ" in html.get_data(as_text=True)
    # The same username from another address is not slowed by that address's failures.
    assert "Vui lòng chờ" not in _login(client, address="10.0.0.2").get_data(as_text=True)


def test_refused_attempts_do_not_lengthen_the_wait(app, client, officer):
    for _ in range(4):
        _login(client, password="sai")
    written = db.session.scalar(sa.select(sa.func.count(LoginAttempt.id)))
    for _ in range(20):  # hammering during the wait
        assert "Vui lòng chờ" in _login(client, password="sai").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == written


def test_a_success_clears_the_accounts_counters(app, client, officer):
    _failures("canbo", "127.0.0.1", 2, ago_seconds=5)
    assert _login(client).status_code == 302
    client.post("/auth/logout")
    _failures("canbo", "127.0.0.1", 1, ago_seconds=0)
    assert throttle.seconds_to_wait("canbo", "127.0.0.1", utcnow()) == 0


def test_unknown_and_known_usernames_cost_one_argon2_verification_each(
    app, client, officer, monkeypatch
):
    """No timing oracle: whether the user exists, one Argon2id verification is made."""
    calls = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda h, p: calls.append(h) or real(h, p))
    _login(client, username="canbo", password="sai")
    _login(client, username="khong-ton-tai", password="sai")
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)
    assert "không đúng" in _login(client, username="ai-do", password="x").get_data(as_text=True)


def test_throttling_is_shared_by_every_process(tmp_path):
    """Counts live in the database: failures seen by one application instance (process)
    slow the next attempt made through another one on the same database."""
    uri = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    second = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with first.app_context():
        db.create_all()
        make_user("canbo", (Role.OFFICER, make_province()["c11"]))
        client = first.test_client()
        for _ in range(4):
            _login(client, password="sai")
        db.engine.dispose()
    with second.app_context():
        html = _login(second.test_client()).get_data(as_text=True)
        db.engine.dispose()
    assert "Vui lòng chờ" in html
