"""Routes of the signer's side (issue 15): the decisions sent to them for signature,
the confirmation that signs one with their own key (in person, or by their office under
a recorded delegation), returning a draft, and resuming issuing after a worker restart."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo import vietnamese
from dankheo.certificates import queries, signers
from dankheo.certificates.decisions import return_to_drafting, sign_decision
from dankheo.certificates.forms import ConfirmSignatureForm, ResumeSigningForm, ReturnForm
from dankheo.certificates.jobs import enqueue_issue
from dankheo.certificates.views.blueprint import bp, pdf_response, wait_for_pdf
from dankheo.models import CertificateStatus, Decision, DecisionStatus, SecretSource
from dankheo.permissions import may_sign_as
from dankheo.web.access import found, require
from dankheo.web.transaction import FLASH, transaction


def _decision(decision_id: int, *, acting: bool = False) -> Decision:
    """A decision with a signer, if the user is that signer or a delegate (404, then 403).
    ``acting``: a POST that signs, returns or resumes — refused (403) to anyone who may
    not sign as that signer today, an admin included."""
    decision = found(queries.decision(decision_id))
    if decision.signer is None:
        abort(404)
    require("decision.sign", decision)
    if acting and not may_sign_as(current_user, decision.signer, vietnamese.today()):
        abort(403)
    return decision


@bp.route("/signing")
@login_required
def signing():
    require("decision.sign")
    today = vietnamese.today()
    return render_template(
        "certificates/signing/index.html",
        awaiting=queries.awaiting_signature(current_user, today),
        signed=queries.signed_by_me(current_user),
    )


@bp.route("/signing/<int:decision_id>", methods=["GET", "POST"])
@login_required
def signing_confirm(decision_id: int):
    decision = _decision(decision_id, acting=request.method == "POST")
    signer = decision.signer
    form = ConfirmSignatureForm()
    if decision.status == DecisionStatus.DRAFT and form.validate_on_submit():
        typed = form.secret.data or ""
        with transaction(form) as done:
            certificates = sign_decision(
                current_user,
                decision,
                typed_secret=typed,
                expected_version=form.version_value(),
            )
        if done.ok:
            enqueue_issue(decision.id, [c.id for c in certificates], signers.seal(typed))
            flash(
                f"Đã ký số quyết định {decision.number_text}: đang phát hành "
                f"{len(certificates)} giấy khen, bằng khen.",
                "success",
            )
            return redirect(url_for(".signing_confirm", decision_id=decision.id))
    if not form.is_submitted():
        form.version.data = decision.version
    today = vietnamese.today()
    delegation = None
    if may_sign_as(current_user, signer, today) and signer.user_id != current_user.id:
        delegation = next(
            (d for d in signer.active_delegations(today) if d.user_id == current_user.id), None
        )
    return render_template(
        "certificates/signing/confirm.html",
        decision=decision,
        signer=signer,
        form=form,
        return_form=ReturnForm(),
        resume_form=ResumeSigningForm(),
        delegation=delegation,
        may_sign=may_sign_as(current_user, signer, today),
        needs_secret=signer.secret_source == SecretSource.PROMPT,
        progress=queries.progress(decision) if decision.status == DecisionStatus.SIGNED else None,
    )


@bp.route("/signing/<int:decision_id>/preview.pdf")
@login_required
def signing_preview(decision_id: int):
    """The draft as it will be signed (rendered by the worker)."""
    decision = _decision(decision_id)
    data = wait_for_pdf("render_preview", "decision", decision.award_type_id, decision.id)
    if data is None:
        return redirect(url_for(".signing_confirm", decision_id=decision.id))
    return pdf_response(data, f"du-thao-QD-{decision.number}.pdf")


@bp.route("/signing/<int:decision_id>/progress")
@login_required
def signing_progress(decision_id: int):
    return jsonify(queries.progress(_decision(decision_id)))


@bp.route("/signing/<int:decision_id>/return", methods=["POST"])
@login_required
def signing_return(decision_id: int):
    decision = _decision(decision_id, acting=True)
    form = ReturnForm()
    if not form.validate_on_submit():
        flash("Vui lòng ghi rõ lý do trả lại dự thảo.", "danger")
        return redirect(url_for(".signing_confirm", decision_id=decision.id))
    with transaction(FLASH) as done:
        return_to_drafting(current_user, decision, form.note.data)
    if done.ok:
        flash("Đã trả lại dự thảo cho thư ký.", "info")
        return redirect(url_for(".signing"))
    return redirect(url_for(".signing_confirm", decision_id=decision.id))


@bp.route("/signing/<int:decision_id>/resume", methods=["POST"])
@login_required
def signing_resume(decision_id: int):
    """Queue the certificates still pending again with the key opened anew (after a
    worker restart lost the PIN typed at confirmation)."""
    decision = _decision(decision_id, acting=True)
    form = ResumeSigningForm()
    if decision.status != DecisionStatus.SIGNED or not form.validate_on_submit():
        abort(400)
    typed = form.secret.data or ""
    with transaction(FLASH) as done:
        signers.acting_delegation(current_user, decision.signer, vietnamese.today())
        signers.check_key(signers.key_fields(decision.signer), typed)
    if done.ok:
        pending = [
            c.id for c in queries.certificates_of(decision) if c.status == CertificateStatus.PENDING
        ]
        enqueue_issue(decision.id, pending, signers.seal(typed))
        flash(f"Đã đưa {len(pending)} giấy khen vào hàng đợi phát hành.", "info")
    return redirect(url_for(".signing_confirm", decision_id=decision.id))
