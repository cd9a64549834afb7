"""The statistics dashboard: who may see what, the figures, drill-down, charts."""

import re

import pytest

from dankheo.extensions import db
from dankheo.models import Role
from tests.factories import make_user


def cell(html: str, key: str) -> int:
    match = re.search(rf'data-(?:cell|total)="{re.escape(key)}" data-value="(\d+)"', html)
    assert match, key
    return int(match.group(1))


@pytest.mark.parametrize("path", ["/reports/", "/reports/report.xlsx", "/reports/report.pdf"])
def test_anonymous_is_sent_to_login(client, units, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_reviewer_only_is_refused_and_pointed_to_the_queue(client, auth, reviewer):
    auth.login("giamkhao")
    response = client.get("/reports/")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "hồ sơ được phân công chấm điểm" in html


@pytest.mark.parametrize("path", ["/reports/report.xlsx", "/reports/report.pdf"])
def test_reviewer_only_cannot_export(client, auth, reviewer, path):
    auth.login("giamkhao")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/reports/", "/reports/report.xlsx", "/reports/report.pdf"])
def test_leader_of_another_subtree_is_refused(client, auth, data, district_leader, path):
    auth.login("lanhdaohuyen")
    assert client.get(f"{path}?unit={data['d2'].id}").status_code == 403
    assert client.get(f"{path}?unit={data['province'].id}").status_code == 403


def test_unknown_unit_is_404(client, auth, leader):
    auth.login("lanhdao")
    assert client.get("/reports/?unit=99999").status_code == 404


@pytest.mark.parametrize("query", ["year=1999", "year=abc", "mode=other"])
def test_bad_parameters_are_400(client, auth, leader, query):
    auth.login("lanhdao")
    assert client.get(f"/reports/?{query}").status_code == 400


def test_leader_sees_subtree_figures_with_links_to_the_list(client, auth, data, leader):
    auth.login("lanhdao")
    html = client.get("/reports/?year=2024").get_data(as_text=True)
    assert "Tỉnh Thử Nghiệm – năm 2024" in html
    # 2024: c11 outstanding, c12 registered + recognised (nomination), c21 dropped +
    # recognised (nomination), c22 recognised, agency recognised, province recognised.
    assert cell(html, "tinh-trang-1") == 8
    assert cell(html, "tinh-trang-0-1") == 1  # registered
    assert cell(html, "tinh-trang-1-1") == 5  # recognised
    province = data["province"].id
    assert f"/registry/initiatives?year=2024&amp;unit={province}&amp;status=recognised" in html
    # By unit: the districts are drillable, the province's own records are a row.
    assert f"/reports/?unit={data['d1'].id}&amp;year=2024&amp;mode=year" in html
    assert "Tỉnh Thử Nghiệm (trực tiếp)" in html
    assert "Theo cơ cấu tổ chức của từng năm" in html
    # Exemplars, nominations, awards, replication.
    assert cell(html, "dien-hinh-1") == 2
    assert cell(html, "ho-so-1") == 2
    assert cell(html, "khen-thuong-1") == 1
    assert cell(html, "nhan-rong-0-1") == 1


def test_drilling_into_a_district_shows_its_communes(client, auth, data, leader):
    auth.login("lanhdao")
    html = client.get(f"/reports/?unit={data['d1'].id}&year=2024").get_data(as_text=True)
    assert "Xã Một Một" in html and "Xã Một Hai" in html
    assert "Huyện Hai" not in html.split('id="noi-dung"')[1]
    assert cell(html, "tinh-trang-1") == 3
    # The breadcrumb leads back up.
    assert f'href="/reports/?unit={data["province"].id}&amp;year=2024&amp;mode=year"' in html


def test_district_leader_defaults_to_own_district(client, auth, data, district_leader):
    auth.login("lanhdaohuyen")
    html = client.get("/reports/?year=2024").get_data(as_text=True)
    assert "Huyện Một – năm 2024" in html
    assert cell(html, "tinh-trang-1") == 3


def test_officer_sees_own_unit(client, auth, data):
    make_user("canbo", (Role.OFFICER, data["c12"]))
    auth.login("canbo")
    html = client.get("/reports/?year=2024").get_data(as_text=True)
    assert "Xã Một Hai – năm 2024" in html
    assert cell(html, "tinh-trang-1") == 2
    assert client.get(f"/reports/?unit={data['d1'].id}").status_code == 403


def test_phase_view_counts_every_year_and_links_per_year(client, auth, data, leader):
    auth.login("lanhdao")
    html = client.get("/reports/?year=giai-doan").get_data(as_text=True)
    assert "giai đoạn 2021–2025" in html
    assert cell(html, "tinh-trang-1") == 10
    assert cell(html, "theo-nam-1-5") == 1  # 2022: one row in total
    assert f"/registry/initiatives?year=2022&amp;unit={data['province'].id}" in html


def test_current_structure_mode_is_named_and_has_no_list_links(client, auth, data, leader):
    auth.login("lanhdao")
    html = client.get("/reports/?year=2024&mode=current").get_data(as_text=True)
    assert "Theo cơ cấu tổ chức hiện nay" in html
    assert "/registry/initiatives?year=" not in html


def test_charts_are_inline_svg_with_text_alternatives(client, auth, data, leader):
    auth.login("lanhdao")
    response = client.get("/reports/?year=2024")
    html = response.get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) >= 5
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg
        assert re.search(r"<title id=\"[^\"]+-title\">[^<]+</title>", svg)
        assert re.search(r"<desc id=\"[^\"]+-desc\">[^<]*\d[^<]*</desc>", svg)
    assert "Được công nhận: 5" in html  # the numbers behind the status chart
    # CSP: no inline style attributes or blocks, no inline scripts.
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_empty_dashboard_says_no_figures(client, auth, leader):
    auth.login("lanhdao")
    html = client.get("/reports/?year=2023").get_data(as_text=True)
    assert "Chưa có số liệu để vẽ biểu đồ." in html
    assert cell(html, "tinh-trang-1") == 0


