"""The public gallery: recognised initiatives without sign-in, no private fields, only
evidence marked public."""

import io

import pytest
from PIL import Image

from dankheo.campaigns import services as campaign_services
from dankheo.extensions import db
from dankheo.models import YearStatus
from dankheo.registry import evidence_records
from tests.factories import make_initiative, make_province


@pytest.fixture
def units(app):
    units = make_province()
    campaign_services.ensure_default_fields()
    db.session.commit()
    return units


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 40)).save(out, "PNG")
    return out.getvalue()


def test_gallery_lists_only_recognised_initiatives(client, units):
    make_initiative(units["c11"], "Tuyến đường hoa", status=YearStatus.RECOGNISED)
    make_initiative(units["c12"], "Camera an ninh", status=YearStatus.OUTSTANDING)
    make_initiative(units["c21"], "Bản nháp bí mật", status=YearStatus.REGISTERED)
    make_initiative(units["c22"], "Mô hình đã dừng", status=YearStatus.DROPPED)
    db.session.commit()
    html = client.get("/public/").get_data(as_text=True)
    assert "Tuyến đường hoa" in html and "Camera an ninh" in html
    assert "Bản nháp bí mật" not in html and "Mô hình đã dừng" not in html


def test_gallery_search_and_filters(client, units):
    make_initiative(units["c11"], "Tuyến đường hoa", year=2023)
    make_initiative(units["c21"], "Camera an ninh", year=2024)
    db.session.commit()
    html = client.get("/public/?q=DUONG").get_data(as_text=True)
    assert "Tuyến đường hoa" in html and "Camera an ninh" not in html
    html = client.get(f"/public/?unit={units['d2'].id}").get_data(as_text=True)
    assert "Camera an ninh" in html and "Tuyến đường hoa" not in html
    html = client.get("/public/?year=2023").get_data(as_text=True)
    assert "Tuyến đường hoa" in html and "Camera an ninh" not in html
    assert "Không có mô hình nào" in client.get("/public/?q=zzzz").get_data(as_text=True)


def test_public_detail_shows_no_private_fields(client, units):
    item = make_initiative(
        units["c11"],
        "Tuyến đường hoa",
        problem="Thông tin nội bộ về thực trạng",
        implementers="Danh sách người thực hiện nội bộ",
        goals="Xanh – sạch – đẹp",
        funding_vnd=123_456_789,
    )
    db.session.commit()
    html = client.get(f"/public/initiatives/{item.id}").get_data(as_text=True)
    assert "Tuyến đường hoa" in html and "Xanh – sạch – đẹp" in html
    assert "Thông tin nội bộ" not in html and "người thực hiện nội bộ" not in html
    assert "123.456.789" not in html


def test_unrecognised_initiative_has_no_public_page(client, units):
    item = make_initiative(units["c11"], "Bản nháp", status=YearStatus.REGISTERED)
    db.session.commit()
    assert client.get(f"/public/initiatives/{item.id}").status_code == 404


def test_only_evidence_marked_public_is_shown_and_served(client, units):
    item = make_initiative(units["c11"], "Tuyến đường hoa")
    shown = evidence_records.add_evidence(
        None, item, data=_png(), filename="a.png", title="Ảnh công khai", is_public=True
    )
    hidden = evidence_records.add_evidence(
        None,
        item,
        data=b"%PDF-1.4 private",
        filename="b.pdf",
        title="Báo cáo nội bộ",
        is_public=False,
    )
    db.session.commit()
    html = client.get(f"/public/initiatives/{item.id}").get_data(as_text=True)
    assert "Ảnh công khai" in html and "Báo cáo nội bộ" not in html
    with client.get(f"/public/evidence/{shown.id}") as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/public/evidence/{hidden.id}").status_code == 404
