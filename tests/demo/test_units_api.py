"""GET /api/v1/units on the real province: the units alive on a day under a parent, and
one unit with its predecessors and successors."""

import pytest
from openapi_schema_validator import OAS30Validator

from dankheo.api.openapi import spec
from dankheo.demo.units import CODES


@pytest.fixture
def api(signed_in):
    return signed_in()


def _validate(body, schema_name):
    document = spec()
    schema = {
        **document["components"]["schemas"][schema_name],
        "components": document["components"],
    }
    OAS30Validator(schema).validate(body)


def test_on_1_july_2025_todays_tay_ninh_has_96_communes_and_wards(api):
    response = api.get("/api/v1/units?on=2025-07-01&parent=80")
    assert response.status_code == 200
    body = response.get_json()
    _validate(body, "UnitPage")
    assert body["total"] == len(body["items"]) == 96
    assert {u["kind"] for u in body["items"]} <= {"commune", "ward", "special_zone"}
    assert all(u["parent_code"] == "80" and u["valid_from"] == "2025-07-01" for u in body["items"])
    long_hoa = next(u for u in body["items"] if u["code"] == CODES["long_hoa"])
    assert long_hoa["official_code"] == "25630" and long_hoa["valid_to"] is None
    # Vietnamese order: "Phường An Tịnh" before "Phường Bình Minh", numbers by value.
    names = [u["name"] for u in body["items"]]
    assert names.index("Phường An Tịnh") < names.index("Phường Bình Minh")


def test_the_day_before_the_province_had_no_communes_but_its_predecessors_did(api):
    assert api.get("/api/v1/units?on=2025-06-30&parent=80").get_json()["total"] == 0
    old = api.get("/api/v1/units?on=2025-06-30&parent=CU-72").get_json()
    assert old["total"] == 9  # old Tây Ninh's district-level units
    assert all(u["code"].startswith("CU-") and u["valid_to"] == "2025-06-30" for u in old["items"])
    long_an = api.get("/api/v1/units?on=2025-06-30&parent=CU-80").get_json()
    assert long_an["total"] == 15
    assert api.get("/api/v1/units?on=2025-07-01&parent=CU-72").get_json()["total"] == 0


def test_kind_filters_and_all_includes_agencies(api):
    wards = api.get("/api/v1/units?on=2025-07-01&parent=80&kind=ward").get_json()
    assert wards["total"] and all(u["kind"] == "ward" for u in wards["items"])
    everything = api.get("/api/v1/units?on=2025-07-01&parent=80&kind=all").get_json()
    codes = {u["code"] for u in everything["items"]}
    assert everything["total"] > 96 and CODES["board"] in codes
    agency = next(u for u in everything["items"] if u["code"] == CODES["board"])
    assert agency["official_code"] is None and agency["kind"] == "agency"


def test_a_unit_with_its_predecessors_and_successors(api):
    body = api.get(f"/api/v1/units/{CODES['long_hoa']}").get_json()
    _validate(body, "UnitDetail")
    assert body["successors"] == []
    predecessors = {p["code"]: p for p in body["predecessors"]}
    assert CODES["long_hoa_old"] in predecessors
    assert predecessors[CODES["long_hoa_old"]]["date"] == "2025-07-01"
    old = api.get(f"/api/v1/units/{CODES['long_hoa_old']}").get_json()
    assert old["official_code"] == "25630" and old["valid_to"] == "2025-06-30"
    assert [s["code"] for s in old["successors"]] == [CODES["long_hoa"]]


def test_a_divided_commune_names_its_default_successor(api):
    body = api.get("/api/v1/units/CU-25462").get_json()  # Phường 4, Thành phố Tây Ninh
    assert len(body["successors"]) == 2
    assert [s["is_default"] for s in body["successors"]].count(True) == 1
    assert {s["succession"] for s in body["successors"]} == {"split"}


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/v1/units?on=01/07/2025", 400, "YYYY-MM-DD"),
        ("/api/v1/units?on=2025-02-30", 400, "YYYY-MM-DD"),
        ("/api/v1/units?kind=planet", 400, "kind"),
        ("/api/v1/units?page=0", 400, "page"),
        ("/api/v1/units?color=red", 400, "không được hỗ trợ: color"),
        ("/api/v1/units?parent=KHONGCO", 404, "Không có đơn vị mã “KHONGCO”"),
        ("/api/v1/units/KHONGCO", 404, "Không có đơn vị mã “KHONGCO”"),
    ],
)
def test_bad_requests_answer_json_errors(api, url, status, message):
    response = api.get(url)
    assert response.status_code == status
    assert message in response.get_json()["error"]["message"]


def test_openapi_describes_both_unit_operations_with_examples(api):
    document = api.get("/api/v1/openapi.json").get_json()
    listing = document["paths"]["/units"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"on", "parent", "kind", "page"}
    assert listing["responses"]["200"]["content"]["application/json"]["example"]["total"] == 96
    detail = document["paths"]["/units/{code}"]["get"]
    assert detail["responses"]["200"]["content"]["application/json"]["example"]["predecessors"]
