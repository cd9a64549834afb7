"""Admin routes of accounts: the user list (and its export), creating and editing users,
resetting passwords, and granting or removing roles (memberships)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from dankheo import exports
from dankheo.admin import queries
from dankheo.admin.forms import EditUserForm, MembershipForm, NewUserForm, ResetPasswordForm
from dankheo.admin.views.blueprint import bp, page
from dankheo.auth import services as account_services
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models.accounts import Membership, Role, User
from dankheo.web.access import found, require
from dankheo.web.transaction import FLASH, transaction


@bp.route("/users")
@login_required
def users():
    require("admin.users")
    q = request.args.get("q", "").strip()[:100]
    active = request.args.get("active", "all")
    pagination = db.paginate(
        queries.users_select(q, active),
        page=page(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template("admin/users.html", pagination=pagination, q=q, active=active)


USER_EXPORT_HEADERS = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Trạng thái")


@bp.route("/users/export.<any(xlsx, csv):fmt>")
@login_required
def users_export(fmt: str):
    require("admin.users")
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
    require("admin.users")
    form = NewUserForm()
    if form.validate_on_submit():
        unit = None
        if form.role.data:
            unit = queries.unit_by_code(form.unit_code.data)
            if unit is None:
                form.unit_code.errors.append(
                    f"Không tìm thấy đơn vị có mã “{form.unit_code.data.upper()}”."
                )
        if not form.unit_code.errors:
            with transaction(form.username) as done:
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
            if done.ok:
                flash(f"Đã tạo tài khoản “{user.username}”.", "success")
                return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    require("admin.users")
    user = found(queries.user_detail(user_id))
    form = EditUserForm(obj=user, prefix="profile")
    if form.validate_on_submit():
        with transaction(form.active) as done:
            account_services.update_user(
                user,
                full_name=form.full_name.data,
                email=form.email.data or "",
                active=form.active.data,
                actor=current_user,
            )
        if done.ok:
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
    require("admin.users")
    user = found(queries.user_detail(user_id))
    form = ResetPasswordForm(prefix="pw")
    form.account = user
    if not form.validate_on_submit():
        return _user_page(user, password_form=form, status=400)
    with transaction(form.password) as done:
        account_services.reset_password(user, form.password.data, actor=current_user)
    if not done.ok:
        return _user_page(user, password_form=form, status=400)
    flash(f"Đã đặt lại mật khẩu cho “{user.username}”.", "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@bp.route("/users/<int:user_id>/memberships", methods=["POST"])
@login_required
def membership_add(user_id: int):
    require("admin.users")
    user = found(queries.user_detail(user_id))
    form = MembershipForm(prefix="ms")
    if form.validate_on_submit():
        unit = queries.unit_by_code(form.unit_code.data)
        if unit is None:
            form.unit_code.errors.append(
                f"Không tìm thấy đơn vị có mã “{form.unit_code.data.upper()}”."
            )
        else:
            with transaction(form.role) as done:
                account_services.add_membership(user, unit, form.role_value(), actor=current_user)
            if done.ok:
                flash("Đã gán vai trò.", "success")
                return redirect(url_for("admin.user_edit", user_id=user_id))
    user = queries.user_detail(user_id)
    return _user_page(user, membership_form=form, status=400)


@bp.route("/users/<int:user_id>/memberships/<int:membership_id>/remove", methods=["POST"])
@login_required
def membership_remove(user_id: int, membership_id: int):
    require("admin.users")
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != user_id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with transaction(FLASH) as done:
        account_services.remove_membership(membership, actor=current_user)
    if done.ok:
        flash("Đã bỏ vai trò.", "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))
