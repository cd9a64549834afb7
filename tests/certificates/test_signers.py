"""Personal signers (issue 15): each decision is signed with the key of the person whose
name it prints — a PKCS#11 token (SoftHSM2 here) or a PKCS#12 file — confirmed by that
person or by their office under a recorded delegation; every stored file validates as
intact and covering the whole file, and the signature names its holder."""

import shutil
import subprocess
from datetime import date, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader

from dankheo.certificates import decisions, signers, storage
from dankheo.errors import DomainError, PermissionDenied
from dankheo.extensions import db
from dankheo.models import (
    AuditEvent,
    Certificate,
    CertificateStatus,
    DecisionStatus,
    KeyKind,
    NominationState,
    SecretSource,
    SignerAuthority,
)
from dankheo.pdf.keys import generate_demo_key
from dankheo.pdf.signing import load_certificate, signature_status
from tests.certificates.conftest import make_decision, signer_config
from tests.factories import make_user

PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture
def app_config(tmp_path, softhsm_tokens):
    return signer_config(
        tmp_path,
        softhsm_tokens,
        SIGNING_SECRETS={"ban-dan-van": "bi-mat", "demo-signers": "demo-pass"},
    )


@pytest.fixture
def admin(units):
    from dankheo.models import Role

    return make_user("quantri", (Role.ADMIN, units["province"]))


def _token_signer(admin, units, token, *, user, authority, title, authority_of=""):
    signer = signers.save_signer(
        admin,
        None,
        unit=units["province"],
        user=user,
        full_name=token.holder,
        title=title,
        authority=authority,
        authority_of=authority_of,
        key_kind=KeyKind.PKCS11,
        key_upload=None,
        pkcs11_module="softhsm",
        token_label=token.label,
        key_label=token.key_label,
        secret_source=SecretSource.PROMPT,
        secret_ref="",
        typed_secret=token.pin,
    )
    db.session.commit()
    return signer


@pytest.fixture
def deputy_user(units):
    return make_user("phochutich", full_name="Lê Thị Hoa")


@pytest.fixture
def deputy(admin, units, softhsm_tokens, deputy_user):
    return _token_signer(
        admin,
        units,
        softhsm_tokens["deputy"],
        user=deputy_user,
        authority=SignerAuthority.KT,
        authority_of="Chủ tịch",
        title="Phó Chủ tịch",
    )


def _submitted(secretary, campaign, nominations, signer, number=45):
    decision = decisions.create_decision(
        secretary,
        campaign.award_types[0],
        number=number,
        signed_on=date(2024, 12, 15),
        place="Tây Ninh",
        signer_name="",
        signer_title="",
        nomination_ids=[n.id for n in nominations],
        signer=signer,
    )
    decisions.submit_for_signature(secretary, decision)
    db.session.commit()
    return decision


def _files(decision):
    certs = db.session.scalars(
        sa.select(Certificate).where(Certificate.decision_id == decision.id)
    ).all()
    return [storage.certificate_file(c) for c in certs] + [storage.decision_file(decision)]


def _text(path) -> str:
    out = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True)  # noqa: S603
    return " ".join(out.stdout.decode().split())


def test_deputy_signs_with_their_token_kt_in_the_pdf_and_in_the_signature(
    client, auth, secretary, campaign, approved, deputy, softhsm_tokens
):
    decision = _submitted(secretary, campaign, approved, deputy)
    assert decision.signer_authority == "KT. CHỦ TỊCH"
    auth.login("phochutich")
    page = client.get(f"/certificates/signing/{decision.id}")
    assert "KT. CHỦ TỊCH" in page.get_data(as_text=True)
    response = client.post(
        f"/certificates/signing/{decision.id}",
        data={"secret": softhsm_tokens["deputy"].pin, "confirm": "y", "version": decision.version},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert decision.status == DecisionStatus.SIGNED
    assert decision.signed_by.username == "phochutich" and decision.delegation is None
    token_cert = asn1_x509.Certificate.load(softhsm_tokens["deputy"].certificate_der)
    assert decision.signature_fingerprint == signers_fingerprint(token_cert)
    certs = db.session.scalars(sa.select(Certificate)).all()
    assert [c.status for c in certs] == [CertificateStatus.VALID] * 3
    for path in _files(decision):
        data = path.read_bytes()
        status = signature_status(data, [token_cert])
        assert status["intact"] and status["valid"] and status["whole_file"], path
        assert status["certificate"]["common_name"] == "Lê Thị Hoa"
        # The signature dictionary names the signer too, and the printed block shows
        # the authority line, the title and the deputy's name.
        sig = PdfFileReader(BytesIO(data)).embedded_signatures[0]
        assert sig.sig_object["/Name"] == "Lê Thị Hoa"
        if PDFTOTEXT:
            text = _text(path)
            assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Lê Thị Hoa" in text
    # The nominations were awarded on the secretary's proposal, signed by the deputy.
    awarded = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "nomination.award")
    ).all()
    assert {e.actor_id for e in awarded} == {secretary.id}
    assert {e.details["signed_by"] for e in awarded} == {"phochutich"}


