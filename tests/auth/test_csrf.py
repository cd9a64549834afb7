import pytest

from dankheo.models import Role
from tests.conftest import make_test_config
from tests.factories import make_province, make_user


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, WTF_CSRF_ENABLED=True)


def test_post_without_csrf_token_is_refused(client, app):
    units = make_province()
    make_user("canbo", (Role.OFFICER, units["c11"]))
    response = client.post(
        "/auth/login", data={"username": "canbo", "password": "mat-khau-thu-nghiem"}
    )
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert "Xin chào," not in client.get("/").get_data(as_text=True)


def test_post_with_csrf_token_is_accepted(client, app):
    import re

    units = make_province()
    make_user("canbo", (Role.OFFICER, units["c11"]))
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/auth/login",
        data={"username": "canbo", "csrf_token": token, "password": "mat-khau-thu-nghiem"},
    )
    assert response.status_code == 302
