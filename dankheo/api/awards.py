"""/api/v1 awards: issued certificates (giấy khen, bằng khen), valid or revoked, with
the public fields of ``/verify``: serial, status, recipient, award, issuer, decision,
campaign. Ordered by serial; keyset (``cursor``) or page pagination, capped counts."""

import sqlalchemy as sa
from flask import jsonify, request
from sqlalchemy.orm import joinedload

from dankheo.api import common, schema
from dankheo.api.blueprint import bp
from dankheo.api.certificates import certificate_json
from dankheo.extensions import db
from dankheo.models import Campaign, Certificate, CertificateStatus, Decision
from dankheo.registry.queries import parse_list_params

ALLOWED_PARAMS = {"year", "campaign", "page", "cursor"}
DATASETS = ("awards", "campaigns")
SHOWN = (CertificateStatus.VALID, CertificateStatus.REVOKED)


def serialise(cert: Certificate) -> dict:
    campaign = cert.decision.campaign
    return {
        **certificate_json(cert),
        "campaign": {"id": campaign.id, "name": campaign.name, "year": campaign.year},
        "url": common.public_url("verify.show", serial=cert.serial),
    }


def _select() -> sa.Select:
    return sa.select(Certificate).options(
        joinedload(Certificate.decision).joinedload(Decision.award_type),
        joinedload(Certificate.decision).joinedload(Decision.campaign),
    )


@bp.route("/awards")
@common.conditional(*DATASETS)
@common.handles_bad_requests
def awards():
    common.check_params(ALLOWED_PARAMS)
    params = parse_list_params(request.args)
    if params.errors:
        return common.error(" ".join(params.errors.values()))
    campaign_id = request.args.get("campaign", type=int)
    if "campaign" in request.args and (campaign_id is None or not 0 < campaign_id < 2**31):
        return common.error("Tham số “campaign” phải là số nguyên dương.")
    conditions = [Certificate.status.in_(SHOWN)]
    if params.year or campaign_id:
        decisions = sa.select(Decision.id).join(Campaign, Campaign.id == Decision.campaign_id)
        if params.year:
            decisions = decisions.where(Campaign.year == params.year)
        if campaign_id:
            decisions = decisions.where(Campaign.id == campaign_id)
        conditions.append(Certificate.decision_id.in_(decisions))
    size = common.per_page()
    cursor = common.paging_mode("page" in request.args)
    stmt = _select().where(*conditions).order_by(Certificate.serial)
    if cursor is not None:
        if cursor:
            (after,) = common.decode_cursor(cursor, (str,))
            stmt = stmt.where(Certificate.serial > after)
        total, capped, page = None, False, None
        items = db.session.scalars(stmt.limit(size)).all()
    else:
        ids = sa.select(Certificate.id).where(*conditions).limit(common.COUNT_CAP + 1)
        counted = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))
        capped = counted > common.COUNT_CAP
        total, page = min(counted, common.COUNT_CAP), params.page
        items = db.session.scalars(stmt.limit(size).offset((params.page - 1) * size)).all()
    next_cursor = common.encode_cursor(items[-1].serial) if len(items) == size else None
    return jsonify(
        common.page_body(
            [serialise(c) for c in items],
            total=total,
            capped=capped,
            page=page,
            next_cursor=next_cursor,
        )
    )


@bp.route("/awards/<serial>")
@common.conditional(*DATASETS)
def award(serial: str):
    cert = db.session.scalar(
        _select().where(Certificate.serial == serial.strip().upper(), Certificate.status.in_(SHOWN))
    )
    if cert is None:
        return common.error("Không có giấy khen, bằng khen với số hiệu này.", 404)
    return jsonify(serialise(cert))


OPENAPI_PATHS: dict = {
    "/awards": {
        "get": {
            "operationId": "listAwards",
            "summary": "Danh sách giấy khen, bằng khen đã cấp",
            "description": "Còn hiệu lực hoặc đã thu hồi (kèm lý do), theo số hiệu.",
            "parameters": [
                schema.int_param("year", "Năm của đợt thi đua", 2000, 2100),
                schema.int_param("campaign", "Mã đợt thi đua"),
                schema.PAGE,
                schema.CURSOR,
            ],
            "responses": schema.responses(
                schema.json_response("Một trang kết quả", schema.ref("AwardPage"))
            ),
        }
    },
    "/awards/{serial}": {
        "get": {
            "operationId": "getAward",
            "summary": "Một giấy khen, bằng khen theo số hiệu",
            "parameters": [
                {
                    "name": "serial",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^DVK-[0-9]{4}-[0-9]{6}$"},
                    **schema.example_of("serial"),
                }
            ],
            "responses": schema.responses(
                schema.json_response("Giấy khen, bằng khen", schema.ref("Award")),
                bad_request=False,
                not_found=True,
            ),
        }
    },
}

OPENAPI_SCHEMAS: dict = {
    "AwardPage": schema.page_schema("Award"),
    "Award": {
        "allOf": [
            schema.ref("Certificate"),
            {
                "type": "object",
                "required": ["campaign", "url"],
                "properties": {
                    "campaign": {
                        "type": "object",
                        "required": ["id", "name", "year"],
                        "properties": {
                            "id": {"type": "integer"},
                            "name": {"type": "string"},
                            "year": {"type": "integer"},
                        },
                    },
                    "url": {"type": "string", "format": "uri"},
                },
            },
        ]
    },
}
