"""Writes of the certificates area: decisions, signing, issuing (render once, store,
hash), revoking, correcting, certificate designs and overlay layouts.

Services take ``actor``, raise DomainError, ``flush()`` and never commit — except the
worker-side functions (``issue_pending``, ``store_decision_pdf``), which run outside
any request and commit after each stored file so a crash loses at most one render."""

import hashlib
import io
import os
import re
import signal
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template

from dankheo import audit, workflow
from dankheo.errors import DomainError, PermissionDenied
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Campaign,
    Certificate,
    CertificateStatus,
    Decision,
    DecisionItem,
    DecisionStatus,
    IssuerProfile,
    Nomination,
    NominationState,
    PaperSize,
    utcnow,
)
from dankheo.permissions import can
from dankheo.vietnamese import date_line, document_date, nfc

SERIAL_PREFIX = "DVK"
SERIAL_RE = re.compile(r"^DVK-\d{4}-\d{6}$")

# Overlay fields and their default positions (x = centre or left edge, y = top), in mm,
# for each paper size; the secretary calibrates them per award type.
OVERLAY_FIELDS = {
    "recipient": "Tên tập thể, cá nhân",
    "recipient_line": "Chức vụ, đơn vị",
    "achievement": "Thành tích",
    "decision_line": "Dòng quyết định",
    "register_number": "Số vào sổ",
    "date_line": "Địa danh, ngày tháng",
    "signer_name": "Họ tên người ký",
    "serial": "Số hiệu và mã QR",
}
DEFAULT_OVERLAY = {
    PaperSize.A4: {
        "recipient": [148.5, 98],
        "recipient_line": [148.5, 110],
        "achievement": [148.5, 118],
        "decision_line": [24, 160],
        "register_number": [24, 167],
        "date_line": [218, 150],
        "signer_name": [218, 188],
        "serial": [24, 174],
    },
    PaperSize.A3: {
        "recipient": [210, 140],
        "recipient_line": [210, 156],
        "achievement": [210, 168],
        "decision_line": [34, 228],
        "register_number": [34, 238],
        "date_line": [310, 214],
        "signer_name": [310, 268],
        "serial": [34, 248],
    },
}
PAPER_MM = {PaperSize.A4: (297, 210), PaperSize.A3: (420, 297)}


# --- text and view models -------------------------------------------------------------


def number_text(award_type: AwardType, number: int) -> str:
    """ "Số: 123/QĐ-UBND" (State, Decree 30/2020) or "Số 123-QĐ/BDVTU" (Party)."""
    if award_type.issuer_profile == IssuerProfile.PARTY:
        return f"Số {number}-{award_type.decision_suffix}"
    return f"Số: {number}/{award_type.decision_suffix}"


def decision_line(decision: Decision) -> str:
    """ "Quyết định số 123/QĐ-UBND ngày 15 tháng 12 năm 2024" (bottom left)."""
    return _decision_line(decision.number_text, decision.signed_on)


def _decision_line(number_text_: str, day: date) -> str:
    number = re.sub(r"^Số:?\s*", "", number_text_)
    return f"Quyết định số {number} {document_date(day)}"


def verify_url(serial: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{serial}"


def qr_data_uri(text: str) -> str:
    import segno

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
        decision_text=_decision_line(number_text(award_type, 123), day),
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


def _renderer():
    from dankheo.certificates import pdf

    return pdf.renderer(Path(current_app.static_folder), Path(current_app.config["UPLOAD_DIR"]))


def render_certificate_pdf(view: CertificateView, *, archival: bool = True) -> bytes:
    html = render_template("certificates/print/certificate.html", c=view)
    return _renderer().render(html, "certificate", archival=archival)


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
        pages=views,
        blank_url=blank_url,
        calibration=calibration,
        grid_labels=grid_labels(award_type) if calibration else [],
        field_names=list(OVERLAY_FIELDS),
    )
    css = overlay_css(award_type, calibration=calibration)
    return _renderer().render(html, "overlay", extra_css=css)


