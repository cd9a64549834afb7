"""Printing a decision: one PDF of its stored certificates in decision order (merged,
never re-rendered), and overlay pages (the variable text only, at the award type's
calibrated positions) for pre-printed blanks, rendered in chunks of at most 100 pages
and merged (DESIGN: never a whole decision as one document).

A batch print is a ``PrintJob``: requested from the decision page, built by the worker
(``certificates.jobs.print_batch``) into a file under CERTIFICATE_DIR/prints with a
progress count the page polls, downloaded when ready, removed after PRINT_KEEP."""

import os
import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

from flask import current_app, render_template

from dankheo.certificates import sheet
from dankheo.certificates.design import OVERLAY_FIELDS, PAPER_MM, overlay_layout
from dankheo.certificates.issuing import CertificateView, certificate_view
from dankheo.certificates.storage import certificate_dir, certificate_file
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import AwardType, Certificate, Decision, PrintJob
from dankheo.pdf.merge import merge_pdfs, write_concatenated
from dankheo.pdf.render import app_renderer
from dankheo.permissions import require

PRINT_MODES = ("full", "overlay")
PRINT_KEEP = timedelta(hours=24)  # how long a built print file is kept for download


def request_print(actor, decision: Decision, mode: str, certificates: list) -> PrintJob:
    """A print job of ``certificates`` (valid, in decision order); the caller queues it
    after commit."""
    require(actor, "certificate.issue", decision.campaign)
    if mode not in PRINT_MODES:
        raise DomainError("print.bad_mode")
    if not certificates:
        raise DomainError("print.nothing")
    job = PrintJob(
        decision=decision,
        requested_by_id=actor.id,
        mode=mode,
        certificate_ids=[c.id for c in certificates],
        total=len(certificates),
    )
    db.session.add(job)
    db.session.flush()
    return job


def print_file(job: PrintJob) -> Path:
    return certificate_dir() / job.file_path


def build_print(job: PrintJob, certificates: list, progress: Callable[[int], None]) -> str:
    """Write the job's PDF under prints/ (atomically) and return its relative path.
    Stored files are concatenated in a stream; overlay pages are rendered 100 at a time
    and concatenated the same way, so memory stays flat whatever the batch."""
    relative = f"prints/{job.id}-{secrets.token_hex(8)}.pdf"
    path = certificate_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(".tmp-" + path.name)
    try:
        with open(tmp, "wb") as out:
            if job.mode == "overlay":
                write_concatenated(
                    _overlay_chunks(job.decision, certificates),
                    out,
                    progress=lambda n: progress(min(len(certificates), n * OVERLAY_CHUNK)),
                    every=1,
                )
            else:
                write_concatenated(
                    (certificate_file(c) for c in certificates), out, progress=progress
                )
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return relative


def _overlay_chunks(decision: Decision, certificates: list) -> Iterator[bytes]:
    for start in range(0, len(certificates), OVERLAY_CHUNK):
        chunk = certificates[start : start + OVERLAY_CHUNK]
        yield render_overlay_pdf(decision.award_type, [certificate_view(c) for c in chunk])


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
    """Overlay pages for ``views`` (at most one chunk: callers split by 100): the
    variable text set straight to PDF (``certificates.sheet``); previews over the scan
    of the blank or the calibration grid, and a text the bundled font cannot set, go
    through WeasyPrint."""
    if not (blank and award_type.blank_scan_path) and not calibration:
        placed = place_overlay(award_type, views)
        try:
            return sheet.compose_overlay(placed)
        except sheet.Unsupported:
            pass
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
