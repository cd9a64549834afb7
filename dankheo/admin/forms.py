"""Forms of the admin pages: units, successions, import, users, memberships, audit filter."""

import re

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, ValidationError

from dankheo.auth.forms import POLICY_HELP, PasswordPolicy
from dankheo.forms import CHOOSE, BaseForm, length, optional, required
from dankheo.models.accounts import ROLE_LABELS, Role
from dankheo.models.units import SUCCESSION_KIND_LABELS, UNIT_KIND_LABELS
from dankheo.web.params import parse_int

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CODE_HELP = "Chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới; tối đa 40 ký tự."
DATE_MESSAGE = "Ngày không hợp lệ (dd/mm/yyyy)."
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _unit_code(form, field) -> None:
    if field.data and not CODE_RE.match(field.data):
        raise ValidationError("Mã đơn vị chỉ gồm chữ cái không dấu, chữ số và . _ -")


def _codes_list(form, field) -> None:
    for code in split_codes(field.data):
        if not CODE_RE.match(code):
            raise ValidationError(f"Mã đơn vị “{code}” không hợp lệ.")


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def split_codes(text: str | None) -> list[str]:
    """Codes separated by commas, semicolons, spaces or new lines, upper-cased, unique."""
    seen: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        code = part.strip().upper()
        if code and code not in seen:
            seen.append(code)
    return seen


