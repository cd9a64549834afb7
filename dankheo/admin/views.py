"""Routes of the admin blueprint: units, successions, unit import, users, memberships,
and the audit trail (read-only)."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from dankheo import exports, permissions
from dankheo.admin import audit_log, imports, queries
from dankheo.admin import units as unit_services
from dankheo.admin.forms import (
    AuditFilterForm,
    CloseUnitForm,
    EditUserForm,
    ImportUnitsForm,
    MembershipForm,
    NewUserForm,
    ResetPasswordForm,
    SuccessionForm,
    UnitForm,
    split_codes,
)
from dankheo.auth import services as account_services
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models.accounts import Membership, Role, User
from dankheo.models.base import utcnow
from dankheo.models.units import SuccessionKind, Unit, UnitKind

bp = Blueprint("admin", __name__, url_prefix="/admin")

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(action: str, obj=None) -> None:
    if not permissions.can(current_user, action, obj):
        abort(403)


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.route("/")
@login_required
def index():
    if not (
        permissions.can(current_user, "admin.units")
        or permissions.can(current_user, "admin.users")
        or permissions.can(current_user, "audit.view")
    ):
        abort(403)
    return render_template("admin/index.html")


# --- units ----------------------------------------------------------------------------


@bp.route("/units")
@login_required
def units():
    _require("admin.units")
    q, status, root, stmt = _units_list_select()
    pagination = db.paginate(
        stmt,
        page=_page(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "admin/units.html",
        pagination=pagination,
        q=q,
        status=status,
        root=root,
        today=utcnow().date(),
    )


def _units_list_select():
    """The unit list's filters from the query string (the page and its export)."""
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "open")
    if status not in queries.UNIT_STATUSES:
        status = "open"
    root = None
    if request.args.get("root"):
        root = db.session.get(Unit, request.args.get("root", type=int) or 0)
    return q, status, root, queries.unit_tree_select(q, status, root)


UNIT_EXPORT_HEADERS = ("Tên đơn vị", "Mã", "Loại", "Thuộc", "Hiệu lực từ", "Hiệu lực đến")


@bp.route("/units/export.<any(xlsx, csv):fmt>")
@login_required
def units_export(fmt: str):
    _require("admin.units")
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
    _require("admin.units")
    unit = queries.unit_detail(unit_id) or abort(404)
    became, came_from = queries.successions_of(unit)
    return render_template(
        "admin/unit_detail.html",
        unit=unit,
        ancestors=queries.ancestors_of(unit),
        children=queries.children_of(unit),
        became=became,
        came_from=came_from,
        memberships=queries.memberships_at(unit),
        today=utcnow().date(),
    )


def _parent_from(form: UnitForm) -> Unit | None:
    """The parent named by code, or None; adds a field error when the code is unknown."""
    code = (form.parent_code.data or "").strip().upper()
    if not code:
        return None
    parent = queries.unit_by_code(code)
    if parent is None:
        form.parent_code.errors.append(f"Không tìm thấy đơn vị có mã «{code}».")
    return parent


@bp.route("/units/new", methods=["GET", "POST"])
@login_required
def unit_new():
    _require("admin.units")
    form = UnitForm()
    if request.method == "GET" and request.args.get("parent"):
        form.parent_code.data = request.args["parent"][:40]
    if form.validate_on_submit():
        parent = _parent_from(form)
        if not form.parent_code.errors:
            try:
                unit = unit_services.create_unit(
                    code=form.code.data,
                    name=form.name.data,
                    kind=UnitKind(form.kind.data),
                    parent=parent,
                    valid_from=form.valid_from.data,
                    valid_to=form.valid_to.data,
                    actor=current_user,
                )
            except DomainError as err:
                db.session.rollback()
                form.code.errors.append(err.message)
            else:
                db.session.commit()
                flash(f"Đã tạo đơn vị «{unit.name}».", "success")
                return redirect(url_for("admin.unit_detail", unit_id=unit.id))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@login_required
