"""Background jobs of the certificates area, registered with ``dankheo.jobs``: issuing a
decision's certificates, storing the decision's PDF, previews and overlay batches, and
re-queueing what a killed worker left unfinished. They run in worker processes, outside
any request, and are the only certificates code that commits: after each group of
stored files, so a crash loses at most one group of renders, never a serial."""

import logging
import os
from pathlib import Path

import sqlalchemy as sa

from dankheo import jobs
from dankheo.certificates import issuing, printing, queries, signers, storage
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Certificate,
    CertificateStatus,
    Decision,
    DecisionStatus,
    PrintJob,
    PrintJobStatus,
    utcnow,
)
from dankheo.models.notifications import NotificationKind
from dankheo.notifications import events as notifications
from dankheo.pdf.keys import KeyUnavailable, LoadedKey

log = logging.getLogger(__name__)

CHUNK = 50  # certificates per job: jobs of a decision spread over the workers
TIMEOUT_PREVIEW = jobs.DEFAULT_TIMEOUT  # seconds a request waits for a preview
TIMEOUT_BATCH = 600
# Longest a single certificate may take to render in a worker (DESIGN: 10 s).
RENDER_TIME_LIMIT = 10
# Stored certificates are recorded in groups: one short write transaction per group
# keeps SQLite's single writer free for the other workers while this one renders.
RECORD_EVERY = 10


@jobs.job("issue_certificates", retries=2, retry_delay=5)
def issue_pending(
    decision_id: int, certificate_ids: list[int] | None = None, sealed: str = ""
) -> int:
    """Render, sign, store and hash every pending certificate of a decision (or of the
    given ids). Idempotent: a certificate already stored is skipped, so a restarted job
    neither duplicates nor loses one; a crash before a group is recorded only means
    those certificates are rendered again. ``sealed``: the signer's PIN typed at
    confirmation (``signers.seal``); without the key nothing is rendered and the rows
    stay pending until the signer confirms again. Returns how many were recorded."""
    decision = db.session.get(Decision, decision_id)
    key = _decision_key(decision, sealed) if decision is not None else None
    if decision is None or key is False:
        db.session.commit()
        return 0
    signer_name = decision.signer_name if decision.signer_id else ""
    query = sa.select(Certificate).where(
        Certificate.decision_id == decision_id, Certificate.status == CertificateStatus.PENDING
    )
    if certificate_ids is not None:
        query = query.where(Certificate.id.in_(certificate_ids))
    # What each certificate prints, read in one transaction; the renders that follow
    # touch no table, so no lock is held while rendering and signing.
    pending = [
        (cert.id, cert.serial, issuing.certificate_view(cert))
        for cert in db.session.scalars(query.order_by(Certificate.position, Certificate.id))
    ]
    db.session.commit()
    root = storage.certificate_dir()
    done = 0
    stored: list[tuple[int, str, bytes]] = []
    for cert_id, serial, view in pending:
        with jobs.time_limit(RENDER_TIME_LIMIT):
            data = storage.signed(
                issuing.render_certificate_pdf(view), "Cấp " + serial, key, name=signer_name
            )
        # The name carries the hash: two workers racing on one serial never overwrite
        # each other's file, so the recorded hash always matches the recorded file.
        relative = f"{serial[4:8]}/{serial}-{storage.sha256(data)[:12]}.pdf"
        storage.write_atomically(root / relative, data)
        stored.append((cert_id, relative, data))
        if len(stored) >= RECORD_EVERY:
            done += _record(stored, root)
    return done + _record(stored, root)


def _decision_key(decision: Decision, sealed: str) -> LoadedKey | bool | None:
    """The signer's key for this worker (None: no personal signer, the organisation's
    seal applies; False: the key cannot be opened now — logged, rows left pending)."""
    if decision.signer is None:
        return None
    try:
        return signers.open_key(signers.key_fields(decision.signer), sealed)
    except KeyUnavailable as err:
        log.warning(
            "decision %s: the key of signer %s is unavailable (%s); its certificates stay "
            "pending until the signer confirms again",
            decision.id,
            decision.signer_id,
            err.reason,
        )
        return False


def _record(stored: list[tuple[int, str, bytes]], root: Path) -> int:
    """Mark stored certificates valid in one transaction (guarded: only rows still
    pending change; a file that lost a race is removed). Empties ``stored``."""
    recorded = []
    losers = []
    winners = []
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
            winners.append(relative)
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
    _remove_strays(root, winners)
    stored.clear()
    return len(recorded)


