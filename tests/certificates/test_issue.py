"""Issuing: the stored PDF's text, fonts, QR code, hash, PDF/A metadata, signature,
and crash-safe background rendering."""

import hashlib
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from dankheo.certificates import decisions, issuing, jobs, storage
from dankheo.extensions import db
from dankheo.models import Certificate, CertificateStatus, NominationState
from dankheo.pdf.render import app_renderer
from dankheo.vietnamese import date_line
from tests.certificates.conftest import make_decision
from tests.factories import make_nomination
from tests.pdf.pdfa import pdfa_problems

needs = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils missing"
)


def _certs():
    return list(db.session.scalars(sa.select(Certificate).order_by(Certificate.position)))


def _tool(name: str, *args: str) -> str:
    """Run a poppler/zbar tool (found on PATH) and return its standard output."""
    out = subprocess.run([shutil.which(name), *args], capture_output=True, check=True)  # noqa: S603
    return out.stdout.decode()


def _text(path) -> str:
    return _tool("pdftotext", "-layout", str(path), "-")


def test_signing_awards_nominations_and_allocates_serials(signed, approved):
    certs = _certs()
    assert [c.serial for c in certs] == ["DVK-2024-000001", "DVK-2024-000002", "DVK-2024-000003"]
    assert all(n.state == NominationState.AWARDED for n in approved)
    assert all(c.status == CertificateStatus.VALID for c in certs)
    assert [c.recipient_name for c in certs] == [n.recipient_name for n in approved]


@needs
def test_stored_pdf_has_recipient_and_achievement_in_nfc(signed):
    cert = _certs()[0]
    text = " ".join(_text(storage.certificate_file(cert)).split())
    assert unicodedata.is_normalized("NFC", text)
    assert "Ông Nguyễn Văn Thành" in text
    assert " ".join(cert.reason.split()) in text
    assert "BẰNG KHEN" in text and "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH" in text
    assert "Quyết định số 123/QĐ-UBND ngày 15 tháng 12 năm 2024" in text
    assert "Tây Ninh, ngày 15 tháng 12 năm 2024" in text
    assert cert.serial in text


def test_every_stored_certificate_and_the_decision_are_pdf_a(signed):
    """tests/pdf/pdfa.py: XMP identification, output intent with an ICC profile, every
    font embedded, no encryption, no transparency (its own tests show it can fail)."""
    for cert in _certs():
        assert pdfa_problems(storage.certificate_file(cert).read_bytes()) == [], cert.serial
    reader = PdfReader(storage.certificate_file(_certs()[0]))
    fonts = [
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    ]
    assert fonts and all("Serif" in f for f in fonts)  # the bundled Liberation Serif


def test_an_uploaded_emblem_keeps_the_certificate_pdf_a(signed, secretary, app):
    """A user's image goes in: flattened on upload (design.store_image), no transparency."""
    import io

    from PIL import Image

    from dankheo.certificates.design import store_image

    cert = _certs()[0]
    out = io.BytesIO()
    Image.new("RGBA", (300, 300), (200, 16, 46, 120)).save(out, "PNG")
    store_image(secretary, cert.decision.award_type, "emblem", out.getvalue())
    db.session.commit()
    view = issuing.certificate_view(cert)
    data = issuing.render_certificate_pdf(view, archival=True)
    assert pdfa_problems(data) == []


def test_stored_certificate_is_small_and_hashes_to_its_sha256(signed):
    for cert in _certs():
        data = storage.certificate_file(cert).read_bytes()
        assert hashlib.sha256(data).hexdigest() == cert.sha256
        assert cert.size == len(data) < 120 * 1024


@needs
@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools missing")
def test_qr_code_decodes_to_the_verify_url(signed, tmp_path):
    cert = _certs()[1]
    page = tmp_path / "page"
    _tool(
        "pdftoppm",
        "-r",
        "150",
        "-png",
        "-singlefile",
        str(storage.certificate_file(cert)),
        str(page),
    )
    out = _tool("zbarimg", "--quiet", "--raw", f"{page}.png")
    assert out.strip() == f"https://dankheo.example.vn/verify/{cert.serial}"


@needs
def test_hostile_recipient_name_prints_literally_and_no_file_is_fetched(
    secretary, campaign, units, app
):
    hostile = (
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://evil.example/x.css">'
    )
    nomination = make_nomination(
        campaign, units["c12"], state=NominationState.APPROVED, recipient_name=hostile
    )
    db.session.commit()
    decision = make_decision(secretary, campaign, [nomination], number=7)
    decisions.sign_decision(secretary, decision)
    db.session.commit()
    renderer = app_renderer()
    renderer.fetcher.requested.clear()
    assert jobs.issue_pending(decision.id) == 1
    cert = _certs()[0]
    assert cert.recipient_name == hostile
    text = _text(storage.certificate_file(cert))
    assert '<img src="file:///etc/passwd">' in text
    asked = renderer.fetcher.requested
    assert not any("passwd" in u or "evil" in u for u in asked)
    assert all(u.startswith(("data:", "file://" + app.static_folder)) for u in asked)


