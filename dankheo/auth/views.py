"""Sign in, sign out, change password."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from dankheo.auth import services
from dankheo.auth.forms import ChangePasswordForm, LoginForm
from dankheo.forms import EmptyForm
from dankheo.web.transaction import transaction

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str | None:
    """Only local paths: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        with transaction():  # a refused attempt is kept too: it is what throttling counts
            attempt = services.attempt_sign_in(
                form.username.data, form.password.data, request.remote_addr or ""
            )
        if attempt.refusal is None:
            login_user(attempt.user, remember=form.remember.data)
            flash("Đăng nhập thành công.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        form.password.errors.append(attempt.refusal.message)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with transaction(form.current) as done:
            services.change_password(current_user, form.current.data, form.new.data)
        if done.ok:
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