def signers_fingerprint(cert) -> str:
    import hashlib

    return hashlib.sha256(cert.dump()).hexdigest()


def test_the_signature_space_is_exactly_what_the_container_needs(
    secretary, campaign, approved, deputy, deputy_user, softhsm_tokens
):
    from asn1crypto import parser

    decision = _submitted(secretary, campaign, approved, deputy)
    certificates = decisions.sign_decision(
        deputy_user, decision, typed_secret=softhsm_tokens["deputy"].pin
    )
    db.session.commit()
    from dankheo.certificates.jobs import enqueue_issue

    enqueue_issue(decision.id, [c.id for c in certificates], signers.seal("2222"))
    for path in _files(decision):
        contents = bytes(
            PdfFileReader(BytesIO(path.read_bytes())).embedded_signatures[0].sig_object["/Contents"]
        )
        _c, _m, _t, header, body, _trailer = parser.parse(contents)
        assert len(contents) == len(header) + len(body), "no zero padding after the CMS"


def test_a_wrong_pin_signs_nothing_and_says_why(
    client, auth, secretary, campaign, approved, deputy
):
    decision = _submitted(secretary, campaign, approved, deputy)
    auth.login("phochutich")
    response = client.post(
        f"/certificates/signing/{decision.id}",
        data={"secret": "9999", "confirm": "y", "version": decision.version},
    )
    assert "Mật khẩu hoặc mã PIN của khóa ký số không đúng." in response.get_data(as_text=True)
    db.session.expire_all()
    assert decision.status == DecisionStatus.DRAFT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    assert all(n.state == NominationState.APPROVED for n in approved)


def test_without_the_confirmation_box_nothing_is_signed(
    client, auth, secretary, campaign, approved, deputy, softhsm_tokens
):
    decision = _submitted(secretary, campaign, approved, deputy)
    auth.login("phochutich")
    response = client.post(
        f"/certificates/signing/{decision.id}",
        data={"secret": softhsm_tokens["deputy"].pin, "version": decision.version},
    )
    assert "Vui lòng đánh dấu xác nhận ký." in response.get_data(as_text=True)
    db.session.expire_all()
    assert decision.status == DecisionStatus.DRAFT


