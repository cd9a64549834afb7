"""Outside debug mode, errors are Vietnamese pages: never a traceback, never SQL."""

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from tests.conftest import make_test_config

LEAKS = ("Traceback", "SELECT", "sqlite3", "OperationalError", 'File "', "werkzeug", "secret_col")


def _add_failing_routes(app):
    def boom():
        raise RuntimeError("kaboom in a view /home/secret/path.py")

    def bad_sql():
        db.session.execute(sa.text("SELECT secret_col FROM no_such_table"))

    def api_boom():
        raise RuntimeError("kaboom in the API")

    app.add_url_rule("/__test__/boom", "test_boom", boom)
    app.add_url_rule("/__test__/sql", "test_sql", bad_sql)
    app.add_url_rule("/api/v1/__test__/boom", "test_api_boom", api_boom)


@pytest.fixture
def app_config(tmp_path):
    # Production-like: not testing, not debug, so errors are handled as in service.
    return make_test_config(tmp_path, TESTING=False, DEBUG=False)


@pytest.fixture
def failing_client(app):
    _add_failing_routes(app)
    return app.test_client()


@pytest.mark.parametrize("path", ["/__test__/boom", "/__test__/sql"])
def test_unexpected_error_shows_vietnamese_500_without_details(failing_client, path):
    response = failing_client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Lỗi hệ thống" in html and "Đã xảy ra lỗi ngoài dự kiến" in html
    for leak in (*LEAKS, "kaboom"):
        assert leak not in html
    assert response.headers["Content-Security-Policy"]


def test_api_error_is_json_without_details(failing_client):
    response = failing_client.get("/api/v1/__test__/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == 500
    assert "kaboom" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_database_still_usable_after_a_failed_statement(failing_client):
    failing_client.get("/__test__/sql")
    assert failing_client.get("/healthz").get_json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("path", "code", "title"),
    [
        ("/khong-ton-tai", 404, "Không tìm thấy trang"),
        ("/auth/logout", 405, "Phương thức không được hỗ trợ"),
    ],
)
def test_http_errors_are_vietnamese_pages(failing_client, path, code, title):
    response = failing_client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert title in html and 'lang="vi"' in html
    assert "Traceback" not in html and "werkzeug" not in html.lower()


def test_oversized_body_gets_the_413_page(app, failing_client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = failing_client.post("/auth/login", data={"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "Tệp tải lên quá lớn" in response.get_data(as_text=True)


def _raise(exc):
    def view():
        raise exc

    return view


class _Orig(Exception):
    def __init__(self, text, sqlstate=None):
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (sa.exc.IntegrityError("INSERT", {}, _Orig("UNIQUE constraint failed: x.y")), 409),
        (sa.exc.IntegrityError("INSERT", {}, _Orig("duplicate key", sqlstate="23505")), 409),
        (sa.orm.exc.StaleDataError("UPDATE expected 1 row, 0 matched"), 409),
        (sa.exc.IntegrityError("INSERT", {}, _Orig("NOT NULL constraint failed: x.y")), 500),
    ],
    ids=["sqlite unique", "postgresql unique", "stale version", "not null is a bug"],
)
def test_concurrent_writes_get_409_not_500(app, exc, code):
    # Two tabs saving one scorecard at once: the loser is told someone else saved.
    app.add_url_rule("/__test__/race", "test_race", _raise(exc))
    response = app.test_client().get("/__test__/race")
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert ("Dữ liệu đã thay đổi" in html) == (code == 409)
    assert "UNIQUE" not in html and "Traceback" not in html
