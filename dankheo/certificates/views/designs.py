"""Routes of an award type's certificate design: paper and issuer, uploaded images, the
overlay layout for pre-printed blanks, and previews rendered by the worker."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo.certificates.design import (
    IMAGE_LIMITS,
    OVERLAY_FIELDS,
    overlay_layout,
    save_design,
    save_overlay_layout,
    store_image,
)
from dankheo.certificates.forms import ChooseIssuerForm, DesignForm, ImageForm, OverlayForm
from dankheo.certificates.issuers import issuers_for
from dankheo.certificates.views.blueprint import award_type_for, bp, pdf_response, wait_for_pdf
from dankheo.models import IssuerProfile, PaperSize
from dankheo.web.transaction import FLASH, transaction


@bp.route("/award-types/<int:award_type_id>/design", methods=["GET", "POST"])
@login_required
def design(award_type_id: int):
    award_type = award_type_for(award_type_id)
    form = DesignForm(obj=award_type if request.method == "GET" else None)
    if request.method == "GET":
        form.paper.data = award_type.paper.value
        form.issuer_profile.data = award_type.issuer_profile.value
    if form.validate_on_submit():
        with transaction():
            save_design(
                current_user,
                award_type,
                paper=PaperSize(form.paper.data),
                issuer_profile=IssuerProfile(form.issuer_profile.data),
                issuer_title=form.issuer_title.data,
                issuer_name=form.issuer_name.data,
                decision_suffix=form.decision_suffix.data,
            )
        flash("Đã lưu mẫu giấy khen.", "success")
        return redirect(url_for(".design", award_type_id=award_type.id))
    return render_template(
        "certificates/design.html",
        form=form,
        award_type=award_type,
        emblem_form=ImageForm(prefix="emblem"),
        blank_form=ImageForm(prefix="blank"),
        issuer_form=ChooseIssuerForm(),
        issuers=issuers_for(current_user),
    )


@bp.route("/award-types/<int:award_type_id>/image/<kind>", methods=["POST"])
@login_required
def upload_image(award_type_id: int, kind: str):
    award_type = award_type_for(award_type_id)
    if kind not in IMAGE_LIMITS:
        abort(404)
    form = ImageForm(prefix=kind)
    if form.validate_on_submit():
        with transaction(FLASH) as done:
            store_image(current_user, award_type, kind, form.image.data.read())
        if done.ok:
            flash("Đã lưu ảnh.", "success")
    else:
        flash(" ".join(form.image.errors) or "Vui lòng chọn tệp ảnh.", "danger")
    target = ".overlay" if kind == "blank" else ".design"
    return redirect(url_for(target, award_type_id=award_type.id))


@bp.route("/award-types/<int:award_type_id>/overlay", methods=["GET", "POST"])
@login_required
def overlay(award_type_id: int):
    award_type = award_type_for(award_type_id)
    form = OverlayForm()
    layout = overlay_layout(award_type)
    if request.method == "GET":
        form.offset_x.data, form.offset_y.data = layout["offset"]
        for name, (x, y) in layout["fields"].items():
            form[f"{name}_x"].data = x
            form[f"{name}_y"].data = y
    if form.validate_on_submit():
        fields = {
            name: [float(form[f"{name}_x"].data), float(form[f"{name}_y"].data)]
            for name in OVERLAY_FIELDS
        }
        with transaction(form) as done:
            save_overlay_layout(
                current_user,
                award_type,
                [float(form.offset_x.data or 0), float(form.offset_y.data or 0)],
                fields,
            )
        if done.ok:
            flash("Đã lưu vị trí in trên phôi.", "success")
            return redirect(url_for(".overlay", award_type_id=award_type.id))
    return render_template(
        "certificates/overlay.html",
        form=form,
        award_type=award_type,
        blank_form=ImageForm(prefix="blank"),
        fields=OVERLAY_FIELDS,
    )


PREVIEW_KINDS = {"full", "overlay", "blank", "calibration"}


@bp.route("/award-types/<int:award_type_id>/preview/<kind>.pdf")
@login_required
def preview(award_type_id: int, kind: str):
    """Sample data in the full design, the overlay, the overlay over the scanned blank,
    or the calibration grid — rendered by the worker."""
    award_type = award_type_for(award_type_id)
    if kind not in PREVIEW_KINDS:
        abort(404)
    data = wait_for_pdf("render_preview", kind, award_type.id)
    if data is None:
        return redirect(url_for(".design", award_type_id=award_type.id))
    return pdf_response(data, f"xem-truoc-{kind}-{award_type.id}.pdf")