def test_worker_crash_mid_batch_then_restart_issues_every_serial_once(
    secretary, campaign, units, monkeypatch
):
    nominations = [
        make_nomination(
            campaign, units["c11"], state=NominationState.APPROVED, recipient_name=f"Cá nhân {i}"
        )
        for i in range(6)
    ]
    db.session.commit()
    decision = make_decision(secretary, campaign, nominations, number=9)
    decisions.sign_decision(secretary, decision)
    db.session.commit()

    real = issuing.render_certificate_pdf
    calls = {"n": 0}

    def crashing(view, **kw):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("worker killed")
        return real(view, **kw)

    monkeypatch.setattr(issuing, "render_certificate_pdf", crashing)
    monkeypatch.setattr(jobs, "RECORD_EVERY", 2)
    with pytest.raises(KeyboardInterrupt):
        jobs.issue_pending(decision.id)
    db.session.rollback()
    statuses = [c.status for c in _certs()]
    # The first group of two was recorded; the third was stored but not recorded.
    assert statuses.count(CertificateStatus.VALID) == 2
    assert statuses.count(CertificateStatus.PENDING) == 4
    first_hashes = {c.serial: c.sha256 for c in _certs() if c.sha256}

    monkeypatch.setattr(issuing, "render_certificate_pdf", real)
    assert jobs.issue_pending(decision.id) == 4
    assert jobs.issue_pending(decision.id) == 0  # a second restart renders nothing
    certs = _certs()
    serials = [c.serial for c in certs]
    assert len(serials) == len(set(serials)) == 6
    assert all(c.status == CertificateStatus.VALID for c in certs)
    assert {c.serial: c.sha256 for c in certs if c.serial in first_hashes} == first_hashes
    for cert in certs:
        data = storage.certificate_file(cert).read_bytes()
        assert hashlib.sha256(data).hexdigest() == cert.sha256
    folder = storage.certificate_file(certs[0]).parent
    assert {p.name[:15] for p in folder.glob("*.pdf")} == set(serials)
    assert not list(storage.certificate_file(certs[0]).parent.glob(".tmp-*"))


def test_serial_uniqueness_is_a_database_constraint(signed):
    cert = _certs()[0]
    clone = Certificate(
        serial=cert.serial,
        decision_id=cert.decision_id,
        nomination_id=cert.nomination_id,
        recipient_name="x",
        reason="x",
    )
    db.session.add(clone)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_decision_pdf_is_stored_with_its_list_of_recipients(signed):
    from pathlib import Path

    from flask import current_app

    decision = db.session.get(type(signed), signed.id)
    assert decision.file_path
    reader = PdfReader(Path(current_app.config["CERTIFICATE_DIR"]) / decision.file_path)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Số: 123/QĐ-UBND" in text
    assert "DANH SÁCH" in text and "Bà Trần Thị Ngọc Ánh" in text


def test_party_numbers_use_a_hyphen_and_no_colon(campaign):
    from dankheo.models import IssuerProfile

    award_type = campaign.award_types[0]
    award_type.issuer_profile = IssuerProfile.PARTY
    award_type.decision_suffix = "QĐ/BDVTU"
    assert decisions.number_text(award_type, 123) == "Số 123-QĐ/BDVTU"
    award_type.issuer_profile = IssuerProfile.STATE
    award_type.decision_suffix = "QĐ-UBND"
    assert decisions.number_text(award_type, 123) == "Số: 123/QĐ-UBND"


def test_two_workers_racing_on_one_serial_record_one_file(secretary, campaign, units, monkeypatch):
    nomination = make_nomination(campaign, units["c11"], state=NominationState.APPROVED)
    db.session.commit()
    decision = make_decision(secretary, campaign, [nomination], number=11)
    decisions.sign_decision(secretary, decision)
    db.session.commit()
    real_render, real_write = issuing.render_certificate_pdf, storage.write_atomically
    renders = []

    def render(view, **kw):  # two renders of one serial differ (e.g. their timestamps)
        renders.append(view.serial)
        return real_render(view, **kw) + f"%{len(renders)}\n".encode()

    def write_then_race(path, data):
        real_write(path, data)
        if len(renders) == 1:  # the other worker finishes the same certificate meanwhile
            assert jobs.issue_pending(decision.id) == 1

    monkeypatch.setattr(issuing, "render_certificate_pdf", render)
    monkeypatch.setattr(storage, "write_atomically", write_then_race)
    assert jobs.issue_pending(decision.id) == 0  # lost the race: nothing recorded
    (cert,) = _certs()
    assert cert.status == CertificateStatus.VALID
    data = storage.certificate_file(cert).read_bytes()
    assert hashlib.sha256(data).hexdigest() == cert.sha256 and data.endswith(b"%2\n")
    folder = storage.certificate_file(cert).parent
    assert [p.name for p in folder.glob("*.pdf")] == [storage.certificate_file(cert).name]


@pytest.mark.parametrize(
    ("number_text", "day", "line"),
    [
        ("Số: 123/QĐ-UBND", date(2024, 3, 5), "Quyết định số 123/QĐ-UBND ngày 05 tháng 3 năm 2024"),
        ("Số 7-QĐ/BDVTU", date(2025, 2, 1), "Quyết định số 7-QĐ/BDVTU ngày 01 tháng 02 năm 2025"),
        ("Số: 9/QĐ-UBND", date(2024, 12, 15), "Quyết định số 9/QĐ-UBND ngày 15 tháng 12 năm 2024"),
    ],
)
def test_the_decision_line_dates_as_the_place_and_date_line_does(number_text, day, line):
    assert decisions.citation(number_text, day) == line
    assert date_line("Tây Ninh", day) == "Tây Ninh, " + line.split(" ", 4)[-1]
