"""Sign in, sign out (here or everywhere), change password."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from dankheo.auth import services, sessions
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
    """Signing out ends every session of the user, remember-me cookies included."""
    form = EmptyForm()
    if form.validate_on_submit():
        with transaction():
            services.sign_out(current_user)
        logout_user()
        flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    form = EmptyForm()
    if form.validate_on_submit():
        with transaction():
            services.sign_out_everywhere(current_user, actor=current_user)
        logout_user()
        flash("Đã đăng xuất tài khoản của bạn trên mọi thiết bị.", "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.change_password"))


def _has_remember_cookie() -> bool:
    name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return name in request.cookies


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        with transaction(form.current) as done:
            services.change_password(user, form.current.data, form.new.data)
        if done.ok:
            # Every session ended with the old token; this one goes on with the new.
            sessions.start_session(user)
            login_user(user, remember=_has_remember_cookie())
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form, sign_out_form=EmptyForm())
