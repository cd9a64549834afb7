"""Routes of the certificates area: who may open them, forms, signing from the page."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import AuditEvent, Certificate, CertificateStatus, Decision, Role
from tests.certificates.conftest import make_decision
from tests.factories import make_user


def test_anonymous_is_sent_to_login(client, campaign):
    response = client.get("/certificates/decisions")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_reviewer_cannot_create_a_decision(client, auth, units, campaign):
    make_user("hoidong", (Role.REVIEWER, units["d1"]))
    auth.login("hoidong")
    assert client.get("/certificates/decisions/new").status_code == 403


def test_secretary_of_another_unit_gets_403_on_a_decision(
    client, auth, units, secretary, campaign, approved
):
    decision = make_decision(secretary, campaign, approved)
    make_user("thuky2", (Role.SECRETARY, units["d2"]))
    auth.login("thuky2")
    assert client.get(f"/certificates/decisions/{decision.id}").status_code == 403
    assert client.post(f"/certificates/decisions/{decision.id}/sign").status_code == 403
    assert client.get("/certificates/decisions/999").status_code == 404


def test_secretary_creates_orders_and_signs_a_decision(client, auth, secretary, campaign, approved):
    auth.login("thuky")
    html = client.get("/certificates/decisions").get_data(as_text=True)
    assert "Chưa có quyết định khen thưởng nào" in html
    response = client.post(
        "/certificates/decisions/new",
        data={
            "award_type_id": campaign.award_types[0].id,
            "number": "45",
            "signed_on": "2024-12-15",
            "place": "Tây Ninh",
            "signer_title": "Chủ tịch",
            "signer_name": "Nguyễn Thanh Ngọc",
            "nomination_ids": [n.id for n in approved],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    decision = db.session.scalar(sa.select(Decision))
    assert decision.number_text == "Số: 45/QĐ-UBND"
    last = decision.items[-1]
    client.post(
        f"/certificates/decisions/{decision.id}/items/{last.id}/move", data={"direction": "up"}
    )
    db.session.expire_all()
    order = [i.nomination_id for i in db.session.get(Decision, decision.id).items]
    assert order == [approved[0].id, approved[2].id, approved[1].id]
    client.post(f"/certificates/decisions/{decision.id}/sign")
    db.session.expire_all()
    certs = db.session.scalars(sa.select(Certificate).order_by(Certificate.position)).all()
    assert [c.recipient_name for c in certs] == [approved[i].recipient_name for i in (0, 2, 1)]
    assert all(c.status == CertificateStatus.VALID for c in certs)
    html = client.get(f"/certificates/decisions/{decision.id}").get_data(as_text=True)
    assert "<progress" in html and "Đã phát hành 3/3" in html
    progress = client.get(f"/certificates/decisions/{decision.id}/progress").get_json()
    assert progress == {
        "done": 3,
        "total": 3,
        "finished": True,
        "text": "Đã phát hành 3/3 bằng khen",
    }
    download = client.get(f"/certificates/c/{certs[0].serial}.pdf")
    import hashlib

    assert hashlib.sha256(download.data).hexdigest() == certs[0].sha256
    download.close()
    queued = client.post(f"/certificates/decisions/{decision.id}/print", data={"mode": "full"})
    # The worker builds the batch (immediate here); the request only queues it.
    assert "/certificates/prints/" in queued.headers["Location"]
    page = client.get(queued.headers["Location"])
    assert "Sẵn sàng tải về: 3/3" in page.get_data(as_text=True)
    batch = client.get(queued.headers["Location"] + "/file.pdf")
    assert batch.mimetype == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    assert len(PdfReader(BytesIO(batch.data)).pages) == 3
    batch.close()


def test_decision_form_bad_input_saves_nothing(client, auth, secretary, campaign, approved):
    auth.login("thuky")
    html = client.post(
        "/certificates/decisions/new",
        data={"award_type_id": campaign.award_types[0].id, "number": "", "signed_on": "x"},
    ).get_data(as_text=True)
    assert "Vui lòng nhập số quyết định." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


def test_revoke_needs_a_reason(client, auth, signed):
    auth.login("thuky")
    cert = db.session.scalars(sa.select(Certificate)).first()
    html = client.post(f"/certificates/c/{cert.serial}/revoke", data={"reason": " "}).get_data(
        as_text=True
    )
    assert "Vui lòng ghi rõ lý do thu hồi." in html
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).status == CertificateStatus.VALID
    client.post(f"/certificates/c/{cert.serial}/revoke", data={"reason": "Cấp nhầm"})
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).status == CertificateStatus.VALID  # no decision
    client.post(
        f"/certificates/c/{cert.serial}/revoke",
        data={"reason": "Cấp nhầm", "decision_number": "45/QĐ-UBND", "decision_date": "2025-01-10"},
    )
    db.session.expire_all()
    revoked = db.session.get(Certificate, cert.id)
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoked_by_decision == "45/QĐ-UBND"
    page = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "theo Quyết định số 45/QĐ-UBND ngày 10/01/2025" in page
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))


def test_design_preview_overlay_and_calibration_render(client, auth, secretary, campaign):
    auth.login("thuky")
    award_type = campaign.award_types[0]
    assert "Mẫu in" in client.get(f"/certificates/award-types/{award_type.id}/design").get_data(
        as_text=True
    )
    for kind in ("full", "overlay", "calibration", "blank"):
        response = client.get(f"/certificates/award-types/{award_type.id}/preview/{kind}.pdf")
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")


def test_emblem_upload_accepts_png_and_refuses_svg(client, auth, secretary, campaign):
    from io import BytesIO

    from PIL import Image

    auth.login("thuky")
    award_type = campaign.award_types[0]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
    client.post(
        f"/certificates/award-types/{award_type.id}/image/emblem",
        data={"emblem-image": (BytesIO(svg), "x.svg")},
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    assert db.session.get(type(award_type), award_type.id).emblem_path == ""
    png = BytesIO()
    Image.new("RGBA", (900, 900), (200, 0, 0, 255)).save(png, "PNG")
    client.post(
        f"/certificates/award-types/{award_type.id}/image/emblem",
        data={"emblem-image": (BytesIO(png.getvalue()), "quoc-huy.png")},
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    path = db.session.get(type(award_type), award_type.id).emblem_path
    assert path.endswith(".jpg")


def test_overlay_layout_out_of_page_is_refused(client, auth, secretary, campaign):
    from dankheo.certificates.design import OVERLAY_FIELDS

    auth.login("thuky")
    award_type = campaign.award_types[0]
    data = {"offset_x": "1.5", "offset_y": "-2"}
    for name in OVERLAY_FIELDS:
        data[f"{name}_x"] = "100"
        data[f"{name}_y"] = "100"
    data["recipient_y"] = "400"  # A3 is 297 mm high
    html = client.post(f"/certificates/award-types/{award_type.id}/overlay", data=data).get_data(
        as_text=True
    )
    assert "Vị trí in phải nằm trong khổ giấy" in html
    data["recipient_y"] = "140"
    client.post(f"/certificates/award-types/{award_type.id}/overlay", data=data)
    db.session.expire_all()
    layout = db.session.get(type(award_type), award_type.id).overlay_layout
    assert layout["offset"] == [1.5, -2.0] and layout["fields"]["recipient"] == [100.0, 140.0]


def test_demo_stage_awards_approved_nominations(secretary, approved):
    from dankheo.demo import certificates as stage

    line = stage.seed()
    assert "1 signed decisions, 3 certificates issued" in line
    assert stage.seed() == "certificates: skipped (no approved nominations to award)"


def test_overlay_batch_prints_a_chosen_subset_in_decision_order(client, auth, signed):
    from io import BytesIO

    from pypdf import PdfReader

    auth.login("thuky")
    certs = db.session.scalars(sa.select(Certificate).order_by(Certificate.position)).all()
    queued = client.post(
        f"/certificates/decisions/{signed.id}/print",
        data={"mode": "overlay", "certificate_ids": [certs[2].id, certs[0].id]},
    )
    response = client.get(queued.headers["Location"] + "/file.pdf")
    assert response.mimetype == "application/pdf"
    pages = PdfReader(BytesIO(response.data)).pages
    response.close()
    assert len(pages) == 2
    assert certs[0].serial in pages[0].extract_text()
    assert certs[2].serial in pages[1].extract_text()
    assert "BẰNG KHEN" not in pages[0].extract_text()  # variable text only


def test_draft_decision_pdf_lists_its_recipients(client, auth, secretary, campaign, approved):
    from io import BytesIO

    from pypdf import PdfReader

    decision = make_decision(secretary, campaign, approved)
    auth.login("thuky")
    response = client.get(f"/certificates/decisions/{decision.id}/decision.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    assert "QUYẾT ĐỊNH" in text and "DANH SÁCH" in text
    assert "Bà Trần Thị Ngọc Ánh" in " ".join(text.split())


def test_the_decisions_list_counts_recipients_without_loading_them(
    client, auth, secretary, campaign, approved, count_queries
):
    """The list shows each decision's number of recipients from one GROUP BY: the
    statements do not grow with the decisions' items."""
    decision = make_decision(secretary, campaign, approved)
    auth.login("thuky")
    with count_queries() as q:
        html = client.get("/certificates/decisions").get_data(as_text=True)
    assert f"<td>{len(decision.items)}</td>" in html
    assert not any("FROM decision_items" in s and "count(" not in s for s in q.statements)
