"""Admin routes of the unit tree: the list (and its export), a unit's page, creating,
editing and closing units, successions, and the import of a unit list."""

from datetime import date

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo import exports, vietnamese
from dankheo.admin import imports, queries
from dankheo.admin import units as unit_services
from dankheo.admin.forms import (
    CloseUnitForm,
    ImportUnitsForm,
    SuccessionForm,
    UnitForm,
    split_codes,
)
from dankheo.admin.views.blueprint import bp, page
from dankheo.extensions import db
from dankheo.messages import MESSAGES
from dankheo.models.units import SuccessionKind, Unit, UnitKind
from dankheo.web.access import found, require
from dankheo.web.params import arg_id
from dankheo.web.transaction import transaction


@bp.route("/units")
@login_required
def units():
    require("admin.units")
    q, status, root, stmt = _units_list_select()
    pagination = db.paginate(
        stmt,
        page=page(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "admin/units.html",
        pagination=pagination,
        q=q,
        status=status,
        root=root,
        today=vietnamese.today(),
    )


def _units_list_select():
    """The unit list's filters from the query string (the page and its export)."""
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "open")
    if status not in queries.UNIT_STATUSES:
        status = "open"
    root = None
    if request.args.get("root"):
        root = db.session.get(Unit, arg_id("root") or 0)
    return q, status, root, queries.unit_tree_select(q, status, root)


UNIT_EXPORT_HEADERS = ("Tên đơn vị", "Mã", "Loại", "Thuộc", "Hiệu lực từ", "Hiệu lực đến")


@bp.route("/units/export.<any(xlsx, csv):fmt>")
@login_required
def units_export(fmt: str):
    require("admin.units")
    *_filters, stmt = _units_list_select()
    items, truncated = exports.fetch(stmt)
    rows = [
        [
            u.name,
            u.code,
            u.kind_label,
            u.parent.name if u.parent else "",
            u.valid_from,
            u.valid_to,
        ]
        for u in items
    ]
    return exports.list_export(
        fmt,
        title="Đơn vị",
        filename="don-vi",
        headers=UNIT_EXPORT_HEADERS,
        rows=rows,
        truncated=truncated,
    )


@bp.route("/units/<int:unit_id>")
@login_required
def unit_detail(unit_id: int):
    require("admin.units")
    unit = found(queries.unit_detail(unit_id))
    became, came_from = queries.successions_of(unit)
    return render_template(
        "admin/unit_detail.html",
        unit=unit,
        ancestors=queries.ancestors_of(unit),
        children=queries.children_of(unit),
        became=became,
        came_from=came_from,
        memberships=queries.memberships_at(unit),
        today=vietnamese.today(),
    )


def _parent_from(form: UnitForm, unit: Unit | None = None) -> Unit | None:
    """The parent named by code, or None; adds a field error when the code is unknown or
    names ``unit`` itself or a unit below it."""
    code = (form.parent_code.data or "").strip().upper()
    if not code:
        return None
    parent = queries.unit_by_code(code)
    if parent is None:
        form.parent_code.errors.append(f"Không tìm thấy đơn vị có mã “{code}”.")
    elif unit_services.parent_cycle(unit, parent):
        form.parent_code.errors.append(MESSAGES["unit.parent_cycle"])
    return parent


@bp.route("/units/new", methods=["GET", "POST"])
@login_required
def unit_new():
    require("admin.units")
    form = UnitForm()
    if request.method == "GET" and request.args.get("parent"):
        form.parent_code.data = request.args["parent"][:40]
    if form.validate_on_submit():
        parent = _parent_from(form)
        if not form.parent_code.errors:
            with transaction(form.code) as done:
                unit = unit_services.create_unit(
                    code=form.code.data,
                    name=form.name.data,
                    kind=UnitKind(form.kind.data),
                    parent=parent,
                    valid_from=form.valid_from.data,
                    valid_to=form.valid_to.data,
                    actor=current_user,
                )
            if done.ok:
                flash(f"Đã tạo đơn vị “{unit.name}”.", "success")
                return redirect(url_for("admin.unit_detail", unit_id=unit.id))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@login_required