# Longest a single certificate may take to render in a worker (DESIGN: 10 s).
RENDER_TIME_LIMIT = 10


@contextmanager
def time_limit(seconds: float):
    """Raise TimeoutError in the main thread after ``seconds`` (worker processes run
    jobs in their main thread; elsewhere the limit is not enforced)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum, _frame):
        raise TimeoutError(f"rendering took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; backups and the web server read these
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _finalise(data: bytes, reason: str) -> bytes:
    """Sign the PDF/A bytes when a key is configured."""
    key = current_app.config.get("SIGNING_PKCS12_PATH")
    if not key:
        return data
    from dankheo.certificates.signing import sign_pdf

    return sign_pdf(
        data, key, current_app.config.get("SIGNING_PKCS12_PASSPHRASE", ""), reason=reason
    )


def certificate_file(cert: Certificate) -> Path:
    return Path(current_app.config["CERTIFICATE_DIR"]) / cert.file_path


# Stored certificates are recorded in groups: one short write transaction per group
# keeps SQLite's single writer free for the other workers while this one renders.
RECORD_EVERY = 10


def issue_pending(decision_id: int, certificate_ids: list[int] | None = None) -> int:
    """Render, store and hash every pending certificate of a decision (or of the given
    ids). Idempotent: a certificate already stored is skipped, so a restarted job
    neither duplicates nor loses one; a crash before a group is recorded only means
    those certificates are rendered again. Returns how many were recorded."""
    query = sa.select(Certificate.id).where(
        Certificate.decision_id == decision_id, Certificate.status == CertificateStatus.PENDING
    )
    if certificate_ids is not None:
        query = query.where(Certificate.id.in_(certificate_ids))
    ids = list(db.session.scalars(query.order_by(Certificate.position, Certificate.id)))
    db.session.commit()  # end the read transaction: no lock held while rendering
    root = Path(current_app.config["CERTIFICATE_DIR"])
    done = 0
    stored: list[tuple[int, str, bytes]] = []
    for cert_id in ids:
        cert = db.session.get(Certificate, cert_id)
        if cert is None or cert.status != CertificateStatus.PENDING:
            continue
        with time_limit(RENDER_TIME_LIMIT):
            data = _finalise(render_certificate_pdf(certificate_view(cert)), "Cấp " + cert.serial)
        # The name carries the hash: two workers racing on one serial never overwrite
        # each other's file, so the recorded hash always matches the recorded file.
        relative = f"{cert.serial[4:8]}/{cert.serial}-{_sha256(data)[:12]}.pdf"
        _write_atomically(root / relative, data)
        stored.append((cert_id, relative, data))
        db.session.rollback()  # release the read snapshot between renders
        if len(stored) >= RECORD_EVERY:
            done += _record(stored, root)
    return done + _record(stored, root)


def _record(stored: list[tuple[int, str, bytes]], root: Path) -> int:
    """Mark stored certificates valid in one transaction (guarded: only rows still
    pending change; a file that lost a race is removed). Empties ``stored``."""
    recorded = 0
    losers = []
    for cert_id, relative, data in stored:
        result = db.session.execute(
            sa.update(Certificate)
            .where(Certificate.id == cert_id, Certificate.status == CertificateStatus.PENDING)
            .values(
                status=CertificateStatus.VALID,
                file_path=relative,
                sha256=_sha256(data),
                size=len(data),
                issued_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:
            recorded += 1
        else:
            losers.append((cert_id, relative))
    db.session.commit()
    db.session.expire_all()
    for cert_id, relative in losers:
        # Same bytes give the same name: keep the file the winner recorded.
        if (
            db.session.scalar(sa.select(Certificate.file_path).where(Certificate.id == cert_id))
            != relative
        ):
            (root / relative).unlink(missing_ok=True)
    stored.clear()
    return recorded


def decision_context(decision: Decision) -> dict:
    award_type = decision.award_type
    rows = [
        {
            "name": c.recipient_name,
            "line": c.recipient_line,
            "reason": c.reason,
            "serial": c.serial,
        }
        for c in decision_certificates(decision)
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
        "date_text": f"{day.day:02d}/{day.month:02d}/{day.year}",
        "form_label": award_type.form_label,
        "year": decision.campaign.year,
        "campaign_name": decision.campaign.name,
        "signer_title_upper": _upper(decision.signer_title),
        "signer_name": decision.signer_name,
        "count": len(rows),
        "rows": rows,
    }


def _body_of(title: str) -> str:
    """ "Chủ tịch Ủy ban nhân dân tỉnh X" → "Ủy ban nhân dân tỉnh X": the issuing body."""
    return re.sub(r"^(Chủ tịch|Trưởng ban|Giám đốc|Bí thư)\s+", "", title, flags=re.I)


def decision_certificates(decision: Decision) -> list[Certificate]:
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.decision_id == decision.id, Certificate.replaces_id.is_(None))
            .order_by(Certificate.position, Certificate.id)
        )
    )


def render_decision_pdf(decision: Decision, *, archival: bool = True) -> bytes:
    html = render_template("certificates/print/decision.html", d=decision_context(decision))
    return _renderer().render(html, "decision", archival=archival)


def store_decision_pdf(decision_id: int) -> None:
    """Render and store a signed decision's PDF once (worker side)."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.status != DecisionStatus.SIGNED or decision.file_path:
        return
    data = _finalise(render_decision_pdf(decision), decision.number_text)
    relative = f"decisions/{decision.signed_on.year}/QD-{decision.id}.pdf"
    _write_atomically(Path(current_app.config["CERTIFICATE_DIR"]) / relative, data)
    db.session.execute(
        sa.update(Decision)
        .where(Decision.id == decision_id, Decision.file_path == "")
        .values(file_path=relative)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def merge_pdfs(parts: list[bytes | Path]) -> bytes:
    """One PDF of ``parts`` in order (pypdf; no re-rendering)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part if isinstance(part, bytes) else Path(part).read_bytes()))
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()


OVERLAY_CHUNK = 100


def render_overlay_batch(decision: Decision, certificates: list[Certificate]) -> bytes:
    """Overlay pages for ``certificates`` in chunks of at most 100 pages, merged."""
    award_type = decision.award_type
    parts = []
    for start in range(0, len(certificates), OVERLAY_CHUNK):
        chunk = certificates[start : start + OVERLAY_CHUNK]
        parts.append(render_overlay_pdf(award_type, [certificate_view(c) for c in chunk]))
    return parts[0] if len(parts) == 1 else merge_pdfs(parts)


# --- decisions (request side) ---------------------------------------------------------


def _require(actor, action: str, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied("permission_denied")


def _eligible_nominations(award_type: AwardType, ids: list[int], decision: Decision | None):
    """The approved nominations of ``award_type`` among ``ids``, not in another decision."""
    if not ids:
        raise DomainError("decision.no_nominations")
    taken = sa.select(DecisionItem.nomination_id)
    if decision is not None and decision.id is not None:
        taken = taken.where(DecisionItem.decision_id != decision.id)
    found = list(
        db.session.scalars(
            sa.select(Nomination).where(
                Nomination.id.in_(ids),
                Nomination.award_type_id == award_type.id,
                Nomination.state == NominationState.APPROVED,
                Nomination.id.not_in(taken),
            )
        )
    )
    if len(found) != len(set(ids)):
        raise DomainError("decision.nomination_not_eligible")
    by_id = {n.id: n for n in found}
    return [by_id[i] for i in dict.fromkeys(ids)]


def _check_number(award_type: AwardType, number: int, decision: Decision | None) -> None:
    clash = db.session.scalar(
        sa.select(Decision.id).where(
            Decision.award_type_id == award_type.id, Decision.number == number
        )
    )
    if clash is not None and (decision is None or clash != decision.id):
        raise DomainError("decision.number_taken", number=number)


def create_decision(
    actor,
    award_type: AwardType,
    *,
    number: int,
    signed_on: date,
    place: str,
    signer_name: str,
    signer_title: str,
    nomination_ids: list[int],
) -> Decision:
    """A draft decision awarding the given approved nominations, in that order."""
    campaign: Campaign = award_type.campaign
    _require(actor, "decision.manage", campaign)
    _check_number(award_type, number, None)
    nominations = _eligible_nominations(award_type, nomination_ids, None)
    decision = Decision(
        campaign=campaign,
        award_type=award_type,
        number=number,
        number_text=number_text(award_type, number),
        signed_on=signed_on,
        place=nfc(place),
        signer_name=nfc(signer_name),
        signer_title=nfc(signer_title),
        created_by_id=actor.id,
    )
    for position, nomination in enumerate(nominations, start=1):
        decision.items.append(DecisionItem(nomination=nomination, position=position))
    db.session.add(decision)
    db.session.flush()
    audit.record(
        actor,
        "decision.create",
        decision,
        unit_id=campaign.organising_unit_id,
        details={"number": decision.number_text, "nominations": [n.id for n in nominations]},
    )
    return decision


def update_decision(
    actor,
    decision: Decision,
    *,
    number: int,
    signed_on: date,
    place: str,
    signer_name: str,
    signer_title: str,
    nomination_ids: list[int],
    expected_version: int | None = None,
) -> Decision:
    """Edit a draft: fields and which nominations (kept ones keep their order)."""
    _require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
    if expected_version is not None and expected_version != decision.version:
        from dankheo.errors import StaleVersion

        raise StaleVersion()
    _check_number(decision.award_type, number, decision)
    current = [item.nomination_id for item in decision.items]
    ordered = [i for i in current if i in nomination_ids] + [
        i for i in nomination_ids if i not in current
    ]
    nominations = _eligible_nominations(decision.award_type, ordered, decision)
    decision.number = number
    decision.number_text = number_text(decision.award_type, number)
    decision.signed_on = signed_on
    decision.place = nfc(place)
    decision.signer_name = nfc(signer_name)
    decision.signer_title = nfc(signer_title)
    keep = {n.id for n in nominations}
    for item in list(decision.items):
        if item.nomination_id not in keep:
            decision.items.remove(item)
    db.session.flush()
    existing = {item.nomination_id: item for item in decision.items}
    for position, nomination in enumerate(nominations, start=1):
        item = existing.get(nomination.id)
        if item is None:
            decision.items.append(DecisionItem(nomination=nomination, position=position))
        else:
            item.position = position
    db.session.flush()
    audit.record(
        actor,
        "decision.update",
        decision,
        unit_id=decision.campaign.organising_unit_id,
        details={"number": decision.number_text, "nominations": [n.id for n in nominations]},
    )
    return decision


def _require_draft(decision: Decision) -> None:
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError("decision.already_signed")


def move_item(actor, decision: Decision, item_id: int, direction: str) -> None:
    """Move one recipient up or down the decision's list."""
    _require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
    items = list(decision.items)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise DomainError("decision.no_such_item")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, items[index].position
        db.session.flush()
        audit.record(
            actor,
            "decision.reorder",
            decision,
            unit_id=decision.campaign.organising_unit_id,
            details={"item": item_id, "direction": direction},
        )


def next_serials(year: int, count: int) -> list[str]:
    """``count`` fresh serials DVK-<year>-NNNNNN after the highest one issued."""
    prefix = f"{SERIAL_PREFIX}-{year}-"
    highest = db.session.scalar(
        sa.select(sa.func.max(Certificate.serial)).where(Certificate.serial.like(prefix + "%"))
    )
    start = int(highest[len(prefix) :]) + 1 if highest else 1
    if start + count - 1 > 999_999:
        raise DomainError("certificate.serials_exhausted", year=year)
    return [f"{prefix}{n:06d}" for n in range(start, start + count)]


def sign_decision(actor, decision: Decision, *, today: date | None = None) -> list[Certificate]:
    """Sign a draft: every nomination moves to ``awarded`` (workflow.transition) and gets
    a pending certificate with its serial, in one transaction. Rendering is queued by the
    caller after commit."""
    _require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
    items = list(decision.items)
    if not items:
        raise DomainError("decision.no_nominations")
    serials = next_serials(decision.signed_on.year, len(items))
    certificates = []
    for item, serial in zip(items, serials, strict=True):
        nomination = item.nomination
        workflow.transition(
            nomination,
            "award",
            actor,
            today=today,
            details={"decision": decision.number_text, "serial": serial},
        )
        cert = Certificate(
            serial=serial,
            decision=decision,
            nomination=nomination,
            position=item.position,
            recipient_name=nfc(nomination.recipient_name),
            recipient_line=nfc(nomination.recipient_line),
            reason=nfc(nomination.achievement_text),
            register_number=f"{decision.number}-{item.position:03d}",
        )
        db.session.add(cert)
        certificates.append(cert)
    decision.status = DecisionStatus.SIGNED
    decision.signed_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "decision.sign",
        decision,
        unit_id=decision.campaign.organising_unit_id,
        from_state=DecisionStatus.DRAFT.value,
        to_state=DecisionStatus.SIGNED.value,
        details={"number": decision.number_text, "serials": serials},
    )
    return certificates


