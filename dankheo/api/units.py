"""/api/v1 units: the unit tree as it stood on a day, and one unit with what it came
from and became, with their OpenAPI description.

``GET /api/v1/units?on=YYYY-MM-DD&parent=<code>&kind=&page=`` lists the units alive on
``on`` (default: today) — by default the administrative units of the official lists
(province, district, commune, ward, special zone), ``kind=all`` for every unit or a
single kind — directly under ``parent``. ``GET /api/v1/units/<code>`` adds the
predecessors and successors with the date and kind of each succession.

``code`` is the unit's code here: the official code for units of today's list ("80",
"25630"); the units of the list that ended on 30/06/2025 carry "CU-" ("CU-25630"), since
their official codes were reused by the new list. ``official_code`` is the bare code of
the official list either way (null for agencies)."""

from datetime import date

from flask import jsonify, request

from dankheo import vietnamese
from dankheo.api import common
from dankheo.api.blueprint import bp
from dankheo.models.units import UNIT_KIND_LABELS, UnitKind
from dankheo.units import queries
from dankheo.web.params import parse_int

ALLOWED_PARAMS = {"on", "parent", "kind", "page"}
KINDS = [queries.ADMINISTRATIVE, queries.ALL_KINDS, *(k.value for k in UnitKind)]
PER_PAGE = 200  # a province's communes on one page (Hà Nội has 126, Tây Ninh 96)
MAX_PAGE = 100_000
CODE_PATTERN = r"^[A-Za-z0-9À-ỹĐđ_\-]{1,40}$"


def unit_json(unit, parent_code: str | None) -> dict:
    return {
        "code": unit.code,
        "official_code": queries.official_code(unit.code),
        "name": unit.name,
        "kind": unit.kind.value,
        "kind_label": UNIT_KIND_LABELS[unit.kind],
        "parent_code": parent_code,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "url": common.public_url("api.unit", code=unit.code),
    }


def _link_json(link) -> dict:
    return {
        "code": link.unit.code,
        "name": link.unit.name,
        "kind": link.unit.kind.value,
        "succession": link.kind,
        "date": link.effective_on.isoformat(),
        "is_default": link.is_default,
    }


def _day(text: str | None) -> date | None:
    if not text:
        return vietnamese.today()
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@bp.route("/units")
def units():
    unknown = sorted(set(request.args) - ALLOWED_PARAMS)
    if unknown:
        return common.error(f"Tham số không được hỗ trợ: {', '.join(unknown)}.")
    day = _day(request.args.get("on"))
    if day is None:
        return common.error("Tham số “on” phải là một ngày dạng YYYY-MM-DD.")
    kind = request.args.get("kind") or queries.ADMINISTRATIVE
    if kind not in KINDS:
        return common.error(f"Tham số “kind” phải là một trong: {', '.join(KINDS)}.")
    page = parse_int(request.args.get("page") or "1", lo=1, hi=MAX_PAGE)
    if page is None:
        return common.error(f"Tham số “page” phải là số nguyên từ 1 đến {MAX_PAGE}.")
    parent = None
    if request.args.get("parent"):
        parent = queries.by_code(request.args["parent"])
        if parent is None:
            return common.error(f"Không có đơn vị mã “{request.args['parent']}”.", 404)
    rows, total = queries.units_on(day, parent=parent, kind=kind, page=page, per_page=PER_PAGE)
    return jsonify(
        items=[unit_json(u, code) for u, code in rows],
        total=total,
        page=page,
        per_page=PER_PAGE,
        on=day.isoformat(),
    )


@bp.route("/units/<code>")
def unit(code: str):
    found = queries.by_code(code)
    if found is None:
        return common.error(f"Không có đơn vị mã “{code}”.", 404)
    predecessors, successors = queries.links_of(found)
    body = unit_json(found, queries.parent_code(found))
    body["predecessors"] = [_link_json(link) for link in predecessors]
    body["successors"] = [_link_json(link) for link in successors]
    return jsonify(body)


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_EXAMPLE_COMMUNE = {
    "code": "25630",
    "official_code": "25630",
    "name": "Phường Long Hoa",
    "kind": "ward",
    "kind_label": "Phường",
    "parent_code": "80",
    "valid_from": "2025-07-01",
    "valid_to": None,
    "url": "https://dankheo.example.vn/api/v1/units/25630",
}

