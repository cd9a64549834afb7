"""Routes of the registry blueprint for exemplars: list, export, registration, page."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo import exports as list_exports
from dankheo.campaigns import queries as campaign_queries
from dankheo.errors import StaleVersion
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import Exemplar, ExemplarKind, Field, Initiative, Unit
from dankheo.permissions import can, scope_paths
from dankheo.registry import details, exemplar_queries, exports, queries, services
from dankheo.registry.blueprint import (
    bp,
    chosen_priority_areas,
    filter_context,
    per_page,
    this_year,
)
from dankheo.registry.forms import EvidenceForm, ExemplarForm, choice_list
from dankheo.web import lookup
from dankheo.web.access import found, require
from dankheo.web.transaction import transaction


@bp.route("/exemplars")
@login_required
def exemplars():
    require("exemplar.list")
    params = queries.parse_list_params(request.args)
    scope = scope_paths(current_user, "exemplar.list")
    cap = queries.SEARCH_COUNT_CAP if params.q else queries.LIST_COUNT_CAP
    page = exemplar_queries.exemplar_page(params, scope, per_page=per_page(), count_cap=cap)
    return render_template(
        "registry/exemplars.html", page=page, params=params, **filter_context(scope)
    )


@bp.route("/exemplars/export.<any(xlsx, csv):fmt>")
@login_required
def exemplars_export(fmt: str):
    require("exemplar.list")
    params = queries.parse_list_params(request.args)
    scope = scope_paths(current_user, "exemplar.list")
    stmt = exports.exemplar_export_select(params, scope)
    return list_exports.export_response(
        fmt,
        title="Điển hình",
        filename="dien-hinh",
        headers=exports.EXEMPLAR_HEADERS,
        rows=list_exports.stream(stmt, exports.exemplar_chunk_rows, limit=list_exports.MAX_ROWS),
        limit=list_exports.MAX_ROWS,
        cache_key=exports.cache_key(
            "exemplars", params, scope, ("exemplars", "initiatives", "units")
        ),
    )


def _exemplar_form_choices(form: ExemplarForm, exemplar: Exemplar | None = None):
    """Units and initiatives are search fields (web.lookup): the selects hold the stored
    values and what the person searched for, never a capped slice of the table."""
    lookup.prepare(
        form.unit_id,
        "units",
        current_user,
        empty=(("", "— Chọn đơn vị —"),),
        stored=exemplar.unit_id if exemplar else (),
        hidden_label="Đơn vị hiện tại của điển hình",
    )
    form.field_id.choices = choice_list(
        [(None, "— Không —")] + [(f.id, f.name) for f in campaign_queries.fields()]
    )
    lookup.prepare(form.initiative_ids, "scope-initiatives", current_user)
    form.priority_area_ids.choices = [
        (a.id, a.name) for a in campaign_queries.priority_areas() if a.active
    ]


def _form_targets(form: ExemplarForm, action: str, exemplar: Exemplar | None = None):
    """The unit, field and initiatives of a valid form, or None after adding a field
    error (the unit must be one the user may register for). Initiatives the user may
    not see are left out."""
    unit = db.session.get(Unit, form.unit_id.data)
    if unit is None or not can(current_user, action, unit):
        form.unit_id.errors.append("Bạn không thể đăng ký điển hình cho đơn vị này.")
        return None
    field = db.session.get(Field, form.field_id.data) if form.field_id.data else None
    chosen = [
        i
        for i in (db.session.get(Initiative, i) for i in form.initiative_ids.data or [])
        if i is not None and can(current_user, "initiative.view", i)
    ]
    # Links to initiatives this person cannot see were not on the form: they are kept.
    if exemplar is not None:
        chosen += [
            i
            for i in exemplar.initiatives
            if i not in chosen and not can(current_user, "initiative.view", i)
        ]
    return unit, field, chosen


def _save_exemplar(form: ExemplarForm, exemplar: Exemplar | None, targets) -> Exemplar:
    unit, field, chosen = targets
    return services.save_exemplar(
        current_user,
        values={
            "kind": ExemplarKind(form.kind.data),
            "name": form.name.data,
            "position": form.position.data,
            "year": form.year.data,
            "achievements": form.achievements.data,
        },
        unit=unit,
        field=field,
        initiatives=chosen,
        exemplar=exemplar,
        expected_version=form.version_value() if exemplar is not None else None,
        priority_areas=chosen_priority_areas(form),
    )


@bp.route("/exemplars/new", methods=["GET", "POST"])
@login_required
def exemplar_new():
    require("exemplar.create")
    form = ExemplarForm()
    _exemplar_form_choices(form)
    if request.method == "GET":
        form.year.data = this_year()
    if (
        not lookup.requested()
        and form.validate_on_submit()
        and (targets := _form_targets(form, "exemplar.create"))
    ):
        with transaction(form) as done:
            exemplar = _save_exemplar(form, None, targets)
        if done.ok:
            flash("Đã đăng ký điển hình.", "success")
            return redirect(url_for(".exemplar", exemplar_id=exemplar.id))
    return render_template("registry/exemplar_form.html", form=form, exemplar=None)


@bp.route("/exemplars/<int:exemplar_id>/edit", methods=["GET", "POST"])
@login_required
def exemplar_edit(exemplar_id: int):
    exemplar = found(db.session.get(Exemplar, exemplar_id))
    require("exemplar.edit", exemplar)
    form = ExemplarForm(obj=exemplar)
    if request.method == "GET":
        form.version.data = exemplar.version
        form.kind.data = exemplar.kind.value
        form.initiative_ids.data = [i.id for i in exemplar.initiatives]
        form.priority_area_ids.data = [a.id for a in exemplar.priority_areas]
    _exemplar_form_choices(form, exemplar)
    if (
        not lookup.requested()
        and form.validate_on_submit()
        and (targets := _form_targets(form, "exemplar.edit", exemplar))
    ):
        with transaction(form) as done:
            _save_exemplar(form, exemplar, targets)
        if done.ok:
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for(".exemplar", exemplar_id=exemplar.id))
        if isinstance(done.error, StaleVersion):
            return render_template(
                "registry/exemplar_form.html", form=form, exemplar=exemplar
            ), done.status_code
    return render_template("registry/exemplar_form.html", form=form, exemplar=exemplar)


@bp.route("/exemplars/<int:exemplar_id>")
@login_required
def exemplar(exemplar_id: int):
    item = found(exemplar_queries.exemplar_detail(exemplar_id))
    require("exemplar.view", item)
    return render_template(
        "registry/exemplar.html",
        exemplar=item,
        evidence=details.evidence_of(exemplar=item),
        evidence_form=EvidenceForm(),
        empty_form=EmptyForm(),
    )