# --- revoke and correct ---------------------------------------------------------------


def revoke_certificate(actor, cert: Certificate, reason: str) -> Certificate:
    """Revoke (never delete): the record stays and the verify page shows the reason."""
    _require(actor, "certificate.revoke", cert.decision.campaign)
    reason = nfc(reason)
    if not reason:
        raise DomainError("certificate.reason_required")
    if cert.status == CertificateStatus.REVOKED:
        raise DomainError("certificate.already_revoked", serial=cert.serial)
    previous = cert.status
    cert.status = CertificateStatus.REVOKED
    cert.revoked_reason = reason[:2000]
    cert.revoked_at = utcnow()
    cert.revoked_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        "certificate.revoke",
        cert,
        unit_id=cert.nomination.unit_id,
        from_state=previous.value,
        to_state=CertificateStatus.REVOKED.value,
        note=cert.revoked_reason,
        details={"serial": cert.serial},
    )
    return cert


def correct_certificate(
    actor, cert: Certificate, *, recipient_name: str, recipient_line: str, reason: str, note: str
) -> Certificate:
    """Issue a corrected certificate (new serial, linked by ``replaces``) and revoke the
    old one with a note naming its replacement. Rendering is queued after commit."""
    _require(actor, "certificate.revoke", cert.decision.campaign)
    note = nfc(note)
    if not note:
        raise DomainError("certificate.reason_required")
    if cert.status == CertificateStatus.REVOKED:
        raise DomainError("certificate.already_revoked", serial=cert.serial)
    (serial,) = next_serials(cert.decision.signed_on.year, 1)
    new = Certificate(
        serial=serial,
        decision=cert.decision,
        nomination=cert.nomination,
        position=cert.position,
        recipient_name=nfc(recipient_name),
        recipient_line=nfc(recipient_line),
        reason=nfc(reason),
        register_number=cert.register_number,
        replaces=cert,
    )
    db.session.add(new)
    db.session.flush()
    revoke_certificate(actor, cert, f"Cấp lại do đính chính ({note}); thay bằng {serial}")
    audit.record(
        actor,
        "certificate.correct",
        new,
        unit_id=cert.nomination.unit_id,
        note=note,
        details={"serial": serial, "replaces": cert.serial},
    )
    return new


