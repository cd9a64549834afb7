"""Routes of the registry blueprint: initiatives (list, export, import, registration,
years). Exemplar and evidence routes live in exemplar_views and evidence_views on the
same blueprint; importing this module registers them all."""

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo import exports as list_exports
from dankheo.campaigns import queries as campaign_queries
from dankheo.errors import StaleVersion
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import Field, Initiative, Unit
from dankheo.permissions import can, scope_paths
from dankheo.registry import (
    details,
    evidence_views,
    exemplar_views,
    exports,
    imports,
    lookups,
    queries,
    services,
    year_views,
)
from dankheo.registry.blueprint import (
    bp,
    chosen_priority_areas,
    filter_context,
    per_page,
    this_year,
)
from dankheo.registry.forms import (
    EvidenceForm,
    ImportForm,
    InitiativeForm,
    choice_list,
)
from dankheo.web import lookup
from dankheo.web.access import found, require
from dankheo.web.transaction import FLASH, transaction

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The blueprint's other routes: importing their modules adds them to ``bp``; lookups
# registers the registry's search sources for long selects.
ROUTE_MODULES = (exemplar_views, evidence_views, year_views, lookups)


def _initiative(initiative_id: int, action: str) -> Initiative:
    """The initiative (404) that the signed-in user may ``action`` (403)."""
    item = found(db.session.get(Initiative, initiative_id))
    require(action, item)
    return item


@bp.route("/")
@login_required
def index():
    return redirect(url_for(".initiatives"))


# --- initiatives: list, export, import --------------------------------------------------


@bp.route("/initiatives")
@login_required
def initiatives():
    require("registry.list")
    params = queries.parse_list_params(request.args)
    scope = scope_paths(current_user, "registry.list")
    cap = queries.SEARCH_COUNT_CAP if params.q else queries.LIST_COUNT_CAP
    page = queries.initiative_page(params, scope, per_page=per_page(), count_cap=cap, areas=False)
    return render_template(
        "registry/initiatives.html", page=page, params=params, **filter_context(scope)
    )


@bp.route("/initiatives/export.<any(xlsx, csv):fmt>")
@login_required
def initiatives_export(fmt: str):
    require("registry.list")
    params = queries.parse_list_params(request.args)
    scope = scope_paths(current_user, "registry.list")
    stmt = exports.initiative_export_rows(params, scope)
    return list_exports.export_response(
        fmt,
        title="Mô hình",
        filename="mo-hinh",
        headers=exports.HEADERS,
        rows=list_exports.stream(
            stmt, exports.initiative_chunk_rows(params.year), limit=list_exports.MAX_ROWS
        ),
        limit=list_exports.MAX_ROWS,
        # Same filters, same scope, same data: the same file (304 when the browser has it).
        cache_key=exports.cache_key("initiatives", params, scope),
    )


@bp.route("/initiatives/import", methods=["GET", "POST"])
@login_required
def initiatives_import():
    require("registry.import")
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        with transaction(form.file) as done:
            rows = imports.read_rows(form.file.data.read(), current_user)
            created = services.import_initiatives(current_user, rows)
        if done.ok:
            flash(f"Đã nhập {len(created)} mô hình.", "success")
            return redirect(url_for(".initiatives"))
        if isinstance(done.error, imports.ImportRejected):
            errors = done.error.errors  # the table of rejected rows under the form
    return render_template("registry/import.html", form=form, errors=errors)


@bp.route("/initiatives/import/mau-nhap-mo-hinh.xlsx")
@login_required
def import_template():
    require("registry.import")
    return Response(
        imports.template_xlsx(),
        mimetype=XLSX_MIME,
        headers={"Content-Disposition": 'attachment; filename="mau-nhap-mo-hinh.xlsx"'},
    )


# --- initiatives: register, edit, view --------------------------------------------------


def _initiative_form_choices(form: InitiativeForm, initiative: Initiative | None = None):
    """Units and "replicated from" are search fields (web.lookup): the select holds the
    stored value and what the person searched for, so a stored link is never dropped."""
    lookup.prepare(
        form.unit_id,
        "units",
        current_user,
        empty=(("", "— Chọn đơn vị —"),),
        stored=initiative.unit_id if initiative else (),
        hidden_label="Đơn vị hiện tại của mô hình",
    )
    form.field_id.choices = choice_list(
        [(None, "— Chọn lĩnh vực —")]
        + [(f.id, f.name) for f in campaign_queries.fields(active_only=initiative is None)]
    )
    lookup.prepare(
        form.replicated_from_id,
        "initiatives",
        current_user,
        empty=(("", "— Không —"),),
        exclude=(initiative.id,) if initiative else (),
        stored=initiative.replicated_from_id if initiative else (),
        hidden_label="Mô hình gốc hiện tại (ngoài phạm vi xem của bạn)",
    )
    form.priority_area_ids.choices = [
        (a.id, a.name)
        for a in campaign_queries.priority_areas()
        if a.active or (initiative is not None and a in initiative.priority_areas)
    ]


