"""Sign-in and password forms."""

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import EqualTo

from dankheo.forms import BaseForm, length, required


class LoginForm(BaseForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[required(), length(64)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Mật khẩu",
        validators=[required(), length(200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class ChangePasswordForm(BaseForm):
    current = PasswordField(
        "Mật khẩu hiện tại",
        validators=[required(), length(200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        "Mật khẩu mới",
        validators=[required(), length(200, 10)],
        description="Tối thiểu 10 ký tự.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[required(), EqualTo("new", message="Mật khẩu nhập lại không khớp.")],
        render_kw={"autocomplete": "new-password"},
    )