# --- designs and overlay layouts ------------------------------------------------------


def overlay_layout(award_type: AwardType) -> dict:
    """The award type's overlay layout with defaults filled in:
    {"offset": [dx, dy], "fields": {name: [x, y]}} in millimetres."""
    stored = award_type.overlay_layout or {}
    defaults = DEFAULT_OVERLAY[award_type.paper]
    fields = {}
    for name in OVERLAY_FIELDS:
        value = (stored.get("fields") or {}).get(name)
        fields[name] = [float(v) for v in value] if _is_pair(value) else list(defaults[name])
    offset = stored.get("offset")
    return {
        "offset": [float(v) for v in offset] if _is_pair(offset) else [0.0, 0.0],
        "fields": fields,
    }


def _is_pair(value) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int | float) and -500 <= v <= 500 for v in value)
    )


def save_overlay_layout(actor, award_type: AwardType, offset, fields: dict) -> None:
    _require(actor, "campaign.manage", award_type.campaign)
    layout = {
        "offset": [round(float(v), 1) for v in offset],
        "fields": {name: [round(float(v), 1) for v in fields[name]] for name in OVERLAY_FIELDS},
    }
    width, height = PAPER_MM[award_type.paper]
    for x, y in layout["fields"].values():
        if not (0 <= x <= width and 0 <= y <= height):
            raise DomainError("award_type.overlay_out_of_page", width=width, height=height)
    award_type.overlay_layout = layout
    db.session.flush()
    audit.record(
        actor,
        "award_type.overlay",
        award_type,
        unit_id=award_type.campaign.organising_unit_id,
        details=layout,
    )


