"""Issuing: what a certificate prints (its view model, QR code of the verify URL,
emblem) and the decision document, rendered through ``dankheo.pdf``. Rendering runs
in the worker (``certificates.jobs``), once: the stored file is what downloads serve."""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from flask import current_app, render_template

from dankheo.certificates import queries
from dankheo.certificates.decisions import SERIAL_PREFIX, citation, decision_line, number_text
from dankheo.models import AwardType, Certificate, Decision, IssuerProfile
from dankheo.pdf.render import app_renderer
from dankheo.vietnamese import date_line, format_date, nfc


def verify_url(serial: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{serial}"


def qr_data_uri(text: str) -> str:
    # A fixed mask skips segno's best-mask search (~10 ms); any mask decodes the same.
    return segno.make(text, error="m", mask=0, micro=False).svg_data_uri(
        scale=4, border=2, dark="#000"
    )


def emblem_url(award_type: AwardType) -> str:
    """A file URL the PDF fetcher allows: the uploaded emblem or the bundled one."""
    if award_type.emblem_path:
        path = Path(current_app.config["UPLOAD_DIR"]) / award_type.emblem_path
        if path.is_file():
            return path.resolve().as_uri()
    name = "emblem-party.jpg" if award_type.issuer_profile == IssuerProfile.PARTY else None
    static = Path(current_app.static_folder)
    return (static / "img" / (name or "emblem-state.jpg")).resolve().as_uri()


def _upper(text: str) -> str:
    return nfc(text).upper()


def _signer_title_line(title: str) -> str:
    # "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh" → "CHỦ TỊCH" above the name, as printed.
    return _upper(title)


@dataclass
class CertificateView:
    serial: str
    recipient_name: str
    recipient_line: str
    reason: str
    register_number: str
    decision_line: str
    date_line: str
    signer_authority_upper: str
    signer_title_upper: str
    signer_name: str
    issuer_upper: str
    form_label: str
    form_upper: str
    profile: str
    paper_class: str
    emblem_url: str
    qr_uri: str
    verify_url: str


def certificate_view(cert: Certificate) -> CertificateView:
    decision = cert.decision
    award_type = decision.award_type
    return _view(
        award_type,
        serial=cert.serial,
        recipient_name=cert.recipient_name,
        recipient_line=cert.recipient_line,
        reason=cert.reason,
        register_number=cert.register_number,
        decision_text=decision_line(decision),
        place=decision.place,
        day=decision.signed_on,
        signer_title=decision.signer_title,
        signer_name=decision.signer_name,
        signer_authority=decision.signer_authority,
    )


def sample_view(award_type: AwardType) -> CertificateView:
    """Sample data for previews before anything is issued."""
    year = award_type.campaign.year
    day = date(year, 12, 15)
    return _view(
        award_type,
        serial=f"{SERIAL_PREFIX}-{year}-000123",
        recipient_name="Ông Nguyễn Văn Thành",
        recipient_line="Bí thư Chi bộ ấp Bình Hòa, xã Long Hòa",
        reason=(f"Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm {year}"),
        register_number="123-001",
        decision_text=citation(number_text(award_type, 123), day),
        place="Tây Ninh",
        day=day,
        signer_title="Chủ tịch",
        signer_name="Nguyễn Văn Mẫu",
    )


def _view(award_type: AwardType, *, serial, decision_text, place, day, **kw) -> CertificateView:
    return CertificateView(
        serial=serial,
        recipient_name=nfc(kw["recipient_name"]),
        recipient_line=nfc(kw["recipient_line"]),
        reason=nfc(kw["reason"]),
        register_number=kw["register_number"],
        decision_line=decision_text,
        date_line=date_line(place, day),
        signer_authority_upper=_upper(kw.get("signer_authority", "")),
        signer_title_upper=_signer_title_line(kw["signer_title"]),
        signer_name=nfc(kw["signer_name"]),
        issuer_upper=_upper(award_type.issuer_title),
        form_label=award_type.form_label,
        form_upper=_upper(award_type.form_label),
        profile=award_type.issuer_profile.value,
        paper_class=award_type.paper.value.lower(),
        emblem_url=emblem_url(award_type),
        qr_uri=qr_data_uri(verify_url(serial)),
        verify_url=verify_url(serial),
    )


# --- rendering (worker side) ----------------------------------------------------------


def render_certificate_pdf(view: CertificateView, *, archival: bool = True) -> bytes:
    html = render_template("certificates/print/certificate.html", c=view)
    return app_renderer().render(html, "certificate", archival=archival)


# --- the decision document ------------------------------------------------------------


def decision_context(decision: Decision) -> dict:
    award_type = decision.award_type
    rows = [
        {
            "name": c.recipient_name,
            "line": c.recipient_line,
            "reason": c.reason,
            "serial": c.serial,
        }
        for c in queries.original_certificates(decision)
    ] or [
        {
            "name": item.nomination.recipient_name,
            "line": item.nomination.recipient_line,
            "reason": item.nomination.achievement_text,
            "serial": "",
        }
        for item in decision.items
    ]
    day = decision.signed_on
    return {
        "profile": award_type.issuer_profile.value,
        "issuer_upper": _upper(award_type.issuer_name or _body_of(award_type.issuer_title)),
        "authority_upper": _upper(award_type.issuer_title),
        "number_text": decision.number_text,
        "date_line": date_line(decision.place, day),
        "date_text": format_date(day),
        "form_label": award_type.form_label,
        "year": decision.campaign.year,
        "campaign_name": decision.campaign.name,
        "signer_authority_upper": _upper(decision.signer_authority),
        "signer_title_upper": _upper(decision.signer_title),
        "signer_name": decision.signer_name,
        "count": len(rows),
        "rows": rows,
    }


def _body_of(title: str) -> str:
    """ "Chủ tịch Ủy ban nhân dân tỉnh X" → "Ủy ban nhân dân tỉnh X": the issuing body."""
    return re.sub(r"^(Chủ tịch|Trưởng ban|Giám đốc|Bí thư)\s+", "", title, flags=re.I)


def render_decision_pdf(decision: Decision, *, archival: bool = True) -> bytes:
    html = render_template("certificates/print/decision.html", d=decision_context(decision))
    return app_renderer().render(html, "decision", archival=archival)