@pytest.mark.parametrize("who", ["thuky", "quantri", "nguoikhac"])
def test_only_the_signer_or_a_delegate_may_confirm(
    client, auth, secretary, admin, campaign, approved, deputy, softhsm_tokens, who
):
    make_user("nguoikhac")
    decision = _submitted(secretary, campaign, approved, deputy)
    auth.login(who)
    response = client.post(
        f"/certificates/signing/{decision.id}",
        data={"secret": softhsm_tokens["deputy"].pin, "confirm": "y", "version": decision.version},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert decision.status == DecisionStatus.DRAFT


def test_the_secretary_cannot_sign_a_decision_that_names_a_signer(
    client, auth, secretary, campaign, approved, deputy
):
    decision = _submitted(secretary, campaign, approved, deputy)
    auth.login("thuky")
    response = client.post(f"/certificates/decisions/{decision.id}/sign", follow_redirects=True)
    assert "người ký (hoặc người được ủy quyền) xác nhận ký" in response.get_data(as_text=True)
    db.session.expire_all()
    assert decision.status == DecisionStatus.DRAFT


def test_the_office_confirms_under_a_recorded_delegation_until_it_is_revoked(
    client, auth, secretary, campaign, approved, deputy, deputy_user, softhsm_tokens
):
    clerk = make_user("vanthu", full_name="Phạm Văn Thư")
    auth.login("phochutich")  # the signer records the delegation themselves
    response = client.post(
        f"/certificates/signers/{deputy.id}",
        data={
            "username": "vanthu",
            "reference": "Giấy ủy quyền số 12/GUQ-UBND ngày 02/01/2024",
            "valid_from": "2024-01-02",
        },
    )
    assert response.status_code == 302
    auth.logout()
    decision = _submitted(secretary, campaign, approved[:2], deputy)
    other = _submitted(secretary, campaign, approved[2:], deputy, number=46)
    auth.login("vanthu")
    assert decision.number_text in client.get("/certificates/signing").get_data(as_text=True)
    page = client.get(f"/certificates/signing/{decision.id}").get_data(as_text=True)
    assert "thay mặt Lê Thị Hoa" in page
    client.post(
        f"/certificates/signing/{decision.id}",
        data={"secret": softhsm_tokens["deputy"].pin, "confirm": "y", "version": decision.version},
    )
    db.session.expire_all()
    assert decision.status == DecisionStatus.SIGNED
    assert decision.signed_by_id == clerk.id
    assert decision.delegation.reference.startswith("Giấy ủy quyền số 12")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "decision.sign"))
    assert event.actor_id == clerk.id and event.details["delegation"] == decision.delegation_id
    # The signature is still the deputy's own.
    token_cert = asn1_x509.Certificate.load(softhsm_tokens["deputy"].certificate_der)
    status = signature_status(storage.decision_file(decision).read_bytes(), [token_cert])
    assert status["valid"] and status["certificate"]["common_name"] == "Lê Thị Hoa"

    auth.logout()
    auth.login("phochutich")
    client.post(f"/certificates/signers/{deputy.id}/delegations/{decision.delegation_id}/revoke")
    auth.logout()
    auth.login("vanthu")
    response = client.post(
        f"/certificates/signing/{other.id}",
        data={"secret": softhsm_tokens["deputy"].pin, "confirm": "y", "version": other.version},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert other.status == DecisionStatus.DRAFT


def test_a_delegation_outside_its_period_gives_no_right(secretary, deputy, deputy_user):
    clerk = make_user("vanthu2")
    signers.grant_delegation(
        deputy_user,
        deputy,
        user=clerk,
        reference="GUQ 3/2023",
        valid_from=date.today() - timedelta(days=30),
        valid_to=date.today() - timedelta(days=1),
    )
    db.session.commit()
    with pytest.raises(PermissionDenied):
        signers.acting_delegation(clerk, deputy, date.today())
    with pytest.raises(DomainError):
        signers.grant_delegation(
            deputy_user,
            deputy,
            user=deputy_user,
            reference="x",
            valid_from=date.today(),
            valid_to=None,
        )


def test_an_edited_draft_must_be_sent_again_and_a_stale_confirmation_is_refused(
    secretary, campaign, approved, deputy, deputy_user, softhsm_tokens
):
    decision = _submitted(secretary, campaign, approved, deputy)
    seen = decision.version
    decisions.update_decision(
        secretary,
        decision,
        number=47,
        signed_on=decision.signed_on,
        place="Tây Ninh",
        signer_name="",
        signer_title="",
        nomination_ids=[n.id for n in approved],
        expected_version=seen,
        signer=deputy,
    )
    db.session.commit()
    assert decision.submitted_at is None
    with pytest.raises(DomainError, match="chưa được trình ký"):
        decisions.sign_decision(deputy_user, decision, typed_secret="2222")
    db.session.rollback()
    decisions.submit_for_signature(secretary, decision)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        decisions.sign_decision(deputy_user, decision, typed_secret="2222", expected_version=seen)
    assert refused.value.code == "stale_version"


def test_pkcs12_signer_with_the_passphrase_in_config_signs_every_file_whole(
    app, tmp_path, secretary, admin, campaign, approved, units, client, auth
):
    head = make_user("truongban", full_name="Nguyễn Thanh Ngọc")
    key = generate_demo_key(
        tmp_path / "upload.p12", "bi-mat", "Nguyễn Thanh Ngọc", title="Trưởng ban"
    )
    auth.login("quantri")
    response = client.post(
        "/certificates/signers/new",
        data={
            "full_name": "Nguyễn Thanh Ngọc",
            "title": "Trưởng ban",
            "unit_id": units["agency"].id,
            "authority": "head",
            "username": "truongban",
            "key_kind": "pkcs12",
            "key_upload": (BytesIO(key.read_bytes()), "khoa.p12"),
            "secret_source": "config",
            "secret_ref": "ban-dan-van",
            "active": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    signer = db.session.scalar(sa.select(signers.Signer))
    key_file = tmp_path / "keys" / signer.key_file
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
    assert "Nguyễn Thanh Ngọc" in signer.cert_subject
    auth.logout()

    decision = _submitted(secretary, campaign, approved, signer)
    auth.login("truongban")
    client.post(
        f"/certificates/signing/{decision.id}", data={"confirm": "y", "version": decision.version}
    )
    db.session.expire_all()
    assert decision.status == DecisionStatus.SIGNED and decision.signed_by_id == head.id
    root = load_certificate(str(key), "bi-mat")
    for path in _files(decision):
        status = signature_status(path.read_bytes(), [root])
        assert status["intact"] and status["valid"] and status["whole_file"]
        assert status["certificate"]["common_name"] == "Nguyễn Thanh Ngọc"
    # The public pages name the signer and the certificate.
    cert = db.session.scalars(sa.select(Certificate)).first()
    verify = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "Nguyễn Thanh Ngọc" in verify and decision.signature_fingerprint in verify
    api = client.get(f"/api/v1/certificates/{cert.serial}").get_json()
    assert api["signer"]["name"] == "Nguyễn Thanh Ngọc"
    assert api["signer"]["digital_signature"]["certificate_sha256"] == (
        decision.signature_fingerprint
    )
    assert api["signer"]["digital_signature"]["delegated"] is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key_kind": "pkcs11", "pkcs11_module": "", "key_label": ""}, "cho thiết bị ký số"),
        ({"authority": "kt", "authority_of": ""}, "phần sau TM./KT./TL./TUQ."),
        ({"secret_source": "config", "secret_ref": ""}, "tên mục cấu hình"),
        ({"key_kind": "pkcs12"}, "PKCS#12 (.p12, .pfx) hợp lệ"),
        (
            {"key_kind": "pkcs12", "key_upload": (BytesIO(b"<svg/>"), "x.p12")},
            "PKCS#12 (.p12, .pfx) hợp lệ",
        ),
        (
            {
                "pkcs11_module": "softhsm",
                "token_label": "PHOCHUTICH",
                "key_label": "ky-so",
                "secret": "0000",
            },
            "mã PIN của khóa ký số không đúng",
        ),
    ],
)
def test_signer_form_bad_input_is_refused_and_saves_nothing(
    client, auth, admin, units, softhsm_tokens, data, message
):
    form = {
        "full_name": "Lê Thị Hoa",
        "title": "Phó Chủ tịch",
        "unit_id": units["province"].id,
        "authority": "head",
        "key_kind": "pkcs11",
        "pkcs11_module": "softhsm",
        "token_label": "PHOCHUTICH",
        "key_label": "ky-so",
        "secret_source": "prompt",
        "secret": "2222",
    }
    form.update(data)
    auth.login("quantri")
    response = client.post(
        "/certificates/signers/new", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(signers.Signer)) == 0


def test_signer_pages_are_for_admins_and_the_signer_themselves(
    client, auth, secretary, admin, deputy
):
    assert "/auth/login" in client.get("/certificates/signers").headers["Location"]
    auth.login("thuky")
    assert client.get("/certificates/signers").status_code == 403
    assert client.get(f"/certificates/signers/{deputy.id}").status_code == 403
    assert client.get("/certificates/signing").status_code == 403
    auth.logout()
    auth.login("phochutich")
    assert client.get("/certificates/signers").status_code == 403
    assert "Lê Thị Hoa" in client.get(f"/certificates/signers/{deputy.id}").get_data(as_text=True)
    assert "Không có quyết định nào đang chờ ký" in client.get("/certificates/signing").get_data(
        as_text=True
    )
    auth.logout()
    auth.login("quantri")
    assert "Lê Thị Hoa" in client.get("/certificates/signers").get_data(as_text=True)


def test_a_signer_signs_only_for_the_organising_unit_or_a_body_above_it(
    admin, units, secretary, campaign, approved, softhsm_tokens
):
    district_head = signers.save_signer(
        admin,
        None,
        unit=units["d2"] if "d2" in units else units["c21"],
        user=None,
        full_name="Võ Văn Huyện",
        title="Chủ tịch",
        authority=SignerAuthority.HEAD,
        authority_of="",
        key_kind=KeyKind.PKCS11,
        key_upload=None,
        pkcs11_module="softhsm",
        token_label="CHUTICH",
        key_label="ky-so",
        secret_source=SecretSource.PROMPT,
        secret_ref="",
        typed_secret="1111",
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        make_decision_with(secretary, campaign, approved, district_head)
    assert refused.value.code == "signer.unit_scope"


def make_decision_with(secretary, campaign, nominations, signer):
    return decisions.create_decision(
        secretary,
        campaign.award_types[0],
        number=77,
        signed_on=date(2024, 12, 15),
        place="Tây Ninh",
        signer_name="",
        signer_title="",
        nomination_ids=[n.id for n in nominations],
        signer=signer,
    )


def test_paper_signed_decisions_keep_working_without_a_signer(secretary, campaign, approved):
    decision = make_decision(secretary, campaign, approved)
    assert decision.signer is None and decision.signer_authority == ""
    decisions.sign_decision(secretary, decision)
    db.session.commit()
    assert decision.status == DecisionStatus.SIGNED and decision.signed_by_id == secretary.id


def test_the_demo_signs_each_decision_with_its_signers_own_demo_key(secretary, approved, units):
    from dankheo.demo import certificates as demo
    from dankheo.models import Role, Signer

    make_user("admin", (Role.ADMIN, units["province"]))
    assert "signed with the demo signers' own keys" in demo.seed()
    decision = db.session.scalar(sa.select(decisions.Decision))
    signer = db.session.scalar(sa.select(Signer))
    assert decision.signer_id == signer.id and decision.signed_by.username == "chutich"
    for path in _files(decision):
        status = signature_status(path.read_bytes())  # self-signed: intact, not trusted
        assert status["intact"] and status["whole_file"]
        assert status["certificate"]["common_name"] == "Nguyễn Thành Tâm"


def test_worker_killed_mid_batch_then_restarted_without_the_pin_then_resumed(
    client, auth, secretary, campaign, units, deputy, softhsm_tokens, monkeypatch
):
    """A PIN typed at confirmation lives only in the queued jobs: a worker killed
    mid-batch and restarted (recovery re-queues without it) leaves the rest pending, never
    doubled; the signer's “Phát hành tiếp” with the PIN finishes every serial once."""
    from dankheo.certificates import issuing, jobs
    from tests.factories import make_nomination

    nominations = [
        make_nomination(
            campaign, units["c11"], state=NominationState.APPROVED, recipient_name=f"Cá nhân {i}"
        )
        for i in range(5)
    ]
    db.session.commit()
    decision = _submitted(secretary, campaign, nominations, deputy)
    real = issuing.render_certificate_pdf
    calls = {"n": 0}

    def killed_at_the_fourth(view, **kw):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("worker killed")
        return real(view, **kw)

    monkeypatch.setattr(issuing, "render_certificate_pdf", killed_at_the_fourth)
    monkeypatch.setattr(jobs, "RECORD_EVERY", 2)
    auth.login("phochutich")
    # The immediate queue runs the job here; huey reports the interrupted job and goes on.
    client.post(
        f"/certificates/signing/{decision.id}",
        data={"secret": softhsm_tokens["deputy"].pin, "confirm": "y", "version": decision.version},
    )
    monkeypatch.setattr(issuing, "render_certificate_pdf", real)
    db.session.rollback()
    db.session.expire_all()
    assert decision.status == DecisionStatus.SIGNED  # committed before the jobs ran
    statuses = [c.status for c in db.session.scalars(sa.select(Certificate))]
    assert statuses.count(CertificateStatus.VALID) == 2

    # The restarted worker re-queues the rest, but without the PIN nothing is signed.
    assert jobs.enqueue_unfinished() == 3
    db.session.expire_all()
    assert [c.status for c in db.session.scalars(sa.select(Certificate))].count(
        CertificateStatus.PENDING
    ) == 3
    page = client.get(f"/certificates/signing/{decision.id}").get_data(as_text=True)
    assert "Phát hành tiếp" in page

    client.post(
        f"/certificates/signing/{decision.id}/resume",
        data={"secret": softhsm_tokens["deputy"].pin},
    )
    db.session.expire_all()
    certs = db.session.scalars(sa.select(Certificate).order_by(Certificate.serial)).all()
    serials = [c.serial for c in certs]
    assert len(serials) == len(set(serials)) == 5
    assert all(c.status == CertificateStatus.VALID for c in certs)
    token_cert = asn1_x509.Certificate.load(softhsm_tokens["deputy"].certificate_der)
    for path in _files(decision):
        status = signature_status(path.read_bytes(), [token_cert])
        assert status["valid"] and status["whole_file"]
    folder = storage.certificate_file(certs[0]).parent
    assert sorted(p.name[:15] for p in folder.glob("*.pdf")) == serials
