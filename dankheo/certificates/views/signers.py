"""Routes of signers and their keys (issue 15): the list, registering and editing a
signer (a PKCS#12 file uploaded into SIGNING_KEY_DIR, or a PKCS#11 token named by its
configured module and labels; the key is opened by the worker to check it), and the
delegations a signer records for their office."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from dankheo.certificates import queries, signers
from dankheo.certificates.forms import DelegationForm, SignerForm
from dankheo.certificates.views.blueprint import bp
from dankheo.errors import StaleVersion
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import (
    KeyKind,
    SecretSource,
    Signer,
    SignerAuthority,
    SignerDelegation,
    Unit,
    UnitKind,
    User,
)
from dankheo.web.access import found, require
from dankheo.web.params import page_arg
from dankheo.web.transaction import FLASH, transaction

# Bodies that sign decisions: the province, districts and their agencies and boards.
SIGNING_BODIES = (
    UnitKind.PROVINCE,
    UnitKind.DISTRICT,
    UnitKind.AGENCY,
    UnitKind.DEPARTMENT,
    UnitKind.FRONT,
    UnitKind.MASS_ORGANISATION,
    UnitKind.COMMUNE,
    UnitKind.WARD,
    UnitKind.SPECIAL_ZONE,
)


def _signer(signer_id: int) -> Signer:
    return found(queries.signer(signer_id))


def _form(signer: Signer | None = None) -> SignerForm:
    form = SignerForm(obj=signer)
    units = db.session.scalars(
        sa.select(Unit)
        .where(Unit.kind.in_(SIGNING_BODIES), Unit.valid_to.is_(None))
        .order_by(Unit.path)
        .limit(2000)
    )
    form.unit_id.choices = [SelectChoice(u.id, u.name) for u in units]
    modules = sorted((current_app.config.get("SIGNING_PKCS11_MODULES") or {}).keys())
    form.pkcs11_module.choices = [SelectChoice("", "—")] + [SelectChoice(m, m) for m in modules]
    if signer is not None and request.method == "GET":
        form.username.data = signer.user.username if signer.user else ""
        form.version.data = signer.version
    return form


def _user(username: str, field) -> User | None:
    if not username:
        return None
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None:
        field.errors = [*field.errors, "Không có tài khoản với tên đăng nhập này."]
    return user


def _save(form: SignerForm, signer: Signer | None):
    user = _user(form.username.data, form.username)
    if form.username.data and user is None:
        return None
    upload = form.key_upload.data.read(signers.MAX_KEY_FILE + 1) if form.key_upload.data else None
    with transaction(form) as done:
        if signer is not None and form.version_value() != signer.version:
            raise StaleVersion()
        saved = signers.save_signer(
            current_user,
            signer,
            unit=db.session.get(Unit, form.unit_id.data),
            user=user,
            full_name=form.full_name.data,
            title=form.title.data,
            authority=SignerAuthority(form.authority.data),
            authority_of=form.authority_of.data or "",
            key_kind=KeyKind(form.key_kind.data),
            key_upload=upload,
            pkcs11_module=form.pkcs11_module.data or "",
            token_label=form.token_label.data or "",
            key_label=form.key_label.data or "",
            secret_source=SecretSource(form.secret_source.data),
            secret_ref=form.secret_ref.data or "",
            typed_secret=form.secret.data or "",
            active=form.active.data,
        )
    return saved if done.ok else None


@bp.route("/signers")
@login_required
def signers_list():
    require("signer.manage")
    q = request.args.get("q", "").strip()[:100]
    pagination = db.paginate(
        queries.signers_page(q),
        page=page_arg(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template("certificates/signers/list.html", pagination=pagination, q=q)


@bp.route("/signers/new", methods=["GET", "POST"])
@login_required
def signer_new():
    require("signer.manage")
    form = _form()
    if form.validate_on_submit():
        saved = _save(form, None)
        if saved is not None:
            flash(f"Đã thêm người ký {saved.full_name}; khóa ký số đã được kiểm tra.", "success")
            return redirect(url_for(".signer", signer_id=saved.id))
    return render_template("certificates/signers/form.html", form=form, signer=None)


@bp.route("/signers/<int:signer_id>/edit", methods=["GET", "POST"])
@login_required
def signer_edit(signer_id: int):
    require("signer.manage")
    signer = _signer(signer_id)
    form = _form(signer)
    if form.validate_on_submit():
        saved = _save(form, signer)
        if saved is not None:
            flash("Đã lưu người ký; khóa ký số đã được kiểm tra.", "success")
            return redirect(url_for(".signer", signer_id=signer.id))
    return render_template("certificates/signers/form.html", form=form, signer=signer)


@bp.route("/signers/<int:signer_id>", methods=["GET", "POST"])
@login_required
def signer(signer_id: int):
    """A signer, their delegations, and (for the signer or an admin) a new delegation."""
    signer = _signer(signer_id)
    require("signer.delegate", signer)
    form = DelegationForm()
    if form.validate_on_submit():
        user = _user(form.username.data, form.username)
        if user is not None:
            with transaction(form) as done:
                signers.grant_delegation(
                    current_user,
                    signer,
                    user=user,
                    reference=form.reference.data,
                    valid_from=form.valid_from.data,
                    valid_to=form.valid_to.data,
                )
            if done.ok:
                flash(f"Đã ghi nhận ủy quyền cho {user.full_name}.", "success")
                return redirect(url_for(".signer", signer_id=signer.id))
    return render_template(
        "certificates/signers/detail.html", signer=signer, form=form, revoke_form=EmptyForm()
    )


@bp.route("/signers/<int:signer_id>/delegations/<int:delegation_id>/revoke", methods=["POST"])
@login_required
def delegation_revoke(signer_id: int, delegation_id: int):
    signer = _signer(signer_id)
    require("signer.delegate", signer)
    delegation = found(db.session.get(SignerDelegation, delegation_id))
    if delegation.signer_id != signer.id:
        return redirect(url_for(".signer", signer_id=signer.id))
    if EmptyForm().validate_on_submit():
        with transaction(FLASH) as done:
            signers.revoke_delegation(current_user, delegation)
        if done.ok:
            flash("Đã thu hồi ủy quyền.", "success")
    return redirect(url_for(".signer", signer_id=signer.id))