def _form_targets(form: InitiativeForm, action: str):
    """The unit, field and replicated-from of a valid form, or None after adding a
    field error (the unit must be one the user may register for)."""
    unit = db.session.get(Unit, form.unit_id.data)
    if unit is None or not can(current_user, action, unit):
        form.unit_id.errors.append("Bạn không thể đăng ký mô hình cho đơn vị này.")
        return None
    field = db.session.get(Field, form.field_id.data)
    if field is None:
        form.field_id.errors.append("Vui lòng chọn một giá trị.")
        return None
    source = None
    if form.replicated_from_id.data:
        source = db.session.get(Initiative, form.replicated_from_id.data)
    return unit, field, source, chosen_priority_areas(form)


@bp.route("/initiatives/new", methods=["GET", "POST"])
@login_required
def initiative_new():
    require("initiative.create")
    form = InitiativeForm()
    _initiative_form_choices(form)
    if request.method == "GET":
        form.year.data = current_app.config.get("CURRENT_YEAR") or this_year()
    if (
        not lookup.requested()
        and form.validate_on_submit()
        and (targets := _form_targets(form, "initiative.create"))
    ):
        unit, field, source, areas = targets
        with transaction(form) as done:
            initiative = services.create_initiative(
                current_user,
                unit=unit,
                field=field,
                year=form.year.data,
                values=form.values(),
                replicated_from=source,
                priority_areas=areas,
            )
        if done.ok:
            flash("Đã đăng ký mô hình.", "success")
            return redirect(url_for(".initiative", initiative_id=initiative.id))
    return render_template("registry/initiative_form.html", form=form, initiative=None)


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def initiative_edit(initiative_id: int):
    initiative = _initiative(initiative_id, "initiative.edit")
    form = InitiativeForm(obj=initiative)
    del form.year  # the first year is history; later years come from carrying over
    _initiative_form_choices(form, initiative)
    if request.method == "GET":
        form.version.data = initiative.version
        form.priority_area_ids.data = [a.id for a in initiative.priority_areas]
    if (
        not lookup.requested()
        and form.validate_on_submit()
        and (targets := _form_targets(form, "initiative.edit"))
    ):
        unit, field, source, areas = targets
        with transaction(form) as done:
            services.update_initiative(
                current_user,
                initiative,
                expected_version=form.version_value(),
                unit=unit,
                field=field,
                values=form.values(),
                replicated_from=source,
                priority_areas=areas,
            )
        if done.ok:
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for(".initiative", initiative_id=initiative.id))
        if isinstance(done.error, StaleVersion):
            return render_template(
                "registry/initiative_form.html", form=form, initiative=initiative, stale=True
            ), done.status_code
    return render_template("registry/initiative_form.html", form=form, initiative=initiative)


@bp.route("/initiatives/<int:initiative_id>")
@login_required
def initiative(initiative_id: int):
    item = found(details.initiative_detail(initiative_id))
    require("initiative.view", item)
    return render_template(
        "registry/initiative.html",
        initiative=item,
        evidence=details.evidence_of(initiative=item),
        nominations=details.nominations_of(item),
        exemplars=details.exemplars_leading(item),
        evidence_form=EvidenceForm(),
        empty_form=EmptyForm(),
        year_of_row={r.id: r.year for r in item.years},
    )


@bp.route("/initiatives/<int:initiative_id>/carry-over", methods=["POST"])
@login_required
def initiative_carry_over(initiative_id: int):
    item = _initiative(initiative_id, "initiative.carry_over")
    if EmptyForm().validate_on_submit():
        with transaction(FLASH) as done:
            row = services.carry_over(current_user, item)
        if done.ok:
            flash(
                f"Đã chuyển mô hình sang năm {row.year}; các năm trước được giữ nguyên.", "success"
            )
    return redirect(url_for(".initiative", initiative_id=initiative_id))
