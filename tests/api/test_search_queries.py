"""The search parameter ``q`` of the open-data API and the gallery takes its characters
literally (%, _, backslash, quotes) and ignores diacritics and case, through SQLite's
FTS5 index (3+ characters) and the LIKE (shorter) alike, and PostgreSQL's LIKE."""

import pytest

from dankheo.campaigns.services import ensure_default_fields
from dankheo.extensions import db
from dankheo.models import ExemplarKind, YearStatus
from dankheo.registry import exemplar_queries, queries
from tests.factories import make_exemplar, make_initiative, make_province

NAMES = [
    "Đường hoa 50% xanh",
    "Đường hoa 50 xanh",
    "Quỹ a_b khuyến học",
    "Quỹ axb khuyến học",
    'Mô hình "Nói có" ở ấp',
    "Góc sách C:\\tài liệu",
]


@pytest.fixture
def data(app):
    units = make_province()
    ensure_default_fields()
    for name in NAMES:
        make_initiative(units["c11"], name, status=YearStatus.RECOGNISED)
    db.session.commit()
    return units


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("0% x", ["Đường hoa 50% xanh"]),
        ("50%", ["Đường hoa 50% xanh"]),
        ("a_b", ["Quỹ a_b khuyến học"]),
        ("_", ["Quỹ a_b khuyến học"]),
        ('"nói có"', ['Mô hình "Nói có" ở ấp']),
        ('"', ['Mô hình "Nói có" ở ấp']),
        ("c:\\tai", ["Góc sách C:\\tài liệu"]),
        ("ĐƯỜNG HOA 50", ["Đường hoa 50 xanh", "Đường hoa 50% xanh"]),
        ("duong hoa 5", ["Đường hoa 50 xanh", "Đường hoa 50% xanh"]),
        ("hoa 50 x", ["Đường hoa 50 xanh"]),
        ("khuyen hoc", ["Quỹ a_b khuyến học", "Quỹ axb khuyến học"]),
        ("%", ["Đường hoa 50% xanh"]),
        ("nothing here", []),
        ("AND OR NOT", []),
        ("hoa*", []),
    ],
)
def test_api_and_gallery_search_takes_the_query_literally(client, data, q, expected):
    response = client.get("/api/v1/initiatives", query_string={"q": q})
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(item["name"] for item in body["items"]) == sorted(expected)
    assert body["total"] == len(expected)
    html = client.get("/public/", query_string={"q": q}).get_data(as_text=True)
    for name in NAMES:
        shown = name.replace('"', "&#34;") in html or name.replace('"', "&quot;") in html
        assert shown == (name in expected), (q, name)


def test_exemplar_search_ignores_diacritics_and_takes_percent_literally(client, app):
    units = make_province()
    make_exemplar(units["c11"], "Nguyễn Thị Yến", kind=ExemplarKind.INDIVIDUAL)
    make_exemplar(units["c12"], "Trần Văn 100%", kind=ExemplarKind.INDIVIDUAL)
    db.session.commit()
    for q, expected in (("thi yen", ["Nguyễn Thị Yến"]), ("0%", ["Trần Văn 100%"])):
        params = queries.ListParams(q=q)
        page = exemplar_queries.exemplar_page(params, None, per_page=10)
        assert [e.name for e in page.items] == expected
        assert page.total == 1
