"""Background jobs of the certificates area, registered with ``dankheo.jobs``: issuing a
decision's certificates, storing the decision's PDF, previews and overlay batches, and
re-queueing what a killed worker left unfinished. They run in worker processes, outside
any request, and are the only certificates code that commits: after each group of
stored files, so a crash loses at most one group of renders, never a serial."""

from pathlib import Path

import sqlalchemy as sa

from dankheo import jobs
from dankheo.certificates import issuing, printing, queries, storage
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Certificate,
    CertificateStatus,
    Decision,
    DecisionStatus,
    utcnow,
)
from dankheo.models.notifications import NotificationKind
from dankheo.notifications import events as notifications
from dankheo.pdf.render import app_renderer

CHUNK = 50  # certificates per job: jobs of a decision spread over the workers
TIMEOUT_PREVIEW = jobs.DEFAULT_TIMEOUT  # seconds a request waits for a preview
TIMEOUT_BATCH = 600
# Longest a single certificate may take to render in a worker (DESIGN: 10 s).
RENDER_TIME_LIMIT = 10
# Stored certificates are recorded in groups: one short write transaction per group
# keeps SQLite's single writer free for the other workers while this one renders.
RECORD_EVERY = 10


@jobs.job("issue_certificates", retries=2, retry_delay=5)
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
    root = storage.certificate_dir()
    done = 0
    stored: list[tuple[int, str, bytes]] = []
    for cert_id in ids:
        cert = db.session.get(Certificate, cert_id)
        if cert is None or cert.status != CertificateStatus.PENDING:
            continue
        with jobs.time_limit(RENDER_TIME_LIMIT):
            view = issuing.certificate_view(cert)
            data = storage.signed(issuing.render_certificate_pdf(view), "Cấp " + cert.serial)
        # The name carries the hash: two workers racing on one serial never overwrite
        # each other's file, so the recorded hash always matches the recorded file.
        relative = f"{cert.serial[4:8]}/{cert.serial}-{storage.sha256(data)[:12]}.pdf"
        storage.write_atomically(root / relative, data)
        stored.append((cert_id, relative, data))
        db.session.rollback()  # release the read snapshot between renders
        if len(stored) >= RECORD_EVERY:
            done += _record(stored, root)
    return done + _record(stored, root)


def _record(stored: list[tuple[int, str, bytes]], root: Path) -> int:
    """Mark stored certificates valid in one transaction (guarded: only rows still
    pending change; a file that lost a race is removed). Empties ``stored``."""
    recorded = []
    losers = []
    for cert_id, relative, data in stored:
        result = db.session.execute(
            sa.update(Certificate)
            .where(Certificate.id == cert_id, Certificate.status == CertificateStatus.PENDING)
            .values(
                status=CertificateStatus.VALID,
                file_path=relative,
                sha256=storage.sha256(data),
                size=len(data),
                issued_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:
            recorded.append(cert_id)
        else:
            losers.append((cert_id, relative))
    if recorded:
        # The units are told their certificates are ready, in the same transaction.
        notifications.emit(NotificationKind.CERTIFICATE_ISSUED, recorded)
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
    return len(recorded)


@jobs.job("store_decision_pdf", retries=2, retry_delay=5)
def store_decision_pdf(decision_id: int) -> None:
    """Render and store a signed decision's PDF once (worker side)."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.status != DecisionStatus.SIGNED or decision.file_path:
        return
    data = storage.signed(issuing.render_decision_pdf(decision), decision.number_text)
    relative = f"decisions/{decision.signed_on.year}/QD-{decision.id}.pdf"
    storage.write_atomically(storage.certificate_dir() / relative, data)
    db.session.execute(
        sa.update(Decision)
        .where(Decision.id == decision_id, Decision.file_path == "")
        .values(file_path=relative)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@jobs.job("render_preview")
def render_preview(kind: str, award_type_id: int, decision_id: int | None = None) -> bytes:
    """A draft decision, or an award type's design with sample data: the full design,
    the overlay, the overlay over the scanned blank, or the calibration grid."""
    if kind == "decision":
        decision = db.session.get(Decision, decision_id)
        return issuing.render_decision_pdf(decision, archival=False)
    award_type = db.session.get(AwardType, award_type_id)
    view = issuing.sample_view(award_type)
    if kind == "full":
        return issuing.render_certificate_pdf(view, archival=False)
    return printing.render_overlay_pdf(
        award_type, [view], blank=(kind == "blank"), calibration=(kind == "calibration")
    )


@jobs.job("render_overlay_batch")
def render_overlay_batch(decision_id: int, certificate_ids: list[int]) -> bytes:
    decision = db.session.get(Decision, decision_id)
    certificates = queries.certificates_in_order(decision, certificate_ids)
    return printing.render_overlay_batch(decision, certificates)


# --- what views call ------------------------------------------------------------------


def enqueue_issue(decision_id: int, certificate_ids: list[int]) -> None:
    """Queue the rendering of ``certificate_ids`` in jobs of CHUNK, then the decision."""
    for start in range(0, len(certificate_ids), CHUNK):
        jobs.enqueue("issue_certificates", decision_id, certificate_ids[start : start + CHUNK])
    jobs.enqueue("store_decision_pdf", decision_id)


# --- the worker's start ---------------------------------------------------------------


def enqueue_unfinished() -> int:
    """Queue again every pending certificate and every signed decision without its PDF.

    A job taken by a worker that was then killed is gone from the queue; the rows are
    not, so the consumer calls this at start. Rendering is idempotent, so a job queued
    twice costs a skipped check, never a second serial."""
    rows = db.session.execute(
        sa.select(Certificate.decision_id, Certificate.id)
        .where(Certificate.status == CertificateStatus.PENDING)
        .order_by(Certificate.decision_id, Certificate.position, Certificate.id)
    ).all()
    by_decision: dict[int, list[int]] = {}
    for decision_id, cert_id in rows:
        by_decision.setdefault(decision_id, []).append(cert_id)
    unsaved = db.session.scalars(
        sa.select(Decision.id).where(
            Decision.status == DecisionStatus.SIGNED, Decision.file_path == ""
        )
    )
    for decision_id in unsaved:
        by_decision.setdefault(decision_id, [])
    for decision_id, ids in by_decision.items():
        enqueue_issue(decision_id, ids)
    return len(rows)


@jobs.on_consumer_start
def _recover() -> str:
    return f"certificates worker: {enqueue_unfinished()} pending certificates re-queued"


@jobs.on_worker_start
def _warm_up() -> None:
    # Parse the stylesheets and fonts once per worker process, before the first job.
    app_renderer()
