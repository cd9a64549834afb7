"""Sign-in and password forms, and the password-policy validator other forms reuse."""

from flask_login import current_user
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import EqualTo, ValidationError

from dankheo.auth import passwords
from dankheo.errors import DomainError
from dankheo.forms import BaseForm, length, required

POLICY_HELP = (
    f"Tối thiểu {passwords.MIN_LENGTH} ký tự; không chứa tên đăng nhập hay họ tên; không "
    "dùng mật khẩu phổ biến. Nên dùng một cụm nhiều từ, ví dụ “hoa-sen-no-ben-song-vam-co”."
)


class PasswordPolicy:
    """Validator: the password policy (auth.passwords.check), with the account's words
    taken from the form's ``username``/``full_name`` fields or from ``account(form)``."""

    def __init__(self, account=None):
        self.account = account

    def __call__(self, form, field):
        if field.errors:  # too short already said: one message is enough
            return
        if self.account is not None:
            user = self.account(form)
            username, full_name = getattr(user, "username", ""), getattr(user, "full_name", "")
        else:
            username = form.username.data if "username" in form else ""
            full_name = form.full_name.data if "full_name" in form else ""
        try:
            passwords.check(field.data or "", username=username or "", full_name=full_name or "")
        except DomainError as err:
            raise ValidationError(err.message) from None


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
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này (tối đa 14 ngày)")


class ChangePasswordForm(BaseForm):
    current = PasswordField(
        "Mật khẩu hiện tại",
        validators=[required(), length(200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        "Mật khẩu mới",
        validators=[
            required(),
            length(200, passwords.MIN_LENGTH),
            PasswordPolicy(account=lambda form: current_user),
        ],
        description=POLICY_HELP + " Các phiên đăng nhập khác của bạn sẽ kết thúc.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[required(), EqualTo("new", message="Mật khẩu nhập lại không khớp.")],
        render_kw={"autocomplete": "new-password"},
    )
