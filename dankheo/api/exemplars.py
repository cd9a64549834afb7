"""/api/v1 exemplars: the exemplars (điển hình) the movement has commended — those with
a valid certificate — with public fields only (name, kind, position, unit, field, year,
the serials of their awards). Keyset (``cursor``) or page pagination, capped counts."""

import sqlalchemy as sa
from flask import jsonify, request
from sqlalchemy.orm import joinedload

from dankheo.api import common, schema
from dankheo.api.blueprint import bp
from dankheo.extensions import db
from dankheo.models import (
    Certificate,
    CertificateStatus,
    Exemplar,
    ExemplarKind,
    Nomination,
)
from dankheo.registry import queries
from dankheo.registry.exemplar_queries import exemplar_conditions

ALLOWED_PARAMS = {"q", "year", "field", "unit", "kind", "page", "cursor"}
DATASETS = ("exemplars", "awards", "units", "campaigns")


def _awarded() -> sa.Select:
    """Ids of exemplars with a valid certificate."""
    return (
        sa.select(Nomination.exemplar_id)
        .join(Certificate, Certificate.nomination_id == Nomination.id)
        .where(Nomination.exemplar_id.is_not(None), Certificate.status == CertificateStatus.VALID)
    )


def _serials(ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in ids}
    for exemplar_id, serial in db.session.execute(
        sa.select(Nomination.exemplar_id, Certificate.serial)
        .join(Certificate, Certificate.nomination_id == Nomination.id)
        .where(
            Nomination.exemplar_id.in_(ids),
            Certificate.status == CertificateStatus.VALID,
        )
        .order_by(Certificate.serial)
    ):
        out[exemplar_id].append(serial)
    return out


def serialise(exemplar: Exemplar, serials: list[str]) -> dict:
    return {
        "id": exemplar.id,
        "name": exemplar.name,
        "kind": exemplar.kind.value,
        "position": exemplar.position or "",
        "unit": {"id": exemplar.unit.id, "code": exemplar.unit.code, "name": exemplar.unit.name},
        "field": (
            {"id": exemplar.field.id, "name": exemplar.field.name} if exemplar.field else None
        ),
        "year": exemplar.year,
        "awards": serials,
    }


def _loaded(stmt: sa.Select) -> list[Exemplar]:
    stmt = stmt.options(joinedload(Exemplar.unit), joinedload(Exemplar.field))
    return list(db.session.scalars(stmt).unique())


@bp.route("/exemplars")
@common.conditional(*DATASETS, cache_response=True)
@common.handles_bad_requests
def exemplars():
    common.check_params(ALLOWED_PARAMS)
    params = queries.parse_list_params(request.args)
    if params.errors:
        return common.error(" ".join(params.errors.values()))
    # Commended exemplars are a small share of all: find them, then sort (no name walk).
    conditions = [Exemplar.id.in_(_awarded()), *exemplar_conditions(params, None)]
    order = (Exemplar.sort_key, Exemplar.id)
    size = common.per_page()
    cursor = common.paging_mode("page" in request.args)
    ids = sa.select(Exemplar.id).where(*conditions)
    if cursor is not None:
        if cursor:
            key, last_id = common.decode_cursor(cursor, (str, int))
            ids = ids.where(
                Exemplar.sort_key >= key, sa.or_(Exemplar.sort_key > key, Exemplar.id > last_id)
            )
        total, capped, page = None, False, None
        ids = ids.order_by(*order).limit(size)
    else:
        counted = db.session.scalar(
            sa.select(sa.func.count()).select_from(ids.limit(common.COUNT_CAP + 1).subquery())
        )
        capped = counted > common.COUNT_CAP
        total, page = min(counted, common.COUNT_CAP), params.page
        ids = ids.order_by(*order).limit(size).offset((params.page - 1) * size)
    items = _loaded(sa.select(Exemplar).where(Exemplar.id.in_(ids)).order_by(*order))
    serials = _serials([e.id for e in items])
    next_cursor = None
    if len(items) == size:
        next_cursor = common.encode_cursor(items[-1].sort_key, items[-1].id)
    return jsonify(
        common.page_body(
            [serialise(e, serials[e.id]) for e in items],
            total=total,
            capped=capped,
            page=page,
            next_cursor=next_cursor,
        )
    )


@bp.route("/exemplars/<int:exemplar_id>")
@common.conditional(*DATASETS, cache_response=True)
def exemplar(exemplar_id: int):
    found = _loaded(
        sa.select(Exemplar).where(Exemplar.id == exemplar_id, Exemplar.id.in_(_awarded()))
    )
    if not found:
        return common.error("Không có điển hình được khen thưởng với mã này.", 404)
    return jsonify(serialise(found[0], _serials([exemplar_id])[exemplar_id]))


OPENAPI_PATHS: dict = {
    "/exemplars": {
        "get": {
            "operationId": "listExemplars",
            "summary": "Danh sách điển hình đã được khen thưởng",
            "description": (
                "Tập thể, cá nhân điển hình có giấy khen, bằng khen còn hiệu lực; chỉ các "
                "trường công khai. Theo thứ tự tên; phân trang theo “page” hoặc “cursor”."
            ),
            "parameters": [
                schema.text_param("q", "Từ khóa (tên, chức vụ, đơn vị), không cần dấu"),
                schema.int_param("year", "Năm", 2000, 2100),
                schema.int_param("field", "Mã lĩnh vực"),
                schema.int_param("unit", "Mã đơn vị (gồm các đơn vị cấp dưới)"),
                schema.enum_param("kind", "Tập thể hoặc cá nhân", [k.value for k in ExemplarKind]),
                schema.PAGE,
                schema.CURSOR,
            ],
            "responses": schema.responses(
                schema.json_response("Một trang kết quả", schema.ref("ExemplarPage"))
            ),
        }
    },
    "/exemplars/{exemplar_id}": {
        "get": {
            "operationId": "getExemplar",
            "summary": "Một điển hình đã được khen thưởng",
            "parameters": [schema.path_id("exemplar_id", "Mã điển hình", "exemplar_id")],
            "responses": schema.responses(
                schema.json_response("Điển hình", schema.ref("Exemplar")),
                bad_request=False,
                not_found=True,
            ),
        }
    },
}

OPENAPI_SCHEMAS: dict = {
    "ExemplarPage": schema.page_schema("Exemplar"),
    "Exemplar": {
        "type": "object",
        "required": ["id", "name", "kind", "position", "unit", "field", "year", "awards"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in ExemplarKind]},
            "position": {"type": "string"},
            "unit": schema.UNIT_REF,
            "field": {**schema.FIELD_REF, "nullable": True},
            "year": {"type": "integer"},
            "awards": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Số hiệu các giấy khen, bằng khen còn hiệu lực",
            },
        },
    },
}
