"""Routes of issuers (cơ quan ban hành): the list, a new issuer, its settings, its names
over time, and choosing an award type's issuer."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from dankheo import permissions
from dankheo.certificates import issuers as services
from dankheo.certificates.forms import ChooseIssuerForm, IssuerForm, IssuerNameForm
from dankheo.certificates.views.blueprint import award_type_for, bp
from dankheo.errors import StaleVersion
from dankheo.extensions import db
from dankheo.models import Issuer, IssuerProfile, Unit
from dankheo.web.access import found, require
from dankheo.web.transaction import transaction


def _issuer_for(issuer_id: int) -> Issuer:
    issuer = found(db.session.get(Issuer, issuer_id))
    require("issuer.manage", issuer)
    return issuer


def _unit_choices() -> list[Unit]:
    if permissions.is_admin(current_user):
        return list(db.session.scalars(db.select(Unit).order_by(Unit.path).limit(500)))
    units = {u.id: u for u in permissions.reach_roots(current_user, permissions.Role.SECRETARY)}
    units.update(
        {u.id: u for u in permissions.units_with_role(current_user, permissions.Role.SECRETARY)}
    )
    return sorted(units.values(), key=lambda u: u.path)


@bp.route("/issuers")
@login_required
def issuers():
    require("issuer.manage")
    return render_template("certificates/issuers.html", issuers=services.issuers_for(current_user))


def _issuer_form(issuer: Issuer | None) -> IssuerForm:
    form = IssuerForm(obj=issuer if request.method == "GET" else None)
    form.unit_id.choices = [SelectChoice(u.id, u.name) for u in _unit_choices()]
    if request.method == "GET" and issuer is not None:
        form.profile.data = issuer.profile.value
        form.version.data = issuer.version
    return form


@bp.route("/issuers/new", methods=["GET", "POST"])
@login_required
def issuer_new():
    require("issuer.manage")
    form = _issuer_form(None)
    name_form = IssuerNameForm(prefix="name")
    if form.validate_on_submit() and name_form.validate():
        unit = found(db.session.get(Unit, form.unit_id.data))
        with transaction(form) as done:
            issuer = services.create_issuer(
                current_user,
                unit,
                IssuerProfile(form.profile.data),
                {**form.data, **name_form.data},
                name_form.valid_from.data,
            )
        if done.ok:
            flash(f"Đã thêm cơ quan ban hành {issuer.label}.", "success")
            return redirect(url_for(".issuer_edit", issuer_id=issuer.id))
    return render_template(
        "certificates/issuer_form.html", form=form, name_form=name_form, issuer=None
    )


@bp.route("/issuers/<int:issuer_id>/edit", methods=["GET", "POST"])
@login_required
def issuer_edit(issuer_id: int):
    issuer = _issuer_for(issuer_id)
    form = _issuer_form(issuer)
    form.unit_id.choices = [SelectChoice(issuer.unit_id, issuer.unit.name)]
    form.unit_id.data = issuer.unit_id
    if form.validate_on_submit():
        with transaction(form) as done:
            if form.version_value() != issuer.version:
                raise StaleVersion()
            services.update_issuer(
                current_user, issuer, IssuerProfile(form.profile.data), form.data
            )
        if done.ok:
            flash("Đã lưu thiết lập cơ quan ban hành.", "success")
            return redirect(url_for(".issuer_edit", issuer_id=issuer.id))
    return render_template(
        "certificates/issuer_form.html",
        form=form,
        name_form=IssuerNameForm(prefix="name"),
        issuer=issuer,
    )


@bp.route("/issuers/<int:issuer_id>/names", methods=["POST"])
@login_required
def issuer_name(issuer_id: int):
    """Add a name from a date (a rename), or correct the one starting that day."""
    issuer = _issuer_for(issuer_id)
    form = IssuerNameForm(prefix="name")
    if form.validate_on_submit():
        with transaction(form) as done:
            services.save_name(current_user, issuer, form.data, form.valid_from.data)
        if done.ok:
            flash("Đã lưu tên cơ quan theo thời gian.", "success")
            return redirect(url_for(".issuer_edit", issuer_id=issuer.id))
    return render_template(
        "certificates/issuer_form.html",
        form=_issuer_form(issuer),
        name_form=form,
        issuer=issuer,
    )


@bp.route("/award-types/<int:award_type_id>/issuer", methods=["POST"])
@login_required
def award_type_issuer(award_type_id: int):
    award_type = award_type_for(award_type_id)
    form = ChooseIssuerForm()
    choices = services.issuers_for(current_user)
    form.issuer_id.choices = [SelectChoice(0, "")] + [SelectChoice(i.id, i.label) for i in choices]
    if not form.validate_on_submit():
        abort(400)
    issuer = next((i for i in choices if i.id == form.issuer_id.data), None)
    with transaction() as done:
        services.choose_issuer(current_user, award_type, issuer)
    if done.ok:
        flash("Đã chọn cơ quan ban hành cho hình thức khen thưởng.", "success")
    return redirect(url_for(".design", award_type_id=award_type.id))
