"""GET /api/v1/initiatives: the public subset, accent-insensitive search, filters,
paging; every response validates against /api/v1/openapi.json; bad parameters → 400."""

import pytest
from openapi_schema_validator import OAS30Validator

from dankheo.campaigns.services import ensure_default_fields
from dankheo.extensions import db
from dankheo.models import YearStatus
from tests.factories import make_initiative, make_province


@pytest.fixture
def units(app):
    units = make_province()
    ensure_default_fields()
    db.session.commit()
    return units


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def assert_valid(spec, path: str, response) -> None:
    """Validate ``response`` against the schema the spec gives for its status code."""
    operation = spec["paths"][path]["get"]
    described = operation["responses"][str(response.status_code)]
    schema = dict(described["content"]["application/json"]["schema"])
    schema["components"] = spec["components"]
    OAS30Validator(schema).validate(response.get_json())


@pytest.fixture
def data(units):
    make_initiative(units["c11"], "Tuyến đường hoa nông thôn mới", year=2023)
    make_initiative(units["c12"], "Dân vận khéo giữ gìn an ninh", year=2024)
    make_initiative(units["c21"], "Camera an ninh", year=2024, status=YearStatus.OUTSTANDING)
    make_initiative(units["c22"], "Bản nháp nội bộ", year=2024, status=YearStatus.REGISTERED)
    db.session.commit()
    return units


def names(response) -> list[str]:
    return sorted(item["name"] for item in response.get_json()["items"])


def test_lists_only_the_public_subset(client, spec, data):
    response = client.get("/api/v1/initiatives")
    assert response.status_code == 200
    assert_valid(spec, "/initiatives", response)
    body = response.get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 50
    assert "Bản nháp nội bộ" not in names(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "duong"}, ["Tuyến đường hoa nông thôn mới"]),
        ({"q": "DÂN VẬN"}, ["Dân vận khéo giữ gìn an ninh"]),
        ({"q": "dan van kheo"}, ["Dân vận khéo giữ gìn an ninh"]),
        ({"year": "2023"}, ["Tuyến đường hoa nông thôn mới"]),
        ({"q": "an ninh", "year": "2024"}, ["Camera an ninh", "Dân vận khéo giữ gìn an ninh"]),
        ({"page": "2"}, []),
        ({"q": "không có"}, []),
    ],
)
def test_filters_and_search(client, spec, data, query, expected):
    response = client.get("/api/v1/initiatives", query_string=query)
    assert response.status_code == 200
    assert_valid(spec, "/initiatives", response)
    assert names(response) == expected


def test_unit_filter_takes_the_subtree(client, spec, data):
    response = client.get("/api/v1/initiatives", query_string={"unit": data["d1"].id})
    assert_valid(spec, "/initiatives", response)
    assert names(response) == ["Dân vận khéo giữ gìn an ninh", "Tuyến đường hoa nông thôn mới"]


def test_field_filter(client, spec, data):
    from dankheo.models import Field

    field_id = db.session.scalar(db.select(Field.id).where(Field.name == "Kinh tế"))
    response = client.get("/api/v1/initiatives", query_string={"field": field_id})
    assert_valid(spec, "/initiatives", response)
    assert response.get_json()["total"] == 3


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "1800"},
        {"page": "0"},
        {"page": "-3"},
        {"unit": "x"},
        {"field": "1.5"},
        {"sort": "name"},
        {"page": "99999999999999999999"},
    ],
)
def test_bad_parameters_give_400_json(client, spec, data, query):
    response = client.get("/api/v1/initiatives", query_string=query)
    assert response.status_code == 400
    assert response.is_json
    assert_valid(spec, "/initiatives", response)
    assert response.get_json()["error"]["message"]


def test_items_carry_only_public_years(client, spec, units):
    from dankheo.registry.services import carry_over

    item = make_initiative(units["c11"], "Mô hình nhiều năm", year=2023)
    carry_over(None, item)  # 2024 registered: not public
    db.session.commit()
    response = client.get("/api/v1/initiatives")
    assert_valid(spec, "/initiatives", response)
    assert response.get_json()["items"][0]["years"] == [{"year": 2023, "status": "recognised"}]


def test_openapi_describes_the_initiatives_endpoint(spec):
    operation = spec["paths"]["/initiatives"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"q", "year", "field", "area", "unit", "page", "cursor"}
    assert {"200", "400"} <= set(operation["responses"])
