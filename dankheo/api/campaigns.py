"""/api/v1 campaigns: every campaign (đợt thi đua) with its organiser, windows and award
types (form, issuer, quota) — public facts of the movement."""

import sqlalchemy as sa
from flask import jsonify, request
from sqlalchemy.orm import joinedload, selectinload

from dankheo.api import common, schema
from dankheo.api.blueprint import bp
from dankheo.extensions import db
from dankheo.models import AwardForm, Campaign, CampaignKind, Level
from dankheo.registry.queries import parse_list_params

ALLOWED_PARAMS = {"year", "page"}
DATASETS = ("campaigns", "units")


def _day(value):
    return value.isoformat() if value else None


def serialise(campaign: Campaign) -> dict:
    unit = campaign.organising_unit
    return {
        "id": campaign.id,
        "name": campaign.name,
        "year": campaign.year,
        "kind": campaign.kind.value,
        "level": campaign.level.value,
        "organising_unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "registration": [_day(campaign.registration_opens), _day(campaign.registration_closes)],
        "nomination": [_day(campaign.nomination_opens), _day(campaign.nomination_closes)],
        "review": [_day(campaign.review_opens), _day(campaign.review_closes)],
        "award_types": [
            {
                "id": a.id,
                "form": a.form.value,
                "label": a.label,
                "issuer": a.issuer_title,
                "quota": a.quota,
            }
            for a in campaign.award_types
        ],
    }


def _select() -> sa.Select:
    return sa.select(Campaign).options(
        joinedload(Campaign.organising_unit), selectinload(Campaign.award_types)
    )


@bp.route("/campaigns")
@common.conditional(*DATASETS)
@common.handles_bad_requests
def campaigns():
    common.check_params(ALLOWED_PARAMS)
    params = parse_list_params(request.args)
    if params.errors:
        return common.error(" ".join(params.errors.values()))
    conditions = [Campaign.year == params.year] if params.year else []
    total = db.session.scalar(sa.select(sa.func.count(Campaign.id)).where(*conditions))
    size = common.per_page()
    items = db.session.scalars(
        _select()
        .where(*conditions)
        .order_by(Campaign.year.desc(), Campaign.id)
        .limit(size)
        .offset((params.page - 1) * size)
    ).all()
    return jsonify(
        common.page_body(
            [serialise(c) for c in items],
            total=total,
            capped=False,
            page=params.page,
            next_cursor=None,
        )
    )


@bp.route("/campaigns/<int:campaign_id>")
@common.conditional(*DATASETS)
def campaign(campaign_id: int):
    item = db.session.scalar(_select().where(Campaign.id == campaign_id))
    if item is None:
        return common.error("Không có đợt thi đua với mã này.", 404)
    return jsonify(serialise(item))


_WINDOW = {
    "type": "array",
    "minItems": 2,
    "maxItems": 2,
    "items": {"type": "string", "format": "date", "nullable": True},
    "description": "[ngày mở, ngày đóng]",
}

OPENAPI_PATHS: dict = {
    "/campaigns": {
        "get": {
            "operationId": "listCampaigns",
            "summary": "Danh sách đợt thi đua",
            "parameters": [schema.int_param("year", "Năm", 2000, 2100), schema.PAGE],
            "responses": schema.responses(
                schema.json_response("Một trang kết quả", schema.ref("CampaignPage"))
            ),
        }
    },
    "/campaigns/{campaign_id}": {
        "get": {
            "operationId": "getCampaign",
            "summary": "Một đợt thi đua",
            "parameters": [schema.path_id("campaign_id", "Mã đợt thi đua", "campaign_id")],
            "responses": schema.responses(
                schema.json_response("Đợt thi đua", schema.ref("Campaign")),
                bad_request=False,
                not_found=True,
            ),
        }
    },
}

OPENAPI_SCHEMAS: dict = {
    "CampaignPage": schema.page_schema("Campaign"),
    "Campaign": {
        "type": "object",
        "required": [
            "id",
            "name",
            "year",
            "kind",
            "level",
            "organising_unit",
            "registration",
            "nomination",
            "review",
            "award_types",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "year": {"type": "integer"},
            "kind": {"type": "string", "enum": [k.value for k in CampaignKind]},
            "level": {"type": "string", "enum": [v.value for v in Level]},
            "organising_unit": schema.UNIT_REF,
            "registration": _WINDOW,
            "nomination": _WINDOW,
            "review": _WINDOW,
            "award_types": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "form", "label", "issuer", "quota"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "integer"},
                        "form": {"type": "string", "enum": [f.value for f in AwardForm]},
                        "label": {"type": "string"},
                        "issuer": {"type": "string"},
                        "quota": {"type": "integer"},
                    },
                },
            },
        },
    },
}