def save_design(
    actor,
    award_type: AwardType,
    *,
    paper: PaperSize,
    issuer_profile: IssuerProfile,
    issuer_title: str,
    issuer_name: str,
    decision_suffix: str,
) -> None:
    _require(actor, "campaign.manage", award_type.campaign)
    award_type.paper = paper
    award_type.issuer_profile = issuer_profile
    award_type.issuer_title = nfc(issuer_title)
    award_type.issuer_name = nfc(issuer_name)
    award_type.decision_suffix = nfc(decision_suffix)
    db.session.flush()
    audit.record(
        actor,
        "award_type.design",
        award_type,
        unit_id=award_type.campaign.organising_unit_id,
        details={"paper": paper.value, "profile": issuer_profile.value},
    )


IMAGE_LIMITS = {"emblem": 600, "blank": 3600}


def store_image(actor, award_type: AwardType, kind: str, data: bytes) -> str:
    """Check an uploaded PNG/JPEG by its magic bytes, re-encode it with Pillow (which
    drops anything but pixels), store it under UPLOAD_DIR, and point the award type at it.
    ``kind`` is "emblem" or "blank" (scan of a pre-printed blank)."""
    from PIL import Image

    _require(actor, "campaign.manage", award_type.campaign)
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise DomainError("upload.not_an_image")
    limit = current_app.config["MAX_IMAGE_PIXELS"]
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("PNG", "JPEG"):
                raise DomainError("upload.not_an_image")
            if img.width * img.height > limit:
                raise DomainError("upload.image_too_large")
            # verify() reads every chunk and checks it, whatever Pillow's global
            # LOAD_TRUNCATED_IMAGES says: a truncated or corrupt file stops here.
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            if img.mode in ("RGBA", "LA", "P"):
                rgba = img.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.split()[-1])
            else:
                flat = img.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise DomainError("upload.image_too_large") from err
    except (OSError, SyntaxError, ValueError) as err:
        raise DomainError("upload.not_an_image") from err
    flat.thumbnail((IMAGE_LIMITS[kind], IMAGE_LIMITS[kind]))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=88, optimize=True)
    encoded = out.getvalue()
    relative = f"award-types/{award_type.id}/{kind}-{_sha256(encoded)[:12]}.jpg"
    path = Path(current_app.config["UPLOAD_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encoded)
    if kind == "emblem":
        award_type.emblem_path = relative
    else:
        award_type.blank_scan_path = relative
    db.session.flush()
    audit.record(
        actor,
        f"award_type.{kind}",
        award_type,
        unit_id=award_type.campaign.organising_unit_id,
        details={"path": relative, "size": len(encoded)},
    )
    return relative


def file_matches(cert: Certificate, data: bytes) -> bool:
    """Whether uploaded bytes are exactly the stored certificate (by SHA-256)."""
    return bool(cert.sha256) and _sha256(data) == cert.sha256
