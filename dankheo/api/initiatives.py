"""/api/v1 initiatives: routes and their OpenAPI description.

``GET /api/v1/initiatives?q=&year=&field=&area=&unit=&page=`` lists the public subset
(what the gallery shows: initiatives recognised or outstanding in some year, or in
``year``); ``q`` ignores diacritics and case; ``area`` is a priority area of the
directive. Bad parameters answer 400 with a JSON error."""

from flask import current_app, jsonify, request

from dankheo.api.blueprint import bp, public_url
from dankheo.models import PUBLIC_STATUSES
from dankheo.registry import queries

ALLOWED_PARAMS = {"q", "year", "field", "area", "unit", "page"}


def _error(message: str, code: int = 400):
    return jsonify(error={"code": code, "message": message}), code


def serialise(initiative) -> dict:
    return {
        "id": initiative.id,
        "name": initiative.name,
        "unit": {
            "id": initiative.unit.id,
            "code": initiative.unit.code,
            "name": initiative.unit.name,
        },
        "field": {"id": initiative.field.id, "name": initiative.field.name},
        "priority_areas": [{"id": a.id, "name": a.name} for a in initiative.priority_areas],
        "first_year": initiative.first_year,
        "years": [
            {"year": r.year, "status": r.status.value}
            for r in initiative.years
            if r.status in PUBLIC_STATUSES
        ],
        "replicated_from_id": initiative.replicated_from_id,
        "url": public_url("public.initiative", initiative_id=initiative.id),
    }


@bp.route("/initiatives")
def initiatives():
    unknown = sorted(set(request.args) - ALLOWED_PARAMS)
    if unknown:
        return _error(f"Tham số không được hỗ trợ: {', '.join(unknown)}.")
    params = queries.parse_list_params(request.args)
    if params.errors:
        return _error(" ".join(params.errors.values()))
    per_page = int(current_app.config.get("PER_PAGE", 50))
    page = queries.initiative_page(params, None, per_page=per_page, public=True)
    return jsonify(
        items=[serialise(i) for i in page.items],
        total=page.total,
        page=params.page,
        per_page=per_page,
    )


_error_response = {
    "description": "Tham số không hợp lệ",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _int_param(name: str, description: str, minimum: int = 1, maximum: int | None = None):
    schema = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


OPENAPI_PATHS: dict = {
    "/initiatives": {
        "get": {
            "operationId": "listInitiatives",
            "summary": "Danh sách mô hình được công nhận (dữ liệu công khai)",
            "description": (
                "Các mô hình được công nhận hoặc tiêu biểu ít nhất một năm. "
                "Tìm kiếm `q` không phân biệt dấu và chữ hoa."
            ),
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "description": "Từ khóa (tên mô hình, đơn vị), không cần dấu",
                    # No NUL byte: every request carrying one is refused (main/headers.py).
                    "schema": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"},
                },
                _int_param("year", "Năm được công nhận", 2000, 2100),
                _int_param("field", "Mã lĩnh vực", 1, 2**31 - 1),
                _int_param(
                    "area",
                    "Mã lĩnh vực trọng tâm theo Chỉ thị (xem `priority_areas`)",
                    1,
                    2**31 - 1,
                ),
                _int_param("unit", "Mã đơn vị (gồm các đơn vị cấp dưới)", 1, 2**31 - 1),
                _int_param("page", "Trang (từ 1)", 1, 1_000_000),
            ],
            "responses": {
                "200": {
                    "description": "Một trang kết quả",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/InitiativePage"}
                        }
                    },
                },
                "400": _error_response,
            },
        }
    }
}

OPENAPI_SCHEMAS: dict = {
    "InitiativePage": {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Initiative"}},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
        },
    },
    "Initiative": {
        "type": "object",
        "required": [
            "id",
            "name",
            "unit",
            "field",
            "priority_areas",
            "first_year",
            "years",
            "url",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "unit": {
                "type": "object",
                "required": ["id", "code", "name"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "integer"},
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                },
            },
            "field": {
                "type": "object",
                "required": ["id", "name"],
                "additionalProperties": False,
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "priority_areas": {
                "type": "array",
                "description": "Lĩnh vực trọng tâm theo Chỉ thị (có thể nhiều)",
                "items": {
                    "type": "object",
                    "required": ["id", "name"],
                    "additionalProperties": False,
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                },
            },
            "first_year": {"type": "integer"},
            "years": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["year", "status"],
                    "additionalProperties": False,
                    "properties": {
                        "year": {"type": "integer"},
                        "status": {"type": "string", "enum": ["recognised", "outstanding"]},
                    },
                },
            },
            "replicated_from_id": {"type": "integer", "nullable": True},
            "url": {"type": "string", "format": "uri"},
        },
    },
}
