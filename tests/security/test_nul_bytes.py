"""NUL and other control characters in URLs and query strings: PostgreSQL refuses NUL in
text, so every place that passes request text to a query must clean it first."""

import pytest
from flask import g

from tests.security.world import build_world, sign_in_session

PUBLIC = [
    "/api/v1/initiatives?q=a%00b",
    "/api/v1/certificates/DVK%00-2024",
    "/public/?q=%00d%C3%A2n",
    "/verify?serial=DVK-2024-%00",
    "/verify/DVK-2024-%00001",
]
SIGNED_IN = [
    "/registry/initiatives?q=%00",
    "/registry/exemplars?q=a%00",
    "/nominations/?q=%00",
    "/admin/units?q=%00",
    "/admin/users?q=%00",
    "/admin/audit?person=%00",
    "/certificates/decisions?q=%00",
]


@pytest.mark.parametrize("url", PUBLIC + SIGNED_IN)
def test_nul_in_the_url_never_fails(app, client, url):
    world = build_world()
    if url in SIGNED_IN:
        g.pop("_login_user", None)
        with client.session_transaction() as session:
            sign_in_session(session, world.users["admin"])
    response = client.get(url)
    response.close()
    assert response.status_code < 500, f"{url}: {response.status_code}"


def test_nul_in_a_form_field_is_refused_with_400(client):
    response = client.post("/auth/login", data={"username": "can\x00bo", "password": "x"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.get_data(as_text=True)
