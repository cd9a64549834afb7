"""/api/v1 initiatives: routes and their OpenAPI description.

``GET /api/v1/initiatives?q=&year=&field=&area=&unit=&page=`` lists the public subset
(what the gallery shows: initiatives recognised or outstanding in some year, or in
``year``); ``q`` ignores diacritics and case; ``area`` is a priority area of the
directive; ``cursor`` (from the previous page's ``next_cursor``, empty for the first)
pages by key instead of by number, at the same cost at the end of the list as at its
start. ``GET /api/v1/initiatives/<id>``: one public initiative. Bad parameters answer 400
with a JSON error."""

from flask import jsonify, request

from dankheo.api import common, schema
from dankheo.api.blueprint import bp
from dankheo.models import PUBLIC_STATUSES
from dankheo.public import queries as public_queries
from dankheo.registry import keyset, queries

ALLOWED_PARAMS = {"q", "year", "field", "area", "unit", "page", "cursor"}
DATASETS = ("initiatives", "units", "campaigns")


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
        "url": common.public_url("public.initiative", initiative_id=initiative.id),
    }


@bp.route("/initiatives")
@common.conditional(*DATASETS, cache_response=True)
@common.handles_bad_requests
def initiatives():
    common.check_params(ALLOWED_PARAMS)
    params = queries.parse_list_params(request.args)
    if params.errors:
        return common.error(" ".join(params.errors.values()))
    cursor = common.paging_mode("page" in request.args)
    size = common.per_page()
    if cursor is not None:
        after = tuple(common.decode_cursor(cursor, (str, int))) if cursor else None
        items = keyset.initiative_keyset_page(params, None, after=after, size=size, public=True)
        total, capped, page = None, False, None
    else:
        pagination = queries.initiative_page(
            params, None, per_page=size, public=True, count_cap=common.COUNT_CAP
        )
        items, total, capped, page = (
            pagination.items,
            pagination.total,
            pagination.capped,
            params.page,
        )
        if capped:
            total = common.COUNT_CAP
    next_cursor = None
    if len(items) == size:
        next_cursor = common.encode_cursor(items[-1].sort_key, items[-1].id)
    return jsonify(
        common.page_body(
            [serialise(i) for i in items],
            total=total,
            capped=capped,
            page=page,
            next_cursor=next_cursor,
        )
    )


@bp.route("/initiatives/<int:initiative_id>")
@common.conditional(*DATASETS, cache_response=True)
def initiative(initiative_id: int):
    item = public_queries.public_initiative(initiative_id)
    if item is None:
        return common.error("Không có mô hình công khai với mã này.", 404)
    return jsonify(serialise(item))


OPENAPI_PATHS: dict = {
    "/initiatives": {
        "get": {
            "operationId": "listInitiatives",
            "summary": "Danh sách mô hình được công nhận (dữ liệu công khai)",
            "description": (
                "Các mô hình được công nhận hoặc tiêu biểu ít nhất một năm (trong năm "
                "“year” khi có). Tìm kiếm “q” không phân biệt dấu và chữ hoa. Theo thứ tự "
                "tên; phân trang theo số trang (“page”) hoặc theo khóa (“cursor”)."
            ),
            "parameters": [
                schema.text_param("q", "Từ khóa (tên mô hình, đơn vị), không cần dấu"),
                schema.int_param("year", "Năm được công nhận", 2000, 2100),
                schema.int_param("field", "Mã lĩnh vực"),
                schema.int_param(
                    "area", "Mã lĩnh vực trọng tâm theo Chỉ thị (xem `priority_areas`)"
                ),
                schema.int_param("unit", "Mã đơn vị (gồm các đơn vị cấp dưới)"),
                schema.PAGE,
                schema.CURSOR,
            ],
            "responses": schema.responses(
                schema.json_response("Một trang kết quả", schema.ref("InitiativePage"))
            ),
        }
    },
    "/initiatives/{initiative_id}": {
        "get": {
            "operationId": "getInitiative",
            "summary": "Một mô hình được công nhận",
            "parameters": [schema.path_id("initiative_id", "Mã mô hình", "initiative_id")],
            "responses": schema.responses(
                schema.json_response("Mô hình", schema.ref("Initiative")),
                bad_request=False,
                not_found=True,
            ),
        }
    },
}

OPENAPI_SCHEMAS: dict = {
    "InitiativePage": schema.page_schema("Initiative"),
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
            "unit": schema.UNIT_REF,
            "field": schema.FIELD_REF,
            "priority_areas": {
                "type": "array",
                "description": "Lĩnh vực trọng tâm theo Chỉ thị (có thể nhiều)",
                "items": schema.FIELD_REF,
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
