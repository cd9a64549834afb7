"""Background jobs (huey): issuing a decision's certificates, its PDF, previews and
overlay batches. Rendering happens here, in worker processes, never in a request.

HUEY_BACKEND selects the queue: "sqlite" (embedded, HUEY_SQLITE_PATH; the default),
"redis" (HUEY_REDIS_URL) or "immediate" (in-process, for tests). The instance is built
lazily per application (create_app does no I/O) and the consumer is started by
``flask --app dankheo certificates worker`` (``make worker``; ``make run`` starts it)."""

from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.exceptions import HueyException, TaskException

CHUNK = 50  # certificates per job: jobs of a decision spread over the workers
TIMEOUT_PREVIEW = 60  # seconds a request waits for a preview from the worker
TIMEOUT_BATCH = 600


def get_huey(app: Flask | None = None) -> Huey:
    app = app or current_app._get_current_object()
    huey = app.extensions.get("dankheo_huey")
    if huey is None:
        huey = app.extensions["dankheo_huey"] = _build(app)
    return huey


def _build(app: Flask) -> Huey:
    backend = app.config.get("HUEY_BACKEND", "sqlite")
    if backend == "immediate":
        huey = MemoryHuey("dankheo", immediate=True)
    elif backend == "redis":
        huey = RedisHuey("dankheo", url=app.config["HUEY_REDIS_URL"])
    elif backend == "sqlite":
        Path(app.config["HUEY_SQLITE_PATH"]).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("dankheo", filename=app.config["HUEY_SQLITE_PATH"])
    else:
        raise ValueError(f"unknown HUEY_BACKEND {backend!r}")

    def in_app(fn):
        """Run ``fn`` inside ``app``'s context (the consumer has none of its own)."""

        def run(*args):
            if has_app_context() and current_app._get_current_object() is app:
                return fn(*args)
            with app.app_context():
                try:
                    return fn(*args)
                finally:
                    from dankheo.extensions import db

                    db.session.remove()

        run.__name__ = fn.__name__
        return run

    huey.dankheo_tasks = {
        "issue_certificates": huey.task(retries=2, retry_delay=5, name="issue_certificates")(
            in_app(_issue_certificates)
        ),
        "store_decision_pdf": huey.task(retries=2, retry_delay=5, name="store_decision_pdf")(
            in_app(_store_decision)
        ),
        "render_preview": huey.task(name="render_preview")(in_app(_render_preview)),
        "render_overlay_batch": huey.task(name="render_overlay_batch")(
            in_app(_render_overlay_batch)
        ),
        # Statistics reports (dankheo.reports.pdf): rendered here, never in a request.
        "render_report": huey.task(name="render_report")(in_app(_render_report)),
    }

    @huey.on_startup()
    def _warm_up():
        _die_with_consumer()
        # Each worker process gets its own database connections and a renderer whose
        # stylesheets and fonts are parsed once (fork-inherited ones are not reused).
        with app.app_context():
            from dankheo.extensions import db

            db.engine.dispose(close=False)
            from dankheo.certificates import services

            services._renderer()

    return huey


def _die_with_consumer() -> None:
    """A worker process outlives a consumer killed with SIGKILL unless told otherwise;
    an orphan would go on taking jobs. Dying mid-render is safe: jobs are idempotent."""
    import multiprocessing
    import sys

    if multiprocessing.parent_process() is None or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _issue_certificates(decision_id: int, certificate_ids: list[int] | None = None) -> int:
    from dankheo.certificates.services import issue_pending

    return issue_pending(decision_id, certificate_ids)


def _store_decision(decision_id: int) -> None:
    from dankheo.certificates.services import store_decision_pdf

    store_decision_pdf(decision_id)


def _render_preview(kind: str, award_type_id: int, decision_id: int | None = None) -> bytes:
    from dankheo.certificates import services
    from dankheo.extensions import db
    from dankheo.models import AwardType, Decision

    if kind == "decision":
        return services.render_decision_pdf(db.session.get(Decision, decision_id), archival=False)
    award_type = db.session.get(AwardType, award_type_id)
    view = services.sample_view(award_type)
    if kind == "full":
        return services.render_certificate_pdf(view, archival=False)
    return services.render_overlay_pdf(
        award_type, [view], blank=(kind == "blank"), calibration=(kind == "calibration")
    )


def _render_overlay_batch(decision_id: int, certificate_ids: list[int]) -> bytes:
    from dankheo.certificates import queries, services
    from dankheo.extensions import db
    from dankheo.models import Decision

    decision = db.session.get(Decision, decision_id)
    certificates = queries.certificates_in_order(decision, certificate_ids)
    return services.render_overlay_batch(decision, certificates)


def _render_report(html: str) -> bytes:
    from dankheo.reports.pdf import pdf_from_html

    return pdf_from_html(html)


# --- what views call ------------------------------------------------------------------


def enqueue_issue(decision_id: int, certificate_ids: list[int]) -> None:
    """Queue the rendering of ``certificate_ids`` in jobs of CHUNK, then the decision."""
    tasks = get_huey().dankheo_tasks
    for start in range(0, len(certificate_ids), CHUNK):
        tasks["issue_certificates"](decision_id, certificate_ids[start : start + CHUNK])
    tasks["store_decision_pdf"](decision_id)


def enqueue_unfinished() -> int:
    """Queue again every pending certificate and every signed decision without its PDF.

    A job taken by a worker that was then killed is gone from the queue; the rows are
    not, so the consumer calls this at start. Rendering is idempotent, so a job queued
    twice costs a skipped check, never a second serial."""
    import sqlalchemy as sa

    from dankheo.extensions import db
    from dankheo.models import Certificate, CertificateStatus, Decision, DecisionStatus

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


class JobFailed(Exception):
    """A worker job failed, or no worker answered in time."""


def wait_for(task_name: str, *args, timeout: int = TIMEOUT_PREVIEW):
    """Run a job on the worker and wait for its result; JobFailed when the job raised
    (huey's TaskException) or no worker answered within ``timeout`` (ResultTimeout)."""
    try:
        result = get_huey().dankheo_tasks[task_name](*args)
        if result is None:
            return None
        return result.get(blocking=True, timeout=timeout, preserve=False)
    except (HueyException, TaskException) as err:
        raise JobFailed(task_name) from err
