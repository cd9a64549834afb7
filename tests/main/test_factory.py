from pathlib import Path

from dankheo import STATIC_DIR, TEMPLATE_DIR, create_app


def test_template_and_static_folders_exist():
    assert (Path(TEMPLATE_DIR) / "base.html").is_file()
    assert (Path(STATIC_DIR) / "css" / "app.css").is_file()


def test_factory_uses_test_config(app):
    assert app.testing
    assert app.template_folder == str(TEMPLATE_DIR)


def test_factory_without_test_config_is_not_testing(tmp_path, monkeypatch):
    monkeypatch.setenv("DANKHEO_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert not app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/dankheo.sqlite3"


def test_environment_overrides_config(tmp_path, monkeypatch):
    monkeypatch.setenv("DANKHEO_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DANKHEO_MAX_CONTENT_LENGTH", "1234")
    assert create_app().config["MAX_CONTENT_LENGTH"] == 1234


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_page_is_vietnamese_404(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_security_headers(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_landing_page_is_vietnamese(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Dân vận khéo" in html
    assert "/static/bootstrap" not in html or "cdn" not in html.lower()
    assert "cdn.jsdelivr" not in html


def _remote_addr_seen(app) -> str:
    from flask import request

    @app.route("/_addr")
    def _addr():
        return request.remote_addr

    client = app.test_client()
    return client.get("/_addr", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True)


def test_forwarded_address_is_trusted_only_when_configured(tmp_path):
    from tests.conftest import make_test_config

    assert _remote_addr_seen(create_app(make_test_config(tmp_path))) == "127.0.0.1"
    proxied = create_app(make_test_config(tmp_path, PROXY_FIX_HOPS=1))
    assert _remote_addr_seen(proxied) == "203.0.113.9"