class DateField_(DateField):
    """A date field with the Vietnamese parse message; ISO or dd/mm/yyyy."""

    def __init__(self, label=None, validators=None, **kw):
        kw.setdefault("format", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(label, validators, **kw)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as err:
            raise ValueError(DATE_MESSAGE) from err


def _digits(form, field) -> None:
    if field.data and parse_int(field.data, lo=0) is None:
        raise ValidationError("Vui lòng nhập một số nguyên dương.")


def _date_field(label: str, **kw) -> DateField_:
    return DateField_(label, validators=[optional()], **kw)


class UnitForm(BaseForm):
    code = StringField(
        "Mã đơn vị", validators=[required(), length(40), _unit_code], description=CODE_HELP
    )
    name = StringField("Tên đơn vị", validators=[required(), length(200)])
    kind = SelectField(
        "Loại đơn vị",
        choices=_choices(
            [("", "— Chọn loại —"), *[(k.value, v) for k, v in UNIT_KIND_LABELS.items()]]
        ),
        validators=[required(CHOOSE)],
    )
    parent_code = StringField(
        "Mã đơn vị cấp trên",
        validators=[length(40), _unit_code],
        description="Để trống nếu là đơn vị gốc (cấp tỉnh).",
    )
    valid_from = _date_field("Hiệu lực từ ngày")
    valid_to = _date_field("Hiệu lực đến ngày", description="Để trống nếu đang hoạt động.")

    def validate_valid_to(self, field) -> None:
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu hiệu lực.")


class CloseUnitForm(BaseForm):
    day = DateField_(
        "Ngừng hoạt động từ sau ngày",
        validators=[required("Vui lòng nhập ngày.")],
        description="Ngày cuối cùng đơn vị còn hiệu lực.",
    )


class SuccessionForm(BaseForm):
    kind = RadioField(
        "Hình thức",
        choices=_choices((k.value, v) for k, v in SUCCESSION_KIND_LABELS.items()),
        validators=[required(CHOOSE)],
        default="merge",
    )
    predecessors = TextAreaField(
        "Mã các đơn vị tiền thân",
        validators=[required(), length(4000), _codes_list],
        description="Một hoặc nhiều mã, cách nhau bởi dấu phẩy hoặc xuống dòng.",
        render_kw={"rows": 3},
    )
    successors = TextAreaField(
        "Mã các đơn vị kế thừa",
        validators=[required(), length(4000), _codes_list],
        description="Một hoặc nhiều mã, cách nhau bởi dấu phẩy hoặc xuống dòng.",
        render_kw={"rows": 3},
    )
    effective_on = DateField_("Có hiệu lực từ ngày", validators=[required("Vui lòng nhập ngày.")])
    note = StringField("Căn cứ, ghi chú", validators=[length(500)])
    close_predecessors = BooleanField(
        "Ngừng hoạt động các đơn vị tiền thân từ ngày trước đó", default=True
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            return False
        preds, succs = split_codes(self.predecessors.data), split_codes(self.successors.data)
        if set(preds) & set(succs):
            self.successors.errors.append("Một đơn vị không thể vừa là tiền thân vừa là kế thừa.")
            return False
        kind = self.kind.data
        if kind == "merge" and len(succs) != 1:
            self.successors.errors.append("Sáp nhập phải có đúng một đơn vị kế thừa.")
            return False
        if kind == "split" and len(preds) != 1:
            self.predecessors.errors.append("Chia tách phải có đúng một đơn vị tiền thân.")
            return False
        if kind == "rename" and (len(preds) != 1 or len(succs) != 1):
            self.successors.errors.append(
                "Đổi tên gồm đúng một đơn vị tiền thân và một đơn vị kế thừa."
            )
            return False
        return True


class ImportUnitsForm(BaseForm):
    file = FileField(
        "Tệp danh sách đơn vị (XLSX hoặc CSV)",
        validators=[FileRequired("Vui lòng chọn tệp.")],
        description="Dùng tệp mẫu; CSV mã hóa UTF-8. Mọi dòng phải hợp lệ thì mới nhập.",
        render_kw={"accept": ".xlsx,.csv"},
    )


# --- users ----------------------------------------------------------------------------


def _username(form, field) -> None:
    if field.data and not USERNAME_RE.match(field.data.lower()):
        raise ValidationError(
            "Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và . _ - (bắt đầu bằng chữ hoặc số)."
        )


def _email(form, field) -> None:
    if field.data and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", field.data):
        raise ValidationError("Địa chỉ thư điện tử không hợp lệ.")


def _full_name_field() -> StringField:
    return StringField("Họ và tên", validators=[required(), length(200)])


def _email_field() -> StringField:
    return StringField("Thư điện tử", validators=[length(200), _email])


class NewUserForm(BaseForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[required(), length(64, 3), _username],
        render_kw={"autocomplete": "off"},
    )
    full_name = _full_name_field()
    email = _email_field()
    password = PasswordField(
        "Mật khẩu ban đầu",
        validators=[required(), length(200, 10), PasswordPolicy()],
        description=POLICY_HELP,
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(
        "Vai trò",
        choices=_choices([("", "— Chưa gán —"), *[(r.value, v) for r, v in ROLE_LABELS.items()]]),
    )
    unit_code = StringField(
        "Mã đơn vị của vai trò",
        validators=[length(40), _unit_code],
        description="Bắt buộc khi chọn vai trò.",
    )

    def validate_unit_code(self, field) -> None:
        if self.role.data and not field.data:
            raise ValidationError("Vui lòng nhập mã đơn vị cho vai trò đã chọn.")


class EditUserForm(BaseForm):
    full_name = _full_name_field()
    email = _email_field()
    active = BooleanField("Đang hoạt động (cho phép đăng nhập)")


class ResetPasswordForm(BaseForm):
    password = PasswordField(
        "Mật khẩu mới",
        # The view sets ``account`` to the user whose password is reset.
        validators=[
            required(),
            length(200, 10),
            PasswordPolicy(account=lambda form: getattr(form, "account", None)),
        ],
        description=POLICY_HELP + " Mọi phiên đăng nhập của người dùng sẽ kết thúc.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[required(), EqualTo("password", message="Mật khẩu nhập lại không khớp.")],
        render_kw={"autocomplete": "new-password"},
    )


class MembershipForm(BaseForm):
    role = SelectField(
        "Vai trò",
        choices=_choices(
            [("", "— Chọn vai trò —"), *[(r.value, v) for r, v in ROLE_LABELS.items()]]
        ),
        validators=[required(CHOOSE)],
    )
    unit_code = StringField(
        "Mã đơn vị", validators=[required(), length(40), _unit_code], description=CODE_HELP
    )

    def role_value(self) -> Role:
        return Role(self.role.data)


# --- audit ----------------------------------------------------------------------------


class AuditFilterForm(BaseForm):
    """Read by GET: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    person = StringField("Người thực hiện", validators=[length(100)])
    unit_code = StringField("Mã đơn vị (gồm cấp dưới)", validators=[length(40), _unit_code])
    object_type = SelectField(
        "Loại hồ sơ", choices=_choices([("", "Tất cả")]), validate_choice=False
    )
    object_id = StringField(
        "Mã số hồ sơ",
        validators=[length(9), _digits],
        render_kw={"inputmode": "numeric"},
    )
    date_from = _date_field("Từ ngày")
    date_to = _date_field("Đến ngày")

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("“Đến ngày” phải sau hoặc bằng “Từ ngày”.")
