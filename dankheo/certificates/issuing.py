"""Issuing: what a certificate prints (its view model: the static frame of the design and
the variable text, each fitted and placed in millimetres), the QR code of the verify
URL, the emblem, and rendering through ``dankheo.pdf``. Rendering runs in the worker
(``certificates.jobs``), once: the stored file is what downloads serve."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import segno
from flask import current_app, render_template

from dankheo.certificates import decision_document, layout, sheet
from dankheo.certificates.decisions import SERIAL_PREFIX, citation, decision_line
from dankheo.certificates.issuers import settings_for
from dankheo.documents.model import authority_prefix
from dankheo.models import AwardType, Certificate, IssuerProfile
from dankheo.pdf.render import app_renderer
from dankheo.vietnamese import date_line, nfc


def verify_url(serial: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{serial}"


def qr_data_uri(text: str) -> str:
    # A fixed mask skips segno's best-mask search (~10 ms); any mask decodes the same.
    return segno.make(text, error="m", mask=0, micro=False).svg_data_uri(
        scale=4, border=2, dark="#000"
    )


# The bundled emblems, drawn by the project as SVG (static/img/): the Party flag (red,
# yellow hammer and sickle) and the national emblem (Quốc huy).
DEFAULT_EMBLEMS = {IssuerProfile.PARTY: "emblem-party.svg", IssuerProfile.STATE: "emblem-state.svg"}


def emblem_url(award_type: AwardType) -> str:
    """A file URL the PDF fetcher allows: the uploaded emblem or the bundled one."""
    if award_type.emblem_path:
        path = Path(current_app.config["UPLOAD_DIR"]) / award_type.emblem_path
        if path.is_file():
            return path.resolve().as_uri()
    static = Path(current_app.static_folder)
    return (static / "img" / DEFAULT_EMBLEMS[award_type.issuer_profile]).resolve().as_uri()


@dataclass
class CertificateView:
    """Everything a certificate page prints. The frame (border, emblem, motto, issuer,
    form) is the same for every certificate of a design; ``slots`` is the variable text,
    fitted and placed."""

    serial: str
    recipient_name: str
    recipient_line: str
    reason: str
    register_number: str
    decision_line: str
    date_line: str
    signer_authority: str
    signer_title: str
    signer_name: str
    issuer_upper: str
    form_label: str
    form_upper: str
    profile: str
    paper: str
    paper_class: str
    emblem_url: str
    verify_url: str
    serial_lines: tuple[str, ...] = ()
    slots: dict = field(default_factory=dict)
    frame_slots: dict = field(default_factory=dict)
    serial_at: tuple[float, float] = (0.0, 0.0)  # the serial block's top left, mm

    @property
    def qr_uri(self) -> str:
        return qr_data_uri(self.verify_url)

    @property
    def serial_style(self) -> str:
        return f"left: {self.serial_at[0]:.2f}mm; top: {self.serial_at[1]:.2f}mm;"

    @property
    def title(self) -> str:
        """The PDF's title (Info and XMP)."""
        return f"{self.form_label} – {self.serial}"

    def texts(self) -> dict[str, str]:
        """The variable text of each slot."""
        return {
            "recipient": self.recipient_name,
            "recipient_line": self.recipient_line,
            "achievement": self.reason,
            "decision_line": self.decision_line,
            "register_number": f"Số vào sổ: {self.register_number}",
            "date_line": self.date_line,
            "signer_authority": self.signer_authority,
            "signer_title": self.signer_title,
            "signer_name": self.signer_name,
        }

    def place(self, positions: dict | None = None) -> "CertificateView":
        """Fit every slot (at ``positions``, mm on this paper, for the overlay); raises
        DomainError naming the recipient when a text cannot fit."""
        positions = dict(positions or {})
        if not self.signer_authority and "signer_title" not in positions:
            # No authority line: the title takes its place under the date line.
            k = layout.SCALE[self.paper]
            above = layout.SLOTS["signer_authority"]
            positions["signer_title"] = (above.x * k, above.y * k)
        self.slots = {
            name: layout.place(name, text, self.paper, positions.get(name))
            for name, text in self.texts().items()
            if text
        }
        if not positions:
            self.slots.update(layout.stack_centre(self.slots, self.paper))
        self.frame_slots = {"issuer": layout.place("issuer", self.issuer_upper, self.paper)}
        k = layout.SCALE[self.paper]
        x, y = positions.get("serial") or (layout.SERIAL["x"] * k, layout.SERIAL["y"] * k)
        self.serial_at = (round(x, 2), round(y, 2))
        return self


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
        signer_authority=decision.signer_authority,
        signer_title=decision.signer_title,
        signer_name=decision.signer_name,
    )