def test_nav_shows_statistics_to_leaders(client, auth, leader):
    auth.login("lanhdao")
    assert 'href="/reports/"' in client.get("/").get_data(as_text=True)


def test_chart_downloads_as_svg_with_text_alternative(client, auth, data, leader):
    auth.login("lanhdao")
    html = client.get("/reports/?year=2024").get_data(as_text=True)
    assert "/reports/chart/tinh-trang.svg?unit=" in html
    response = client.get(f"/reports/chart/tinh-trang.svg?unit={data['province'].id}&year=2024")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert '<title id="bieu-do-tinh-trang-title">' in svg and "Được công nhận: 5" in svg
    assert client.get("/reports/chart/khong-co.svg").status_code == 404


def test_chart_download_is_scoped_like_the_page(client, auth, data, district_leader):
    auth.login("lanhdaohuyen")
    path = f"/reports/chart/tinh-trang.svg?unit={data['province'].id}"
    assert client.get(path).status_code == 403


def test_admin_defaults_to_the_top_unit(client, auth, data):
    make_user("quantri", (Role.ADMIN, data["agency"]))
    auth.login("quantri")
    html = client.get("/reports/?year=2024").get_data(as_text=True)
    assert "Tỉnh Thử Nghiệm – năm 2024" in html
    assert cell(html, "tinh-trang-1") == 8


def test_unit_and_field_names_are_escaped_in_the_tables(client, auth, data, leader):
    # The tables are written by reports.html, not by the template's autoescape.
    data["d1"].name = 'Huyện <b>Một</b> "x"'
    db.session.commit()
    auth.login("lanhdao")
    html = client.get("/reports/?year=2024").get_data(as_text=True)
    assert "Huyện &lt;b&gt;Một&lt;/b&gt; &#34;x&#34;" in html
    assert "<b>Một</b>" not in html
