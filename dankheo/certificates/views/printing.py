"""Routes of batch prints (issue 15): the print job's page with its progress bar, the
progress it polls, and the download of the file the worker built."""

from flask import abort, jsonify, render_template, send_file, url_for
from flask_login import login_required

from dankheo.certificates import printing
from dankheo.certificates.views.blueprint import bp
from dankheo.extensions import db
from dankheo.models import PrintJob, PrintJobStatus
from dankheo.web.access import found, require


def _job(print_id: int) -> PrintJob:
    job = found(db.session.get(PrintJob, print_id))
    require("certificate.issue", job.decision.campaign)
    return job


def _state(job: PrintJob) -> dict:
    finished = job.status not in (PrintJobStatus.QUEUED, PrintJobStatus.RUNNING)
    return {
        "done": job.done,
        "total": job.total,
        "finished": finished,
        "text": f"{job.status_label}: {job.done}/{job.total} giấy khen",
        "download": url_for(".print_file", print_id=job.id)
        if job.status == PrintJobStatus.READY
        else None,
    }


@bp.route("/prints/<int:print_id>")
@login_required
def print_job(print_id: int):
    job = _job(print_id)
    return render_template("certificates/print_job.html", job=job, state=_state(job))


@bp.route("/prints/<int:print_id>/progress")
@login_required
def print_progress(print_id: int):
    return jsonify(_state(_job(print_id)))


@bp.route("/prints/<int:print_id>/file.pdf")
@login_required
def print_file(print_id: int):
    job = _job(print_id)
    if job.status != PrintJobStatus.READY or not job.file_path:
        abort(404)
    prefix = "phoi-" if job.mode == "overlay" else ""
    return send_file(
        printing.print_file(job),
        mimetype="application/pdf",
        download_name=f"{prefix}QD-{job.decision.number}-{job.total}.pdf",
        max_age=0,
    )