def unit_edit(unit_id: int):
    require("admin.units")
    unit = found(db.session.get(Unit, unit_id))
    form = UnitForm(obj=unit)
    if request.method == "GET":
        form.kind.data = unit.kind.value
        form.parent_code.data = unit.parent.code if unit.parent else ""
    if form.validate_on_submit():
        parent = _parent_from(form, unit)
        if not form.parent_code.errors:
            with transaction(form.code) as done:
                unit_services.update_unit(
                    unit,
                    code=form.code.data,
                    name=form.name.data,
                    kind=UnitKind(form.kind.data),
                    parent=parent,
                    valid_from=form.valid_from.data,
                    valid_to=form.valid_to.data,
                    actor=current_user,
                )
            if done.ok:
                flash("Đã lưu thông tin đơn vị.", "success")
                return redirect(url_for("admin.unit_detail", unit_id=unit_id))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/close", methods=["GET", "POST"])
@login_required
def unit_close(unit_id: int):
    require("admin.units")
    unit = found(db.session.get(Unit, unit_id))
    form = CloseUnitForm()
    if request.method == "GET":
        form.day.data = vietnamese.today()
    if form.validate_on_submit():
        with transaction(form.day) as done:
            unit_services.close_unit(unit, form.day.data, actor=current_user)
        if done.ok:
            flash(f"Đơn vị “{unit.name}” ngừng hoạt động sau ngày {form.day.data:%d/%m/%Y}.")
            return redirect(url_for("admin.unit_detail", unit_id=unit_id))
    return render_template("admin/unit_close.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/succession", methods=["GET", "POST"])
@login_required
def unit_succession(unit_id: int):
    require("admin.units")
    unit = found(db.session.get(Unit, unit_id))
    form = SuccessionForm()
    if request.method == "GET":
        form.predecessors.data = unit.code
        form.effective_on.data = date(2025, 7, 1) if unit.valid_to is None else None
    if form.validate_on_submit():
        pred_codes = split_codes(form.predecessors.data)
        succ_codes = split_codes(form.successors.data)
        by_code = queries.units_by_codes(pred_codes + succ_codes)
        for field, codes in ((form.predecessors, pred_codes), (form.successors, succ_codes)):
            missing = [c for c in codes if c not in by_code]
            if missing:
                field.errors.append("Không tìm thấy đơn vị có mã: " + ", ".join(missing) + ".")
        if not form.predecessors.errors and not form.successors.errors:
            with transaction(form.successors) as done:
                unit_services.record_succession(
                    [by_code[c] for c in pred_codes],
                    [by_code[c] for c in succ_codes],
                    SuccessionKind(form.kind.data),
                    form.effective_on.data,
                    note=form.note.data or "",
                    close_predecessors=form.close_predecessors.data,
                    actor=current_user,
                )
            if done.ok:
                flash("Đã ghi nhận quan hệ kế thừa giữa các đơn vị.", "success")
                return redirect(url_for("admin.unit_detail", unit_id=unit_id))
    return render_template("admin/unit_succession.html", form=form, unit=unit)


@bp.route("/units/import", methods=["GET", "POST"])
@login_required
def units_import():
    require("admin.units")
    form = ImportUnitsForm()
    result = None
    if form.validate_on_submit():
        data = form.file.data.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
        # A file with bad rows writes nothing: the page lists them.
        with transaction(form.file) as done:
            result = imports.import_units(data, actor=current_user)
        if done.ok and result.ok:
            flash(f"Đã nhập {result.created} đơn vị.", "success")
            return redirect(url_for("admin.units", status="all"))
    return render_template("admin/units_import.html", form=form, result=result)


@bp.route("/units/template.xlsx")
@login_required
def units_template():
    require("admin.units")
    return Response(
        imports.template_workbook(),
        mimetype=exports.XLSX_MIME,
        headers={"Content-Disposition": "attachment; filename=mau-nhap-don-vi.xlsx"},
    )
