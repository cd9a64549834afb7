"""The OpenAPI 3 description of /api/v1, assembled from each resource module's parts
(its ``OPENAPI_PATHS`` and ``OPENAPI_SCHEMAS``), and the route that serves it."""

from copy import deepcopy

import sqlalchemy as sa
from flask import jsonify

from dankheo.api import awards, bulk, campaigns, certificates, common, exemplars, initiatives, units
from dankheo.api import statistics as statistics_api
from dankheo.api.blueprint import bp
from dankheo.extensions import db
from dankheo.models import (
    PUBLIC_STATUSES,
    Campaign,
    Certificate,
    CertificateStatus,
    InitiativeYear,
    Nomination,
    Unit,
)

# The resources the description covers, in the order of its paths.
RESOURCES = (
    initiatives,
    exemplars,
    campaigns,
    awards,
    statistics_api,
    bulk,
    certificates,
    units,
)

# Examples when the data hold none of a kind (a fresh installation).
FALLBACK_EXAMPLES = {
    "initiative_id": 1,
    "exemplar_id": 1,
    "campaign_id": 1,
    "unit_id": 1,
    "serial": "DVK-2024-000123",
}


def live_examples() -> dict:
    """One existing record of each kind, so that every documented path can be tried
    and found: a public initiative, a commended exemplar, a campaign, a top unit and a
    valid serial (five small indexed queries)."""
    valid = Certificate.status == CertificateStatus.VALID
    found = {
        "initiative_id": db.session.scalar(
            sa.select(sa.func.min(InitiativeYear.initiative_id)).where(
                InitiativeYear.status.in_(PUBLIC_STATUSES)
            )
        ),
        "exemplar_id": db.session.scalar(
            sa.select(sa.func.min(Nomination.exemplar_id))
            .join(Certificate, Certificate.nomination_id == Nomination.id)
            .where(valid)
        ),
        "campaign_id": db.session.scalar(sa.select(sa.func.min(Campaign.id))),
        "unit_id": db.session.scalar(
            sa.select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.sort_key).limit(1)
        ),
        "serial": db.session.scalar(sa.select(sa.func.min(Certificate.serial)).where(valid)),
    }
    return {k: v if v is not None else FALLBACK_EXAMPLES[k] for k, v in found.items()}


def _fill_examples(node, examples: dict):
    """Replace each ``x-example-of`` placeholder (api/schema.py) by a real value."""
    if isinstance(node, dict):
        key = node.pop("x-example-of", None)
        if key is not None:
            node["example"] = examples[key]
        for value in node.values():
            _fill_examples(value, examples)
    elif isinstance(node, list):
        for value in node:
            _fill_examples(value, examples)


def spec(examples: dict | None = None) -> dict:
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "Dân vận khéo – dữ liệu mở",
            "version": "1.0.0",
            "description": (
                "Dữ liệu công khai của phong trào thi đua “Dân vận khéo”. Mọi câu trả lời "
                "có ETag và Last-Modified: gửi lại If-None-Match để nhận 304 khi dữ liệu "
                "không đổi. Giới hạn số yêu cầu theo địa chỉ (429, Retry-After). Danh sách "
                "phân trang theo “page” hoặc theo khóa “cursor”; tải trọn bộ ở /bulk."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {},
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "integer"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            }
        },
    }
    for module in RESOURCES:
        document["paths"].update(deepcopy(module.OPENAPI_PATHS))
        document["components"]["schemas"].update(deepcopy(module.OPENAPI_SCHEMAS))
    _fill_examples(document["paths"], examples or FALLBACK_EXAMPLES)
    return document


@bp.route("/openapi.json")
@common.conditional("initiatives", "exemplars", "campaigns", "awards", "units")
def openapi_json():
    return jsonify(spec(live_examples()))
