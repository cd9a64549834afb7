"""/api/v1/statistics: counts of initiatives by year, field and unit (the chosen unit's
children), with exemplars, nominations and awards, in either roll-up across the 2025
reorganisation — the same figures as the dashboard, from the same cached computation."""

import sqlalchemy as sa
from flask import jsonify, request

from dankheo.api import common, schema
from dankheo.api.blueprint import bp
from dankheo.extensions import db
from dankheo.models import Unit, YearStatus
from dankheo.models.versions import DATASETS
from dankheo.reports.cache import cached
from dankheo.reports.queries import Period, compute_statistics, current_phase
from dankheo.reports.rollup import RollUp
from dankheo.web.params import parse_id, parse_int

ALLOWED_PARAMS = {"unit", "year", "mode"}
PHASE = "phase"


def _counts(breakdown) -> dict:
    return {
        **{status.value: breakdown.counts[status] for status in YearStatus},
        "total": breakdown.total,
    }


def serialise(stats) -> dict:
    root = stats.root
    return {
        "unit": {"id": root.id, "name": root.name},
        "period": {
            "start_year": stats.period.start_year,
            "end_year": stats.period.end_year,
            "year": stats.period.year,
        },
        "mode": stats.rollup.value,
        "initiatives": {
            **{status.value: stats.statuses[status] for status in YearStatus},
            "total": stats.total,
        },
        "by_year": [{"year": b.key, **_counts(b)} for b in stats.by_year],
        "by_field": [{"id": b.key, "name": b.label, **_counts(b)} for b in stats.by_field],
        "by_unit": [{"id": b.unit_id, "name": b.label, **_counts(b)} for b in stats.by_unit],
        "exemplars": {kind.value: n for kind, n in stats.exemplars_by_kind.items()},
        "nominations": stats.nominations_total,
        "awards": stats.awards_total,
    }


@bp.route("/statistics")
@common.conditional(*DATASETS)
@common.handles_bad_requests
def statistics():
    common.check_params(ALLOWED_PARAMS)
    unit_id = parse_id(request.args.get("unit"))
    if "unit" in request.args and unit_id is None:
        return common.error("Tham số “unit” phải là số nguyên dương.")
    if unit_id is None:
        unit_id = db.session.scalar(
            sa.select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.sort_key).limit(1)
        )
    root = db.session.get(Unit, unit_id) if unit_id else None
    if root is None:
        return common.error("Không có đơn vị với mã này.", 404)
    start, end = current_phase()
    year_arg = request.args.get("year", "")
    year_number = parse_int(year_arg, lo=2000, hi=2100)
    if year_arg == PHASE:
        year = None
    elif year_number is not None:
        year = year_number
    elif year_arg:
        return common.error("Tham số “year” phải là một năm (2000–2100) hoặc “phase”.")
    else:
        year = None
    try:
        rollup = RollUp(request.args.get("mode", RollUp.RECORD_YEAR.value))
    except ValueError:
        return common.error("Tham số “mode” phải là “year” hoặc “current”.")
    period = Period(start, end, year)
    # The serialised figures, in the shared cache with the data-version key: a warm call
    # unpickles a small dict rather than the whole Statistics object.
    figures = cached(
        ("statistics-json", root.id, period, rollup),
        lambda: serialise(compute_statistics(root.id, period, rollup)),
    )
    return jsonify(figures.value)


_COUNTS = {
    "type": "object",
    "required": [*(s.value for s in YearStatus), "total"],
    "properties": {
        **{s.value: {"type": "integer", "minimum": 0} for s in YearStatus},
        "total": {"type": "integer", "minimum": 0},
    },
}


def _row(key: dict) -> dict:
    return {
        "type": "object",
        "required": [*key, *_COUNTS["required"]],
        "properties": {**key, **_COUNTS["properties"]},
    }


OPENAPI_PATHS: dict = {
    "/statistics": {
        "get": {
            "operationId": "getStatistics",
            "summary": "Thống kê mô hình theo năm, lĩnh vực và đơn vị",
            "description": (
                "Số mô hình theo trạng thái, theo năm, lĩnh vực và đơn vị trực thuộc của "
                "đơn vị được chọn (mặc định: cấp cao nhất), trong một năm hoặc cả giai đoạn "
                "(“phase”); “mode=year” tính theo cơ cấu tổ chức của từng năm, "
                "“mode=current” theo cơ cấu hiện nay (sau sáp nhập)."
            ),
            "parameters": [
                {**schema.int_param("unit", "Mã đơn vị"), **schema.example_of("unit_id")},
                {
                    "name": "year",
                    "in": "query",
                    "required": False,
                    "description": "Một năm, hoặc “phase” cho cả giai đoạn (mặc định)",
                    "schema": {
                        "anyOf": [
                            {"type": "integer", "minimum": 2000, "maximum": 2100},
                            {"type": "string", "enum": ["phase"]},
                        ]
                    },
                },
                schema.enum_param("mode", "Cách tính theo cơ cấu tổ chức", ["year", "current"]),
            ],
            "responses": schema.responses(
                schema.json_response("Thống kê", schema.ref("Statistics")), not_found=True
            ),
        }
    },
}

OPENAPI_SCHEMAS: dict = {
    "Statistics": {
        "type": "object",
        "required": [
            "unit",
            "period",
            "mode",
            "initiatives",
            "by_year",
            "by_field",
            "by_unit",
            "exemplars",
            "nominations",
            "awards",
        ],
        "properties": {
            "unit": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "period": {
                "type": "object",
                "required": ["start_year", "end_year", "year"],
                "properties": {
                    "start_year": {"type": "integer"},
                    "end_year": {"type": "integer"},
                    "year": {"type": "integer", "nullable": True},
                },
            },
            "mode": {"type": "string", "enum": ["year", "current"]},
            "initiatives": _COUNTS,
            "by_year": {"type": "array", "items": _row({"year": {"type": "integer"}})},
            "by_field": {
                "type": "array",
                "items": _row({"id": {"type": "integer"}, "name": {"type": "string"}}),
            },
            "by_unit": {
                "type": "array",
                "items": _row(
                    {"id": {"type": "integer", "nullable": True}, "name": {"type": "string"}}
                ),
            },
            "exemplars": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
            "nominations": {"type": "integer", "minimum": 0},
            "awards": {"type": "integer", "minimum": 0},
        },
    }
}