def _remove_strays(root: Path, recorded: list[str]) -> None:
    """Remove other files of the serials just recorded: a render stored by a worker
    killed before it recorded it. Unsigned renders of one serial are byte-identical (same
    name), signed ones are not (the signing time differs), so these would stay behind."""
    by_folder: dict[Path, set[str]] = {}
    for relative in recorded:
        path = root / relative
        by_folder.setdefault(path.parent, set()).add(path.name)
    for folder, keep in by_folder.items():
        serials = {name.rsplit("-", 1)[0] for name in keep}
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".pdf") and name not in keep and name.rsplit("-", 1)[0] in serials:
                    (folder / name).unlink(missing_ok=True)


@jobs.job("store_decision_pdf", retries=2, retry_delay=5)
def store_decision_pdf(decision_id: int, sealed: str = "") -> None:
    """Render, sign and store a signed decision's PDF once (worker side)."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.status != DecisionStatus.SIGNED or decision.file_path:
        return
    key = _decision_key(decision, sealed)
    if key is False:
        return
    data = storage.signed(
        issuing.render_decision_pdf(decision),
        decision.number_text,
        key,
        name=decision.signer_name if decision.signer_id else "",
    )
    relative = f"decisions/{decision.signed_on.year}/QD-{decision.id}.pdf"
    storage.write_atomically(storage.certificate_dir() / relative, data)
    db.session.execute(
        sa.update(Decision)
        .where(Decision.id == decision_id, Decision.file_path == "")
        .values(file_path=relative)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@jobs.job("check_signing_key")
def check_signing_key(fields: dict, sealed: str = "") -> dict:
    """Open a signer's key in the worker (the web process never holds one): the signing
    certificate's information, or {"error": reason}. The key stays loaded for the jobs
    that follow in this worker."""
    try:
        loaded = signers.open_key(fields, sealed)
    except KeyUnavailable as err:
        return {"error": err.reason}
    return dict(loaded.info)


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


@jobs.job("print_batch")
def print_batch(print_job_id: int) -> None:
    """Build a print job's PDF (worker side), reporting progress every 50 files in small
    transactions the page polls; old print files are removed first. A job that fails is
    marked so (the page says so) rather than retried: the user asks again."""
    _expire_prints()
    job = db.session.get(PrintJob, print_job_id)
    if job is None or job.status != PrintJobStatus.QUEUED:
        return
    job.status = PrintJobStatus.RUNNING
    certificates = queries.certificates_in_order(job.decision, list(job.certificate_ids))
    job.total = len(certificates)
    db.session.commit()

    def progress(done: int) -> None:
        _update_print(print_job_id, done=min(done, len(certificates)))

    try:
        relative = printing.build_print(job, certificates, progress)
    except Exception:
        db.session.rollback()
        log.exception("print job %s failed", print_job_id)
        _update_print(print_job_id, status=PrintJobStatus.FAILED, finished_at=utcnow())
        return
    size = (storage.certificate_dir() / relative).stat().st_size
    _update_print(
        print_job_id,
        status=PrintJobStatus.READY,
        done=len(certificates),
        file_path=relative,
        size=size,
        finished_at=utcnow(),
    )


def _update_print(print_job_id: int, **values) -> None:
    db.session.execute(
        sa.update(PrintJob)
        .where(PrintJob.id == print_job_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _expire_prints() -> None:
    """Remove print files older than printing.PRINT_KEEP (their rows stay, expired)."""
    cutoff = utcnow() - printing.PRINT_KEEP
    old = db.session.scalars(
        sa.select(PrintJob).where(
            PrintJob.status == PrintJobStatus.READY, PrintJob.finished_at < cutoff
        )
    ).all()
    for job in old:
        printing.print_file(job).unlink(missing_ok=True)
        job.status = PrintJobStatus.EXPIRED
        job.file_path = ""
    db.session.commit()


# --- what views call ------------------------------------------------------------------


def enqueue_issue(decision_id: int, certificate_ids: list[int], sealed: str = "") -> None:
    """Queue the rendering of ``certificate_ids`` in jobs of CHUNK, then the decision.
    ``sealed``: the signer's PIN typed at confirmation, sealed (never in clear)."""
    for start in range(0, len(certificate_ids), CHUNK):
        jobs.enqueue(
            "issue_certificates", decision_id, certificate_ids[start : start + CHUNK], sealed
        )
    jobs.enqueue("store_decision_pdf", decision_id, sealed)


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


# No warm-up of WeasyPrint at worker start: certificates are composed from frames on
# disk (certificates.sheet), and a worker that never renders a whole page with
# WeasyPrint (previews, decisions, reports) does not pay for loading it.