def unit_edit(unit_id: int):
    _require("admin.units")
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = UnitForm(obj=unit)
    if request.method == "GET":
        form.kind.data = unit.kind.value
        form.parent_code.data = unit.parent.code if unit.parent else ""
    if form.validate_on_submit():
        parent = _parent_from(form)
        if not form.parent_code.errors:
            try:
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
            except DomainError as err:
                db.session.rollback()
                target = form.parent_code if err.code == "unit.parent_cycle" else form.code
                target.errors.append(err.message)
            else:
                db.session.commit()
                flash("Đã lưu thông tin đơn vị.", "success")
                return redirect(url_for("admin.unit_detail", unit_id=unit_id))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/close", methods=["GET", "POST"])
@login_required
def unit_close(unit_id: int):
    _require("admin.units")
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = CloseUnitForm()
    if request.method == "GET":
        form.day.data = utcnow().date()
    if form.validate_on_submit():
        try:
            unit_services.close_unit(unit, form.day.data, actor=current_user)
        except DomainError as err:
            db.session.rollback()
            form.day.errors.append(err.message)
        else:
            db.session.commit()
            flash(f"Đơn vị «{unit.name}» ngừng hoạt động sau ngày {form.day.data:%d/%m/%Y}.")
            return redirect(url_for("admin.unit_detail", unit_id=unit_id))
    return render_template("admin/unit_close.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/succession", methods=["GET", "POST"])
@login_required
def unit_succession(unit_id: int):
    _require("admin.units")
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = SuccessionForm()
    if request.method == "GET":
        form.predecessors.data = unit.code
        form.effective_on.data = date(2025, 7, 1) if unit.valid_to is None else None
    if form.validate_on_submit():
        pred_codes = split_codes(form.predecessors.data)
        succ_codes = split_codes(form.successors.data)
        found = queries.units_by_codes(pred_codes + succ_codes)
        for field, codes in ((form.predecessors, pred_codes), (form.successors, succ_codes)):
            missing = [c for c in codes if c not in found]
            if missing:
                field.errors.append("Không tìm thấy đơn vị có mã: " + ", ".join(missing) + ".")
        if not form.predecessors.errors and not form.successors.errors:
            try:
                unit_services.record_succession(
                    [found[c] for c in pred_codes],
                    [found[c] for c in succ_codes],
                    SuccessionKind(form.kind.data),
                    form.effective_on.data,
                    note=form.note.data or "",
                    close_predecessors=form.close_predecessors.data,
                    actor=current_user,
                )
            except DomainError as err:
                db.session.rollback()
                form.successors.errors.append(err.message)
            else:
                db.session.commit()
                flash("Đã ghi nhận quan hệ kế thừa giữa các đơn vị.", "success")
                return redirect(url_for("admin.unit_detail", unit_id=unit_id))
    return render_template("admin/unit_succession.html", form=form, unit=unit)


@bp.route("/units/import", methods=["GET", "POST"])
@login_required
def units_import():
    _require("admin.units")
    form = ImportUnitsForm()
    result = None
    if form.validate_on_submit():
        data = form.file.data.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
        try:
            result = imports.import_units(data, actor=current_user)
        except DomainError as err:
            db.session.rollback()
            form.file.errors.append(err.message)
        else:
            if result.ok:
                db.session.commit()
                flash(f"Đã nhập {result.created} đơn vị.", "success")
                return redirect(url_for("admin.units", status="all"))
            db.session.rollback()
    return render_template("admin/units_import.html", form=form, result=result)


@bp.route("/units/template.xlsx")
@login_required
def units_template():
    _require("admin.units")
    return Response(
        imports.template_workbook(),
        mimetype=XLSX_MIME,
        headers={"Content-Disposition": "attachment; filename=mau-nhap-don-vi.xlsx"},
    )


