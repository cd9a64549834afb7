"""Anonymous responses kept in the shared cache (web.page_cache): the gallery and the
open-data API. The same URL at the same data versions is answered from the cache; a
commit shows at once; a signed-in person's page is never taken from it or put in it."""

import pytest
import sqlalchemy as sa
from flask import g

from dankheo.campaigns import services as campaign_services
from dankheo.extensions import db
from dankheo.models import Initiative, Role, YearStatus
from tests.factories import make_initiative, make_province, make_user


@pytest.fixture
def data(app):
    units = make_province()
    campaign_services.ensure_default_fields()
    item = make_initiative(units["c11"], "Tuyến đường hoa", status=YearStatus.RECOGNISED)
    make_user("thuky", (Role.SECRETARY, units["province"]), full_name="Thư Ký Tỉnh")
    db.session.commit()
    return {"units": units, "item": item}


def _rename(item_id: int, name: str) -> None:
    item = db.session.get(Initiative, item_id)
    item.name = name
    db.session.commit()


@pytest.mark.parametrize("path", ["/public/", "/public/?q=duong", "/api/v1/initiatives"])
def test_same_url_is_served_from_the_cache(client, data, count_queries, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["X-Page-Cache"] == "miss"
    with count_queries() as q:
        second = client.get(path)
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert second.content_type == first.content_type
    assert q.count <= 1  # the data versions only


@pytest.mark.parametrize("path", ["/public/", "/api/v1/initiatives"])
def test_a_commit_shows_at_once(client, data, path):
    def text(response) -> str:
        body = response.get_json()
        return str(body) if body is not None else response.get_data(as_text=True)

    assert "Tuyến đường hoa" in text(client.get(path))
    assert client.get(path).headers["X-Page-Cache"] == "hit"
    _rename(data["item"].id, "Ngõ phố văn minh")
    response = client.get(path)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Ngõ phố văn minh" in text(response) and "Tuyến đường hoa" not in text(response)


def test_uncommitted_changes_are_not_answered_from_the_cache(client, data):
    client.get("/public/")
    item = db.session.get(Initiative, data["item"].id)
    item.name = "Đổi tên chưa lưu"
    db.session.flush()
    response = client.get("/public/")
    assert "X-Page-Cache" not in response.headers
    assert "Đổi tên chưa lưu" in response.get_data(as_text=True)
    db.session.rollback()


def test_each_url_has_its_own_entry(client, data):
    client.get("/public/")
    response = client.get("/public/?q=zzzz")
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Không có mô hình nào" in response.get_data(as_text=True)


def test_signed_in_pages_are_never_taken_from_nor_put_in_the_cache(client, auth, data):
    client.get("/public/")  # an anonymous entry exists
    auth.login("thuky")
    signed_in = client.get("/public/")
    assert "X-Page-Cache" not in signed_in.headers
    assert "Thư Ký Tỉnh" in signed_in.get_data(as_text=True)
    other = client.application.test_client()

    def as_anonymous(path):
        # The test keeps one application context (and its ``g``, where Flask-Login
        # keeps the user) across requests; a served request has its own.
        g.pop("_login_user", None)
        return other.get(path)

    anonymous = as_anonymous("/public/?year=2024")
    assert anonymous.headers["X-Page-Cache"] == "miss"
    g.pop("_login_user", None)
    mine = client.get("/public/?year=2024")  # signed in: rendered for them, not stored
    assert "X-Page-Cache" not in mine.headers and "Thư Ký Tỉnh" in mine.get_data(as_text=True)
    g.pop("_login_user", None)
    client.get("/public/?year=2023")
    assert as_anonymous("/public/?year=2023").headers["X-Page-Cache"] == "miss"
    again = as_anonymous("/public/?year=2024")
    assert again.headers["X-Page-Cache"] == "hit"
    assert "Thư Ký Tỉnh" not in again.get_data(as_text=True)


def test_a_pending_flash_message_is_shown_not_cached(client, auth, data):
    client.get("/public/")
    auth.login("thuky")
    client.post("/auth/logout")  # "Bạn đã đăng xuất." waits for the next page
    response = client.get("/public/")
    assert "X-Page-Cache" not in response.headers
    assert "Bạn đã đăng xuất." in response.get_data(as_text=True)
    after = client.get("/public/")
    assert after.headers["X-Page-Cache"] == "hit"
    assert "Bạn đã đăng xuất." not in after.get_data(as_text=True)


def test_api_validators_are_the_same_from_the_cache(client, data):
    first = client.get("/api/v1/initiatives")
    second = client.get("/api/v1/initiatives")
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert second.headers["Cache-Control"] == "public, no-cache"
    not_modified = client.get(
        "/api/v1/initiatives", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert not_modified.status_code == 304
    _rename(data["item"].id, "Ngõ phố văn minh")
    changed = client.get("/api/v1/initiatives", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert changed.get_json()["items"][0]["name"] == "Ngõ phố văn minh"


def test_errors_are_not_kept(client, data):
    assert client.get("/api/v1/initiatives?year=abc").status_code == 400
    assert "X-Page-Cache" not in client.get("/api/v1/initiatives?year=abc").headers
    assert client.get("/public/initiatives/999999").status_code == 404


def test_no_cache_when_switched_off(app, client, data):
    app.config["PAGE_CACHE_SECONDS"] = 0
    client.get("/public/")
    assert "X-Page-Cache" not in client.get("/public/").headers


def test_a_private_initiative_page_never_enters_the_cache(client, data):
    hidden = make_initiative(data["units"]["c12"], "Bản nháp", status=YearStatus.REGISTERED)
    db.session.commit()
    assert client.get(f"/public/initiatives/{hidden.id}").status_code == 404
    hidden.years[0].status = YearStatus.RECOGNISED
    db.session.commit()
    assert db.session.scalar(sa.select(Initiative.is_public).where(Initiative.id == hidden.id))
    response = client.get(f"/public/initiatives/{hidden.id}")
    assert response.status_code == 200 and "Bản nháp" in response.get_data(as_text=True)