OPENAPI_PATHS: dict = {
    "/units": {
        "get": {
            "operationId": "listUnits",
            "summary": "Đơn vị còn hoạt động vào một ngày (danh mục đơn vị hành chính)",
            "description": (
                "Các đơn vị hoạt động vào ngày `on` (mặc định: hôm nay), trực thuộc `parent`. "
                "Mặc định chỉ gồm đơn vị hành chính (tỉnh, huyện, xã, phường, đặc khu); "
                "`kind=all` để lấy mọi đơn vị (cả cơ quan, tổ chức). Ví dụ: "
                "`/units?on=2025-07-01&parent=80` cho 96 xã, phường của tỉnh Tây Ninh."
            ),
            "parameters": [
                {
                    "name": "on",
                    "in": "query",
                    "required": False,
                    "description": "Ngày (YYYY-MM-DD); mặc định hôm nay",
                    "schema": {"type": "string", "format": "date"},
                    "example": "2025-07-01",
                },
                {
                    "name": "parent",
                    "in": "query",
                    "required": False,
                    "description": "Mã đơn vị cấp trên (ví dụ 80: tỉnh Tây Ninh từ 01/07/2025)",
                    "schema": {"type": "string", "pattern": CODE_PATTERN},
                    "example": "80",
                },
                {
                    "name": "kind",
                    "in": "query",
                    "required": False,
                    "description": "Loại đơn vị, `administrative` (mặc định) hoặc `all`",
                    "schema": {"type": "string", "enum": KINDS},
                    "example": "ward",
                },
                {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "description": f"Trang (từ 1), {PER_PAGE} đơn vị một trang",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                },
            ],
            "responses": {
                "200": {
                    "description": "Một trang đơn vị",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/UnitPage"},
                            "example": {
                                "items": [_EXAMPLE_COMMUNE],
                                "total": 96,
                                "page": 1,
                                "per_page": PER_PAGE,
                                "on": "2025-07-01",
                            },
                        }
                    },
                },
                "400": _error_response("Tham số không hợp lệ"),
                "404": _error_response("Không có đơn vị cấp trên mang mã này"),
            },
        }
    },
    "/units/{code}": {
        "get": {
            "operationId": "getUnit",
            "summary": "Một đơn vị, các đơn vị tiền thân và kế thừa",
            "parameters": [
                {
                    "name": "code",
                    "in": "path",
                    "required": True,
                    "description": "Mã đơn vị (đơn vị trước 01/07/2025 có tiền tố CU-)",
                    "schema": {"type": "string", "pattern": CODE_PATTERN},
                    "example": "25630",
                }
            ],
            "responses": {
                "200": {
                    "description": "Đơn vị",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/UnitDetail"},
                            "example": {
                                **_EXAMPLE_COMMUNE,
                                "predecessors": [
                                    {
                                        "code": "CU-25630",
                                        "name": "Phường Long Hoa",
                                        "kind": "ward",
                                        "succession": "merge",
                                        "date": "2025-07-01",
                                        "is_default": False,
                                    }
                                ],
                                "successors": [],
                            },
                        }
                    },
                },
                "404": _error_response("Không có đơn vị mang mã này"),
            },
        }
    },
}

_UNIT_PROPERTIES = {
    "code": {"type": "string"},
    "official_code": {"type": "string", "nullable": True},
    "name": {"type": "string"},
    "kind": {"type": "string", "enum": [k.value for k in UnitKind]},
    "kind_label": {"type": "string"},
    "parent_code": {"type": "string", "nullable": True},
    "valid_from": {"type": "string", "format": "date", "nullable": True},
    "valid_to": {"type": "string", "format": "date", "nullable": True},
    "url": {"type": "string", "format": "uri"},
}
_UNIT_REQUIRED = list(_UNIT_PROPERTIES)

OPENAPI_SCHEMAS: dict = {
    "UnitPage": {
        "type": "object",
        "required": ["items", "total", "page", "per_page", "on"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "on": {"type": "string", "format": "date"},
        },
    },
    "Unit": {
        "type": "object",
        "required": _UNIT_REQUIRED,
        "additionalProperties": False,
        "properties": _UNIT_PROPERTIES,
    },
    "UnitLink": {
        "type": "object",
        "required": ["code", "name", "kind", "succession", "date", "is_default"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in UnitKind]},
            "succession": {"type": "string", "enum": ["merge", "split", "rename", "keep"]},
            "date": {"type": "string", "format": "date"},
            "is_default": {
                "type": "boolean",
                "description": "Đơn vị kế thừa mặc định của đơn vị bị chia tách",
            },
        },
    },
    "UnitDetail": {
        "type": "object",
        "required": [*_UNIT_REQUIRED, "predecessors", "successors"],
        "additionalProperties": False,
        "properties": {
            **_UNIT_PROPERTIES,
            "predecessors": {"type": "array", "items": {"$ref": "#/components/schemas/UnitLink"}},
            "successors": {"type": "array", "items": {"$ref": "#/components/schemas/UnitLink"}},
        },
    },
}
