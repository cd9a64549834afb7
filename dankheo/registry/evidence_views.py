"""Routes of the registry blueprint for evidence: upload to an initiative or exemplar,
download, thumbnail, publish and delete."""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required

from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import Evidence, Exemplar, Initiative
from dankheo.registry import details, evidence_records
from dankheo.registry import evidence as evidence_files
from dankheo.registry.blueprint import bp
from dankheo.registry.evidence import send_evidence
from dankheo.registry.forms import EvidenceForm
from dankheo.web.access import found, require
from dankheo.web.transaction import FLASH, transaction


def upload_files(owner, back_url: str, *, year_row=None):
    """One or several files; all or nothing. The page's script sends the form with a
    progress bar and asks for JSON, then opens ``back_url`` (where the message shows).
    With ``year_row`` the files are the evidence of that year's report (the caller
    checked the right to report it)."""
    if year_row is None:
        require("evidence.upload", owner)
    form = EvidenceForm()
    if form.validate_on_submit():
        files = [(f.filename or "", f.read()) for f in form.file.data if f and f.filename]
        with transaction(FLASH) as done:
            rows = evidence_records.add_evidence_files(
                current_user,
                owner,
                files,
                title=form.title.data,
                is_public=form.is_public.data,
                year_row=year_row,
            )
        if done.ok:
            flash(
                "Đã tải lên minh chứng."
                if len(rows) == 1
                else f"Đã tải lên {len(rows)} tệp minh chứng.",
                "success",
            )
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "danger")
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return jsonify(redirect=back_url)
    return redirect(back_url)


@bp.route("/initiatives/<int:initiative_id>/evidence", methods=["POST"])
@login_required
def initiative_evidence(initiative_id: int):
    owner = found(db.session.get(Initiative, initiative_id))
    return upload_files(owner, url_for(".initiative", initiative_id=initiative_id))


@bp.route("/exemplars/<int:exemplar_id>/evidence", methods=["POST"])
@login_required
def exemplar_evidence(exemplar_id: int):
    owner = found(db.session.get(Exemplar, exemplar_id))
    return upload_files(owner, url_for(".exemplar", exemplar_id=exemplar_id))


def _evidence_and_owner(evidence_id: int, action: str):
    """The evidence row (404) and its initiative or exemplar, on which the signed-in
    user may ``action`` (403)."""
    row = found(db.session.get(Evidence, evidence_id))
    owner = details.evidence_owner(row)
    require(action, owner)
    return row, owner


def _owner_url(owner) -> str:
    if isinstance(owner, Initiative):
        return url_for(".initiative", initiative_id=owner.id)
    return url_for(".exemplar", exemplar_id=owner.id)


@bp.route("/evidence/<int:evidence_id>")
@login_required
def evidence_file(evidence_id: int):
    row, _ = _evidence_and_owner(evidence_id, "evidence.view")
    inline = request.args.get("inline") == "1" and row.is_image
    return send_evidence(row, inline=inline)


@bp.route("/evidence/<int:evidence_id>/thumb")
@login_required
def evidence_thumb(evidence_id: int):
    row, _ = _evidence_and_owner(evidence_id, "evidence.view")
    if not row.is_image:
        abort(404)
    return send_evidence(row, thumbnail=True)


@bp.route("/evidence/<int:evidence_id>/public", methods=["POST"])
@login_required
def evidence_public(evidence_id: int):
    row, owner = _evidence_and_owner(evidence_id, "evidence.upload")
    if EmptyForm().validate_on_submit():
        make_public = request.form.get("public") == "1"
        with transaction():
            evidence_records.set_evidence_public(current_user, row, owner, make_public)
        flash(
            "Minh chứng đã được công khai." if make_public else "Đã thôi công khai minh chứng.",
            "success",
        )
    return redirect(_owner_url(owner))


@bp.route("/evidence/<int:evidence_id>/delete", methods=["POST"])
@login_required
def evidence_delete(evidence_id: int):
    row, owner = _evidence_and_owner(evidence_id, "evidence.upload")
    if EmptyForm().validate_on_submit():
        sha256 = row.sha256
        with transaction(FLASH) as done:
            evidence_records.delete_evidence(current_user, row, owner)
        if done.ok:
            # Committed: the stored file goes too when no other record shares it.
            evidence_files.remove_unreferenced([sha256])
            flash("Đã xóa minh chứng.", "success")
    return redirect(_owner_url(owner))
