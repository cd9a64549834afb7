"""Routes of decisions and their certificates: list and export, create and edit drafts,
order, sign (certificates are then issued by the worker), print, download, revoke and
correct."""

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from dankheo import exports, jobs, vietnamese
from dankheo.certificates import printing, queries, storage
from dankheo.certificates.decisions import (
    DOCUMENT_FIELDS,
    create_decision,
    document_defaults,
    move_item,
    reorder_items,
    sign_decision,
    submit_for_signature,
    update_decision,
)
from dankheo.certificates.forms import BatchPrintForm, DecisionForm
from dankheo.certificates.jobs import enqueue_issue
from dankheo.certificates.views.blueprint import (
    bp,
    decision_for,
    pdf_response,
    wait_for_pdf,
)
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import CertificateStatus, Decision, DecisionStatus, SecretSource
from dankheo.permissions import can
from dankheo.vietnamese import sort_key
from dankheo.web.access import require
from dankheo.web.params import arg_id, page_arg, parse_id, parse_int
from dankheo.web.transaction import FLASH, transaction

# --- decisions ------------------------------------------------------------------------


@bp.route("/decisions")
@login_required
def decisions():
    require("campaign.list")
    q = request.args.get("q", "").strip()
    pagination = db.paginate(
        queries.decisions_for(current_user, q=q),
        page=page_arg(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    award_types = queries.award_types_for(current_user)
    return render_template(
        "certificates/decisions.html",
        pagination=pagination,
        item_counts=queries.item_counts([d.id for d in pagination.items]),
        q=q,
        award_types=award_types,
    )


DECISION_EXPORT_HEADERS = (
    "Số",
    "Ngày ký",
    "Hình thức",
    "Đợt thi đua",
    "Số người được khen",
    "Trạng thái",
)


@bp.route("/decisions/export.<any(xlsx, csv):fmt>")
@login_required
def decisions_export(fmt: str):
    require("campaign.list")
    q = request.args.get("q", "").strip()
    stmt = queries.decisions_for(current_user, q=q).options(selectinload(Decision.items))
    items, truncated = exports.fetch(stmt)
    rows = [
        [
            d.number_text,
            d.signed_on,
            d.award_type.label,
            d.campaign.name,
            len(d.items),
            "Đã ký" if d.status == "signed" else "Dự thảo",
        ]
        for d in items
    ]
    return exports.list_export(
        fmt,
        title="Quyết định khen thưởng",
        filename="quyet-dinh-khen-thuong",
        headers=DECISION_EXPORT_HEADERS,
        rows=rows,
        truncated=truncated,
    )


def _decision_form(award_types, award_type, decision=None):
    form = DecisionForm(obj=decision)
    form.award_type_id.choices = [
        SelectChoice(a.id, f"{a.label} – {a.campaign.name}") for a in award_types
    ]
    signers = queries.signers_for_campaign(award_type.campaign)
    form.signer_id.choices = [SelectChoice(0, "— Không chọn: quyết định ký trên giấy —")] + [
        SelectChoice(s.id, f"{s.full_name} – {s.title}") for s in signers
    ]
    if decision is not None and request.method == "GET":
        form.signer_id.data = decision.signer_id or 0
    return form, {s.id: s for s in signers}


def _nomination_choices(form, award_type, decision=None):
    nominations = queries.approved_nominations(award_type, decision)
    if decision is not None:
        current = [item.nomination for item in decision.items]
        known = {n.id for n in nominations}
        nominations = current + [n for n in nominations if n.id not in {c.id for c in current}]
        nominations = [n for n in nominations if n.id in known or n in current]
    form.nomination_ids.choices = [
        SelectChoice(n.id, f"{n.recipient_name} – {n.unit.name}") for n in nominations
    ]
    return nominations


def _document_values(form) -> dict[str, str]:
    return {key: form[key].data or "" for key in DOCUMENT_FIELDS}


@bp.route("/decisions/new", methods=["GET", "POST"])
@login_required
def decision_create():
    award_types = [
        a for a in queries.award_types_for(current_user) if can(current_user, "decision.manage", a)
    ]
    if not award_types:
        abort(403)
    chosen_id = arg_id("award_type_id", source=request.values) or award_types[0].id
    award_type = next((a for a in award_types if a.id == chosen_id), None)
    if award_type is None:
        abort(404)
    form, signers = _decision_form(award_types, award_type)
    form.award_type_id.data = award_type.id
    if request.method == "GET" and award_type.campaign:
        form.signed_on.data = form.signed_on.data or vietnamese.today()
        for key, value in document_defaults(award_type, form.signed_on.data).items():
            if not form[key].data:
                form[key].data = value
    nominations = _nomination_choices(form, award_type)
    if request.method == "GET" and not form.nomination_ids.data:
        form.nomination_ids.data = [n.id for n in nominations]
    if form.validate_on_submit() and request.form.get("refresh") is None:
        with transaction(form) as done:
            decision = create_decision(
                current_user,
                award_type,
                number=form.number.data,
                signed_on=form.signed_on.data,
                place=form.place.data,
                signer_name=form.signer_name.data,
                signer_title=form.signer_title.data,
                nomination_ids=form.nomination_ids.data,
                signer=signers.get(form.signer_id.data),
                **_document_values(form),
            )
        if done.ok:
            flash(f"Đã tạo dự thảo quyết định {decision.number_text}.", "success")
            return redirect(url_for(".decision", decision_id=decision.id))
    return render_template(
        "certificates/decision_form.html", form=form, award_type=award_type, decision=None
    )


@bp.route("/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@login_required
def decision_edit(decision_id: int):
    decision = decision_for(decision_id)
    if decision.status != DecisionStatus.DRAFT:
        flash("Quyết định đã ký, không thể sửa.", "warning")
        return redirect(url_for(".decision", decision_id=decision.id))
    form, signers = _decision_form([decision.award_type], decision.award_type, decision)
    form.award_type_id.data = decision.award_type_id
    _nomination_choices(form, decision.award_type, decision)
    if request.method == "GET":
        form.version.data = decision.version
        form.nomination_ids.data = [item.nomination_id for item in decision.items]
    if form.validate_on_submit():
        with transaction(form) as done:
            update_decision(
                current_user,
                decision,
                number=form.number.data,
                signed_on=form.signed_on.data,
                place=form.place.data,
                signer_name=form.signer_name.data,
                signer_title=form.signer_title.data,
                nomination_ids=form.nomination_ids.data,
                expected_version=form.version_value(),
                signer=signers.get(form.signer_id.data),
                **_document_values(form),
            )
        if done.ok:
            flash("Đã lưu dự thảo quyết định.", "success")
            return redirect(url_for(".decision", decision_id=decision.id))
    return render_template(
        "certificates/decision_form.html",
        form=form,
        award_type=decision.award_type,
        decision=decision,
    )


@bp.route("/decisions/<int:decision_id>")
@login_required
def decision(decision_id: int):
    decision = decision_for(decision_id)
    certificates = queries.certificates_of(decision)
    return render_template(
        "certificates/decision.html",
        decision=decision,
        certificates=certificates,
        progress=queries.progress(decision),
        print_form=BatchPrintForm(),
        statuses=CertificateStatus,
    )


CERTIFICATE_EXPORT_HEADERS = (
    "STT",
    "Số hiệu",
    "Thay cho",
    "Tập thể, cá nhân",
    "Dòng thứ hai",
    "Trạng thái",
    "Lý do thu hồi",
)


@bp.route("/decisions/<int:decision_id>/export.<any(xlsx, csv):fmt>")
@login_required
def decision_export(decision_id: int, fmt: str):
    """The decision's certificates as its page lists them."""
    decision = decision_for(decision_id)
    items, truncated = exports.capped(queries.certificates_of(decision))
    rows = [
        [
            c.position,
            c.serial,
            c.replaces.serial if c.replaces else "",
            c.recipient_name,
            c.recipient_line,
            c.status_label,
            c.revoked_reason if c.status == "revoked" else "",
        ]
        for c in items
    ]
    return exports.list_export(
        fmt,
        title="Giấy khen",
        filename=f"giay-khen-quyet-dinh-{decision.id}",
        headers=CERTIFICATE_EXPORT_HEADERS,
        rows=rows,
        truncated=truncated,
    )


@bp.route("/decisions/<int:decision_id>/progress")
@login_required
def decision_progress(decision_id: int):
    decision = decision_for(decision_id)
    return jsonify(queries.progress(decision))


@bp.route("/decisions/<int:decision_id>/items/<int:item_id>/move", methods=["POST"])
@login_required
def decision_move(decision_id: int, item_id: int):
    decision = decision_for(decision_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    direction = "up" if request.form.get("direction") == "up" else "down"
    with transaction():
        move_item(current_user, decision, item_id, direction)
    return redirect(url_for(".decision", decision_id=decision.id) + "#danh-sach")


# Orders a secretary can sort the recipients by (a decision lists them in one order).
REORDER_SORTS = {
    "name": lambda item: (sort_key(item.nomination.recipient_name), item.id),
    "unit": lambda item: (
        item.nomination.unit.sort_key,
        sort_key(item.nomination.recipient_name),
        item.id,
    ),
}


def _typed_order(items) -> list[int] | None:
    """The order given by drag and drop (``order``, item ids) or by the typed positions
    (``position_<item id>``; ties keep the current order), or None if unreadable."""
    order = request.form.getlist("order")
    if order:
        ids = [parse_id(v) for v in order]
        return None if None in ids else ids
    typed = {}
    for item in items:
        value = parse_int(request.form.get(f"position_{item.id}"), lo=1, hi=999_999)
        if value is None:
            return None
        typed[item.id] = (value, item.position)
    return sorted(typed, key=typed.get)


@bp.route("/decisions/<int:decision_id>/reorder", methods=["POST"])
@login_required
def decision_reorder(decision_id: int):
    """Reorder the recipients of a draft: drag and drop (JavaScript sends the new order),
    the typed positions (the keyboard fallback), or a sort by name or by unit."""
    decision = decision_for(decision_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    items = list(decision.items)
    sort = request.form.get("sort", "")
    if sort in REORDER_SORTS:
        order = [item.id for item in sorted(items, key=REORDER_SORTS[sort])]
    else:
        order = _typed_order(items)
    if order is None:
        flash("Thứ tự phải là các số nguyên dương.", "danger")
    else:
        with transaction(FLASH) as done:
            reorder_items(current_user, decision, order)
        if done.ok:
            flash("Đã lưu thứ tự danh sách kèm theo.", "success")
    return redirect(url_for(".decision", decision_id=decision.id) + "#danh-sach")


@bp.route("/decisions/<int:decision_id>/sign", methods=["POST"])
@login_required
def decision_sign(decision_id: int):
    decision = decision_for(decision_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if decision.signer_id is not None:
        flash(str(DomainError("decision.signer_required")), "warning")
        return redirect(url_for(".decision", decision_id=decision.id))
    with transaction():
        certificates = sign_decision(current_user, decision)
    enqueue_issue(decision.id, [c.id for c in certificates])
    flash(
        f"Đã ký quyết định {decision.number_text}: đang phát hành "
        f"{len(certificates)} giấy khen, bằng khen.",
        "success",
    )
    return redirect(url_for(".decision", decision_id=decision.id))


@bp.route("/decisions/<int:decision_id>/submit", methods=["POST"])
@login_required
def decision_submit(decision_id: int):
    """Send a draft to its signer (trình ký)."""
    decision = decision_for(decision_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with transaction(FLASH) as done:
        submit_for_signature(current_user, decision)
    if done.ok:
        flash(f"Đã trình ký: chờ {decision.signer.full_name} xác nhận ký số.", "success")
    return redirect(url_for(".decision", decision_id=decision.id))


@bp.route("/decisions/<int:decision_id>/resume", methods=["POST"])
@login_required
def decision_resume(decision_id: int):
    """Queue again whatever is still pending (after a worker outage)."""
    decision = decision_for(decision_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    signer = decision.signer
    if signer is not None and signer.secret_source == SecretSource.PROMPT:
        flash(
            f"Khóa của {signer.full_name} cần mã PIN: người ký (hoặc người được ủy quyền) "
            "mở trang “Quyết định chờ ký” và xác nhận lại để phát hành tiếp.",
            "warning",
        )
        return redirect(url_for(".decision", decision_id=decision.id))
    pending = [
        c.id for c in queries.certificates_of(decision) if c.status == CertificateStatus.PENDING
    ]
    enqueue_issue(decision.id, pending)
    flash(f"Đã đưa {len(pending)} giấy khen vào hàng đợi phát hành.", "info")
    return redirect(url_for(".decision", decision_id=decision.id))


@bp.route("/decisions/<int:decision_id>/decision.pdf")
@login_required
def decision_pdf(decision_id: int):
    decision = decision_for(decision_id, "certificate.issue")
    if decision.file_path:
        return send_file(
            storage.decision_file(decision),
            mimetype="application/pdf",
            download_name=f"QD-{decision.number}.pdf",
        )
    data = wait_for_pdf("render_preview", "decision", decision.award_type_id, decision.id)
    if data is None:
        return redirect(url_for(".decision", decision_id=decision.id))
    return pdf_response(data, f"du-thao-QD-{decision.number}.pdf")


@bp.route("/decisions/<int:decision_id>/print", methods=["POST"])
@login_required
def decision_print(decision_id: int):
    """Queue one PDF of the chosen (or all) certificates in decision order; the worker
    builds it and the print page shows its progress and the download."""
    decision = decision_for(decision_id, "certificate.issue")
    form = BatchPrintForm()
    form.certificate_ids.choices = [
        SelectChoice(c.id, c.serial) for c in queries.certificates_of(decision)
    ]
    if not form.validate_on_submit():
        flash("Yêu cầu in không hợp lệ.", "danger")
        return redirect(url_for(".decision", decision_id=decision.id))
    ids = form.certificate_ids.data or None
    certificates = queries.certificates_in_order(decision, ids)
    with transaction(FLASH) as done:
        job = printing.request_print(current_user, decision, form.mode.data, certificates)
    if not done.ok:
        return redirect(url_for(".decision", decision_id=decision.id))
    jobs.enqueue("print_batch", job.id)
    return redirect(url_for(".print_job", print_id=job.id))
