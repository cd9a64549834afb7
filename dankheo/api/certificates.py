"""/api/v1 certificates: routes and their OpenAPI description."""

from flask import abort, jsonify

from dankheo.api import common, schema
from dankheo.api.blueprint import bp
from dankheo.certificates import queries


def certificate_json(cert) -> dict:
    decision = cert.decision
    return {
        "serial": cert.serial,
        "status": cert.status.value,
        "recipient_name": cert.recipient_name,
        "award": decision.award_type.label,
        "issuer": decision.award_type.issuer_title,
        "decision_number": decision.number_text,
        "decision_date": decision.signed_on.isoformat(),
        "sha256": cert.sha256,
        "signer": signer_json(decision),
        "revoked_reason": cert.revoked_reason or None,
        "revoked_at": cert.revoked_at.isoformat() if cert.revoked_at else None,
    }


def signer_json(decision) -> dict:
    """Who signed: the printed signature block, and whose certificate the digital
    signature of the stored file carries (a personal signer's, or none: signed on paper)."""
    return {
        "name": decision.signer_name,
        "title": decision.signer_title,
        "authority": decision.signer_authority or None,
        "digital_signature": (
            {
                "certificate_subject": decision.signature_subject,
                "certificate_sha256": decision.signature_fingerprint,
                "delegated": decision.delegation_id is not None,
            }
            if decision.signature_fingerprint
            else None
        ),
    }


@bp.route("/certificates/<serial>")
@common.conditional("awards", "campaigns")
def certificate(serial: str):
    cert = queries.certificate_by_serial(serial)
    if cert is None:
        abort(404)
    return jsonify(certificate_json(cert))


OPENAPI_PATHS: dict = {
    "/certificates/{serial}": {
        "get": {
            "summary": "Tra cứu một giấy khen, bằng khen theo số hiệu",
            "operationId": "getCertificate",
            "parameters": [
                {
                    "name": "serial",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^DVK-[0-9]{4}-[0-9]{6}$"},
                    **schema.example_of("serial"),
                }
            ],
            "responses": {
                "200": {
                    "description": "Giấy khen, bằng khen",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Certificate"}}
                    },
                },
                "404": {
                    "description": "Không có số hiệu này",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
                "304": schema.NOT_MODIFIED,
                "429": schema.TOO_MANY,
            },
        }
    }
}

OPENAPI_SCHEMAS: dict = {
    "Certificate": {
        "type": "object",
        "required": [
            "serial",
            "status",
            "recipient_name",
            "award",
            "issuer",
            "decision_number",
            "decision_date",
            "sha256",
            "signer",
        ],
        "properties": {
            "serial": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "valid", "revoked"]},
            "recipient_name": {"type": "string"},
            "award": {"type": "string"},
            "issuer": {"type": "string"},
            "decision_number": {"type": "string"},
            "decision_date": {"type": "string", "format": "date"},
            "sha256": {"type": "string", "description": "SHA-256 của tệp PDF đã lưu"},
            "signer": {"$ref": "#/components/schemas/Signer"},
            "revoked_reason": {"type": "string", "nullable": True},
            "revoked_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    },
    "Signer": {
        "type": "object",
        "description": "Người ký quyết định và chữ ký số trên tệp đã lưu",
        "required": ["name", "title", "authority", "digital_signature"],
        "properties": {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "authority": {
                "type": "string",
                "nullable": True,
                "description": "Dòng thẩm quyền, ví dụ “KT. CHỦ TỊCH”",
            },
            "digital_signature": {
                "type": "object",
                "nullable": True,
                "description": "Chứng thư số của người ký; null khi quyết định ký trên giấy",
                "required": ["certificate_subject", "certificate_sha256", "delegated"],
                "properties": {
                    "certificate_subject": {"type": "string"},
                    "certificate_sha256": {"type": "string"},
                    "delegated": {
                        "type": "boolean",
                        "description": "Xác nhận ký do văn phòng thực hiện theo ủy quyền",
                    },
                },
            },
        },
    },
}