def sample_view(award_type: AwardType) -> CertificateView:
    """Sample data for previews before anything is issued: the issuer's own signer
    settings, a collective named as official documents name one."""
    year = award_type.campaign.year
    day = date(year, 12, 15)
    settings = settings_for(award_type, day)
    return _view(
        award_type,
        serial=f"{SERIAL_PREFIX}-{year}-000123",
        recipient_name="Ông Nguyễn Văn Thành",
        recipient_line="Bí thư Chi bộ ấp Bình Hòa, xã Long Hòa, tỉnh Tây Ninh",
        reason=(
            "Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” "
            f"năm {year}, mô hình “Tuyến đường hoa nông thôn mới” ấp Bình Hòa"
        ),
        register_number="123-001",
        decision_text=citation(settings.number(123), day),
        place=settings.place,
        day=day,
        signer_authority=settings.signer_authority,
        signer_title=settings.signer_title or "Chủ tịch",
        signer_name=settings.signer_name or "Nguyễn Văn Mẫu",
    )


def _upper(text: str) -> str:
    return nfc(text).upper()


def _view(award_type: AwardType, *, serial, decision_text, place, day, **kw) -> CertificateView:
    settings = settings_for(award_type, day)
    profile = award_type.issuer_profile.value
    return CertificateView(
        serial=serial,
        recipient_name=nfc(kw["recipient_name"]),
        recipient_line=nfc(kw["recipient_line"]),
        reason=nfc(kw["reason"]),
        register_number=kw["register_number"],
        decision_line=decision_text,
        date_line=date_line(place, day),
        signer_authority=authority_prefix(profile, kw["signer_authority"]),
        signer_title=_upper(kw["signer_title"]),
        signer_name=nfc(kw["signer_name"]),
        issuer_upper=_upper(settings.certificate_line),
        form_label=award_type.form_label,
        form_upper=_upper(award_type.form_label),
        profile=profile,
        paper=award_type.paper,
        paper_class=award_type.paper.value.lower(),
        emblem_url=emblem_url(award_type),
        verify_url=verify_url(serial),
        serial_lines=tuple(
            render_template(
                "certificates/print/serial_lines.txt", serial=serial, url=verify_url(serial)
            ).splitlines()
        ),
    )


# --- rendering (worker side) ----------------------------------------------------------


def frame_context(view: CertificateView) -> dict:
    """What the static frame of a design prints, with its geometry (mm)."""
    k = layout.SCALE[view.paper]
    width, height = layout.PAPER_MM[view.paper]
    return {"k": k, "width": width, "height": height, "serial": layout.SERIAL}


def certificate_html(view: CertificateView) -> str:
    """The full design's HTML of ``view``, its text fitted and placed (DomainError when
    a text cannot fit)."""
    view.place()
    return render_template("certificates/print/certificate.html", c=view, g=frame_context(view))


def render_certificate_pdf(view: CertificateView, *, archival: bool = True) -> bytes:
    """The full design of ``view``: its design's frame (rendered once per worker) with
    the variable text set on it (``certificates.sheet``); the whole page through
    WeasyPrint when the bundled font lacks a character of the text. Always PDF/A-3b
    (``archival`` only matters to the WeasyPrint path, for previews)."""
    view.place()  # DomainError when a text cannot fit
    try:
        return sheet.compose_certificate(view)
    except sheet.Unsupported:
        return app_renderer().render(certificate_html(view), "certificate", archival=archival)


def render_decision_pdf(decision, *, archival: bool = True) -> bytes:
    """The decision as PDF/A (worker side): see certificates.decision_document."""
    return decision_document.render_pdf(decision, archival=archival)
