"""Printing a decision: one PDF of its stored certificates in decision order (merged,
never re-rendered), and overlay pages (the variable text only, at the award type's
calibrated positions) for pre-printed blanks, rendered in chunks of at most 100 pages
and merged (DESIGN: never a whole decision as one document)."""

from pathlib import Path

from flask import current_app, render_template

from dankheo.certificates.design import OVERLAY_FIELDS, PAPER_MM, overlay_layout
from dankheo.certificates.issuing import CertificateView, certificate_view
from dankheo.certificates.storage import certificate_file
from dankheo.models import AwardType, Certificate, Decision
from dankheo.pdf.merge import merge_pdfs
from dankheo.pdf.render import app_renderer


def stored_batch(certificates: list[Certificate]) -> bytes:
    """The stored files of ``certificates`` as one PDF, in the order given."""
    return merge_pdfs(certificate_file(c) for c in certificates)


# --- overlay pages --------------------------------------------------------------------


def overlay_css(award_type: AwardType, *, calibration: bool = False) -> str:
    """The positions of an award type's overlay as CSS: numbers only, computed here."""
    layout = overlay_layout(award_type)
    dx, dy = layout["offset"]
    rules = []
    for name, (x, y) in layout["fields"].items():
        rules.append(f".f-{name} {{ left: {x + dx:.1f}mm; top: {y + dy:.1f}mm; }}")
        if calibration:
            rules.append(f".m-{name} {{ left: {x + dx:.1f}mm; top: {y + dy:.1f}mm; }}")
    if calibration:
        width, height = PAPER_MM[award_type.paper]
        for mm in range(10, width, 10):
            rules.append(f".gx-{mm} {{ left: {mm + 0.5}mm; top: 0.5mm; }}")
        for mm in range(10, height, 10):
            rules.append(f".gy-{mm} {{ left: 0.5mm; top: {mm + 0.3}mm; }}")
    return "\n".join(rules)


def grid_labels(award_type: AwardType) -> list[dict]:
    width, height = PAPER_MM[award_type.paper]
    return [{"css": f"gx-{mm}", "text": mm} for mm in range(10, width, 10)] + [
        {"css": f"gy-{mm}", "text": mm} for mm in range(10, height, 10)
    ]


def render_overlay_pdf(
    award_type: AwardType,
    views: list[CertificateView],
    *,
    blank: bool = False,
    calibration: bool = False,
) -> bytes:
    """Overlay pages for ``views`` (at most one chunk: callers split by 100)."""
    blank_url = ""
    if blank and award_type.blank_scan_path:
        path = Path(current_app.config["UPLOAD_DIR"]) / award_type.blank_scan_path
        if path.is_file():
            blank_url = path.resolve().as_uri()
    html = render_template(
        "certificates/print/overlay.html",
        pages=place_overlay(award_type, views),
        blank_url=blank_url,
        calibration=calibration,
        grid_labels=grid_labels(award_type) if calibration else [],
        field_names=list(OVERLAY_FIELDS),
    )
    css = overlay_css(award_type, calibration=calibration)
    return app_renderer().render(html, "overlay", extra_css=css)


def place_overlay(award_type: AwardType, views: list[CertificateView]) -> list[CertificateView]:
    """Fit each view's text at the award type's calibrated overlay positions (the same
    boxes and bounds as the full design; DomainError naming a text that cannot fit)."""
    layout = overlay_layout(award_type)
    dx, dy = layout["offset"]
    positions = {name: (x + dx, y + dy) for name, (x, y) in layout["fields"].items()}
    return [view.place(positions) for view in views]


OVERLAY_CHUNK = 100


def render_overlay_batch(decision: Decision, certificates: list[Certificate]) -> bytes:
    """Overlay pages for ``certificates`` in chunks of at most 100 pages, merged."""
    award_type = decision.award_type
    parts = []
    for start in range(0, len(certificates), OVERLAY_CHUNK):
        chunk = certificates[start : start + OVERLAY_CHUNK]
        parts.append(render_overlay_pdf(award_type, [certificate_view(c) for c in chunk]))
    return parts[0] if len(parts) == 1 else merge_pdfs(parts)
