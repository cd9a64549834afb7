"""Revoking and correcting issued certificates: a certificate is never deleted nor
changed; revoking keeps the record and the verify page shows the reason, and a
correction is a new certificate (new serial) that replaces the revoked one."""

from datetime import date

from dankheo import audit
from dankheo.certificates.decisions import next_serials
from dankheo.certificates.layout import check_fits
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import Certificate, CertificateStatus, utcnow
from dankheo.models.notifications import NotificationKind
from dankheo.notifications import events as notifications
from dankheo.permissions import require
from dankheo.vietnamese import nfc


def revoke_certificate(
    actor,
    cert: Certificate,
    reason: str,
    *,
    decision_number: str = "",
    decision_date: date | None = None,
) -> Certificate:
    """Revoke (never delete): the record stays and the verify page shows the reason and
    the revoking decision's number and date (Quyết định số … ngày …)."""
    _revoke(actor, cert, reason, decision_number=decision_number, decision_date=decision_date)
    notifications.emit(
        NotificationKind.CERTIFICATE_REVOKED, cert, actor=actor, note=cert.revoked_reason
    )
    return cert


def _revoke(
    actor,
    cert: Certificate,
    reason: str,
    *,
    decision_number: str = "",
    decision_date: date | None = None,
) -> Certificate:
    require(actor, "certificate.revoke", cert.decision.campaign)
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
    cert.revoked_by_decision = nfc(decision_number)[:120]
    cert.revoked_decision_on = decision_date
    db.session.flush()
    audit.record(
        actor,
        "certificate.revoke",
        cert,
        unit_id=cert.nomination.unit_id,
        from_state=previous.value,
        to_state=CertificateStatus.REVOKED.value,
        note=cert.revoked_reason,
        details={
            "serial": cert.serial,
            "decision": cert.revoked_by_decision,
            "decision_date": decision_date.isoformat() if decision_date else None,
        },
    )
    return cert


def correct_certificate(
    actor, cert: Certificate, *, recipient_name: str, recipient_line: str, reason: str, note: str
) -> Certificate:
    """Issue a corrected certificate (new serial, linked by ``replaces``) and revoke the
    old one with a note naming its replacement. Rendering is queued after commit."""
    require(actor, "certificate.revoke", cert.decision.campaign)
    check_fits(
        nfc(recipient_name), nfc(recipient_line), nfc(reason), cert.decision.award_type.paper
    )
    note = nfc(note)
    if not note:
        raise DomainError("certificate.reason_required")
    if cert.status == CertificateStatus.REVOKED:
        raise DomainError("certificate.already_revoked", serial=cert.serial)
    (serial,) = next_serials(cert.decision.signed_on.year, 1)
    # The old one goes first: one certificate of a nomination stands at a time
    # (uq_certificates_live_nomination). Only the correction is announced.
    _revoke(actor, cert, f"Cấp lại do đính chính ({note}); thay bằng {serial}")
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
    audit.record(
        actor,
        "certificate.correct",
        new,
        unit_id=cert.nomination.unit_id,
        note=note,
        details={"serial": serial, "replaces": cert.serial},
    )
    notifications.emit(NotificationKind.CERTIFICATE_CORRECTED, new, actor=actor, note=note)
    return new
