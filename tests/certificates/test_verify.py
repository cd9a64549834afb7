"""Public verification: the page, the file check and the API, for valid, revoked and
unknown serials."""

import io

import sqlalchemy as sa

from dankheo.certificates import revocation, storage
from dankheo.certificates.jobs import enqueue_issue
from dankheo.extensions import db
from dankheo.models import AuditEvent, Certificate, CertificateStatus
from dankheo.vietnamese import format_date


def _first():
    return db.session.scalars(sa.select(Certificate).order_by(Certificate.position)).first()


def test_verify_page_shows_a_valid_certificate(client, signed):
    cert = _first()
    html = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "Có hiệu lực" in html
    assert "Ông Nguyễn Văn Thành" in html
    assert "Số: 123/QĐ-UBND" in html and "15/12/2024" in html
    assert "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh" in html
    assert cert.sha256 in html


def test_unknown_serial_is_404_page_and_json(client, signed):
    response = client.get("/verify/DVK-2024-999999")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)
    response = client.get("/api/v1/certificates/DVK-2024-999999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_api_returns_the_contract_fields(client, signed):
    cert = _first()
    data = client.get(f"/api/v1/certificates/{cert.serial}").get_json()
    assert data["serial"] == cert.serial
    assert data["status"] == "valid"
    assert data["recipient_name"] == "Ông Nguyễn Văn Thành"
    assert data["award"] == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh"
    assert data["issuer"] == "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh"
    assert data["decision_number"] == "Số: 123/QĐ-UBND"
    assert data["decision_date"] == "2024-12-15"
    assert data["sha256"] == cert.sha256


def test_openapi_describes_the_certificate_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/certificates/{serial}" in spec["paths"]
    assert "Certificate" in spec["components"]["schemas"]


def test_revoked_certificate_shows_reason_and_date_everywhere(client, signed, secretary):
    cert = _first()
    revocation.revoke_certificate(secretary, cert, "Trùng lặp với quyết định khác")
    db.session.commit()
    html = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "Đã thu hồi" in html and "Trùng lặp với quyết định khác" in html
    assert format_date(cert.revoked_at) in html  # the day in Vietnam
    data = client.get(f"/api/v1/certificates/{cert.serial}").get_json()
    assert data["status"] == "revoked"
    assert db.session.get(Certificate, cert.id) is not None  # kept, never deleted
    assert (
        db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoke")
        ).note
        == "Trùng lặp với quyết định khác"
    )


def test_check_a_file_compares_hashes(client, signed):
    cert = _first()
    good = storage.certificate_file(cert).read_bytes()
    html = client.post(
        f"/verify/{cert.serial}",
        data={"pdf": (io.BytesIO(good), "gk.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "trùng khớp với bản gốc" in html and "KHÔNG" not in html
    html = client.post(
        f"/verify/{cert.serial}",
        data={"pdf": (io.BytesIO(good + b"%"), "gk.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "KHÔNG trùng khớp" in html


def test_lookup_form_redirects_to_the_serial_and_rejects_garbage(client, signed):
    cert = _first()
    response = client.get(f"/verify?serial={cert.serial.lower()}")
    assert response.status_code == 302 and response.location.endswith(f"/verify/{cert.serial}")
    html = client.get("/verify?serial=abc").get_data(as_text=True)
    assert "DVK-2024-000123" in html


def test_correction_issues_a_linked_certificate_and_revokes_the_old(signed, secretary):
    cert = _first()
    new = revocation.correct_certificate(
        secretary,
        cert,
        recipient_name="Ông Nguyễn Văn Thanh",
        recipient_line=cert.recipient_line,
        reason=cert.reason,
        note="Sai chính tả họ tên",
    )
    db.session.commit()
    enqueue_issue(new.decision_id, [new.id])
    db.session.expire_all()
    new = db.session.get(Certificate, new.id)
    old = db.session.get(Certificate, cert.id)
    assert new.replaces_id == old.id and new.serial == "DVK-2024-000004"
    assert new.status == CertificateStatus.VALID and new.sha256
    assert old.status == CertificateStatus.REVOKED and new.serial in old.revoked_reason
