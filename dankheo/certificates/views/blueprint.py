"""The certificates blueprint and what its route modules share: loading an object the
signed-in user may act on (404, then 403), PDF responses, and waiting for the worker."""

from flask import Blueprint, current_app, flash, make_response

from dankheo import jobs
from dankheo.certificates import queries
from dankheo.certificates.jobs import TIMEOUT_PREVIEW
from dankheo.extensions import db
from dankheo.models import AwardType, Certificate, Decision
from dankheo.web.access import found, require

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
bp.cli.add_command(jobs.worker_command)


def decision_for(decision_id: int, action: str = "decision.manage") -> Decision:
    """The decision, if ``action`` is allowed on its campaign."""
    decision = found(queries.decision(decision_id))
    require(action, decision.campaign)
    return decision


def award_type_for(award_type_id: int) -> AwardType:
    """The award type, if the user runs its campaign."""
    award_type = found(db.session.get(AwardType, award_type_id))
    require("campaign.manage", award_type.campaign)
    return award_type


def certificate_for(serial: str, action: str) -> Certificate:
    """The certificate, if ``action`` is allowed (viewing: on the certificate itself;
    revoking and correcting: on its decision's campaign)."""
    cert = found(queries.certificate_by_serial(serial))
    require(action, cert if action == "certificate.view" else cert.decision.campaign)
    return cert


def pdf_response(data: bytes, filename: str, *, inline: bool = True):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def wait_for_pdf(job: str, *args, timeout: int = TIMEOUT_PREVIEW) -> bytes | None:
    """The job's PDF from the worker, or None after flashing why there is none."""
    try:
        return jobs.wait_for(job, *args, timeout=timeout)
    except jobs.JobFailed:
        current_app.logger.exception("worker job %s failed or timed out", job)
        flash(
            "Máy in nền chưa trả kết quả (tiến trình nền chưa chạy hoặc đang bận). "
            "Vui lòng thử lại sau ít phút.",
            "danger",
        )
        return None