# --- users ----------------------------------------------------------------------------


@bp.route("/users")
@login_required
def users():
    _require("admin.users")
    q = request.args.get("q", "").strip()[:100]
    active = request.args.get("active", "all")
    pagination = db.paginate(
        queries.users_select(q, active),
        page=_page(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template("admin/users.html", pagination=pagination, q=q, active=active)


USER_EXPORT_HEADERS = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Trạng thái")


@bp.route("/users/export.<any(xlsx, csv):fmt>")
@login_required
def users_export(fmt: str):
    _require("admin.users")
    q = request.args.get("q", "").strip()[:100]
    active = request.args.get("active", "all")
    stmt = queries.users_select(q, active).options(
        selectinload(User.memberships).joinedload(Membership.unit)
    )
    items, truncated = exports.fetch(stmt)
    rows = [
        [
            u.username,
            u.full_name,
            "; ".join(f"{m.role_label} – {m.unit.name}" for m in u.memberships) or "Chưa gán",
            "Hoạt động" if u.active else "Bị khóa",
        ]
        for u in items
    ]
    return exports.list_export(
        fmt,
        title="Người dùng",
        filename="nguoi-dung",
        headers=USER_EXPORT_HEADERS,
        rows=rows,
        truncated=truncated,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    _require("admin.users")
    form = NewUserForm()
    if form.validate_on_submit():
        unit = None
        if form.role.data:
            unit = queries.unit_by_code(form.unit_code.data)
            if unit is None:
                form.unit_code.errors.append(
                    f"Không tìm thấy đơn vị có mã «{form.unit_code.data.upper()}»."
                )
        if not form.unit_code.errors:
            try:
                user = account_services.create_user(
                    form.username.data,
                    form.full_name.data,
                    form.password.data,
                    email=form.email.data or "",
                    actor=current_user,
                )
                if unit is not None:
                    account_services.add_membership(
                        user, unit, Role(form.role.data), actor=current_user
                    )
            except DomainError as err:
                db.session.rollback()
                form.username.errors.append(err.message)
            else:
                db.session.commit()
                flash(f"Đã tạo tài khoản «{user.username}».", "success")
                return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    _require("admin.users")
    user = queries.user_detail(user_id) or abort(404)
    form = EditUserForm(obj=user, prefix="profile")
    if form.validate_on_submit():
        try:
            account_services.update_user(
                user,
                full_name=form.full_name.data,
                email=form.email.data or "",
                active=form.active.data,
                actor=current_user,
            )
        except DomainError as err:
            db.session.rollback()
            form.active.errors.append(err.message)
        else:
            db.session.commit()
            flash("Đã lưu tài khoản.", "success")
            return redirect(url_for("admin.user_edit", user_id=user_id))
    return _user_page(user, profile_form=form)


def _user_page(user, *, profile_form=None, password_form=None, membership_form=None, status=200):
    return (
        render_template(
            "admin/user_edit.html",
            user=user,
            form=profile_form or EditUserForm(obj=user, prefix="profile", formdata=None),
            password_form=password_form or ResetPasswordForm(prefix="pw", formdata=None),
            membership_form=membership_form or MembershipForm(prefix="ms", formdata=None),
        ),
        status,
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@login_required
def user_reset_password(user_id: int):
    _require("admin.users")
    user = queries.user_detail(user_id) or abort(404)
    form = ResetPasswordForm(prefix="pw")
    if not form.validate_on_submit():
        return _user_page(user, password_form=form, status=400)
    account_services.reset_password(user, form.password.data, actor=current_user)
    db.session.commit()
    flash(f"Đã đặt lại mật khẩu cho «{user.username}».", "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@bp.route("/users/<int:user_id>/memberships", methods=["POST"])
@login_required
def membership_add(user_id: int):
    _require("admin.users")
    user = queries.user_detail(user_id) or abort(404)
    form = MembershipForm(prefix="ms")
    if form.validate_on_submit():
        unit = queries.unit_by_code(form.unit_code.data)
        if unit is None:
            form.unit_code.errors.append(
                f"Không tìm thấy đơn vị có mã «{form.unit_code.data.upper()}»."
            )
        else:
            try:
                account_services.add_membership(user, unit, form.role_value(), actor=current_user)
            except DomainError as err:
                db.session.rollback()
                form.role.errors.append(err.message)
            else:
                db.session.commit()
                flash("Đã gán vai trò.", "success")
                return redirect(url_for("admin.user_edit", user_id=user_id))
    user = queries.user_detail(user_id)
    return _user_page(user, membership_form=form, status=400)


@bp.route("/users/<int:user_id>/memberships/<int:membership_id>/remove", methods=["POST"])
@login_required
def membership_remove(user_id: int, membership_id: int):
    _require("admin.users")
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != user_id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        account_services.remove_membership(membership, actor=current_user)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash("Đã bỏ vai trò.", "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


# --- audit ----------------------------------------------------------------------------


def _audit_query():
    """The filter form (from the query string) and the matching SELECT, or errors."""
    form = AuditFilterForm(request.args)
    form.object_type.choices = [SelectChoice("", "Tất cả")] + [
        SelectChoice(code, audit_log.object_label(code)) for code in queries.audit_object_types()
    ]
    flt = queries.AuditFilter()
    if form.validate():
        flt.person = form.person.data or ""
        flt.object_type = form.object_type.data or ""
        flt.object_id = int(form.object_id.data) if form.object_id.data else None
        flt.date_from, flt.date_to = form.date_from.data, form.date_to.data
        if form.unit_code.data:
            flt.unit = queries.unit_by_code(form.unit_code.data)
            if flt.unit is None:
                form.unit_code.errors.append(
                    f"Không tìm thấy đơn vị có mã «{form.unit_code.data.upper()}»."
                )
    scope = permissions.scope_paths(current_user, "audit.view")
    if form.errors or any(f.errors for f in form):
        return form, None
    return form, queries.audit_select(flt, scope)


@bp.route("/audit")
@login_required
def audit():
    _require("audit.view")
    form, stmt = _audit_query()
    pagination = None
    units = {}
    if stmt is not None:
        pagination = db.paginate(
            stmt, page=_page(), per_page=current_app.config["PER_PAGE"], error_out=False
        )
        units = queries.units_by_ids({e.unit_id for e in pagination.items})
    return render_template(
        "admin/audit.html",
        form=form,
        pagination=pagination,
        units=units,
        labels=audit_log,
    )


@bp.route("/audit/export.<any(xlsx, csv):fmt>")
@login_required
def audit_export(fmt: str):
    _require("audit.view")
    _form, stmt = _audit_query()
    if stmt is None:
        flash("Bộ lọc không hợp lệ; vui lòng sửa rồi xuất lại.", "warning")
        return redirect(url_for("admin.audit", **request.args))
    events, truncated = exports.fetch(stmt)
    names = {i: u.name for i, u in queries.units_by_ids({e.unit_id for e in events}).items()}
    rows = (audit_log.export_row(e, names) for e in events)
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        # Streamed: the audit is the longest list of the application.
        note = exports.truncation_note(exports.MAX_ROWS) if truncated else None
        response = Response(
            stream_with_context(exports.csv_chunks(audit_log.HEADERS, rows, note)),
            mimetype=exports.CSV_MIME,
            headers={"Content-Disposition": f"attachment; filename=nhat-ky-{stamp}.csv"},
        )
        if truncated:
            response.headers["X-Export-Truncated"] = str(exports.MAX_ROWS)
        return response
    return exports.list_export(
        fmt,
        title="Nhật ký",
        filename=f"nhat-ky-{stamp}",
        headers=audit_log.HEADERS,
        rows=rows,
        truncated=truncated,
    )
