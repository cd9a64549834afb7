"""Routes of a decision's documents and issued certificates: the Word copy of the
decision, a certificate's download, revocation (with the revoking decision) and
correction."""

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from dankheo.certificates import decision_document, revocation, storage
from dankheo.certificates.forms import CorrectionForm, ReasonForm
from dankheo.certificates.jobs import enqueue_issue
from dankheo.certificates.views.blueprint import bp, certificate_for, decision_for
from dankheo.models import CertificateStatus
from dankheo.web.transaction import transaction

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/decisions/<int:decision_id>/decision.docx")
@login_required
def decision_docx(decision_id: int):
    """The decision as a Word file (same text as the PDF) for the office to adjust."""
    decision = decision_for(decision_id, "certificate.issue")
    response = make_response(decision_document.render_docx(decision))
    response.headers["Content-Type"] = DOCX_MIMETYPE
    response.headers["Content-Disposition"] = f'attachment; filename="QD-{decision.number}.docx"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- certificates ---------------------------------------------------------------------


@bp.route("/c/<serial>.pdf")
@login_required
def download(serial: str):
    cert = certificate_for(serial, "certificate.view")
    if cert.status == CertificateStatus.PENDING or not cert.file_path:
        abort(404)
    return send_file(
        storage.certificate_file(cert),
        mimetype="application/pdf",
        download_name=f"{cert.serial}.pdf",
    )


@bp.route("/c/<serial>/revoke", methods=["GET", "POST"])
@login_required
def revoke(serial: str):
    cert = certificate_for(serial, "certificate.revoke")
    form = ReasonForm()
    if form.validate_on_submit():
        with transaction(form.reason) as done:
            revocation.revoke_certificate(
                current_user,
                cert,
                form.reason.data,
                decision_number=form.decision_number.data,
                decision_date=form.decision_date.data,
            )
        if done.ok:
            flash(f"Đã thu hồi {cert.serial}.", "success")
            return redirect(url_for(".decision", decision_id=cert.decision_id))
    return render_template("certificates/revoke.html", form=form, cert=cert)


@bp.route("/c/<serial>/correct", methods=["GET", "POST"])
@login_required
def correct(serial: str):
    cert = certificate_for(serial, "certificate.revoke")
    form = CorrectionForm(obj=cert if request.method == "GET" else None)
    if request.method == "GET":
        form.note.data = ""
    if form.validate_on_submit():
        with transaction(form) as done:
            new = revocation.correct_certificate(
                current_user,
                cert,
                recipient_name=form.recipient_name.data,
                recipient_line=form.recipient_line.data,
                reason=form.reason.data,
                note=form.note.data,
            )
        if done.ok:
            enqueue_issue(new.decision_id, [new.id])
            flash(f"Đã cấp {new.serial} thay cho {cert.serial}.", "success")
            return redirect(url_for(".decision", decision_id=cert.decision_id))
    return render_template("certificates/correct.html", form=form, cert=cert)
