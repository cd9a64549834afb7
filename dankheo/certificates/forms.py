"""Forms of the certificates area: decisions, revoke/correct, designs, overlay layout,
uploads and the public verification look-up."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from dankheo.certificates.decisions import SERIAL_RE
from dankheo.certificates.design import OVERLAY_FIELDS
from dankheo.forms import (
    CHOOSE,
    BaseForm,
    IntegerField,
    VersionedForm,
    coerce_id,
    coerce_id_or_zero,
    length,
    number_range,
    optional,
    required,
)
from dankheo.models.campaigns import ISSUER_PROFILE_LABELS, IssuerProfile, PaperSize
from dankheo.models.signers import AUTHORITY_LABELS, KeyKind, SecretSource, SignerAuthority
from dankheo.vietnamese import format_number, parse_decimal


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DecisionForm(VersionedForm):
    award_type_id = SelectField("Hình thức khen thưởng", coerce=coerce_id, validators=[required()])
    number = IntegerField(
        "Số quyết định",
        validators=[required("Vui lòng nhập số quyết định."), number_range(1, 999_999)],
        description="Chỉ nhập phần số; ký hiệu (QĐ-UBND, QĐ/BDVTU…) theo hình thức khen thưởng.",
    )
    signed_on = DateField("Ngày ký", validators=[required("Vui lòng nhập ngày ký.")])
    place = StringField("Địa danh", validators=[required(), length(120)], default="Tây Ninh")
    signer_id = SelectField(
        "Người ký",
        coerce=coerce_id_or_zero,
        default=0,
        description=(
            "Chọn người ký để quyết định và giấy khen được ký số bằng khóa của chính người "
            "đó (người ký hoặc văn phòng được ủy quyền xác nhận ký). “Không chọn”: quyết "
            "định đã ký trên giấy, chỉ ghi nhận chức vụ và họ tên dưới đây."
        ),
    )
    signer_authority = StringField(
        "Thẩm quyền ký",
        validators=[optional(), length(300)],
        description=(
            "Khi không chọn người ký. In trên một dòng riêng, trên chức vụ: Nhà nước TM. ỦY "
            "BAN NHÂN DÂN, KT. CHỦ TỊCH; Đảng T/M BAN THƯỜNG VỤ, K/T TRƯỞNG BAN. Để trống khi "
            "người đứng đầu ký."
        ),
    )
    signer_title = StringField(
        "Chức vụ người ký",
        validators=[optional(), length(300)],
        description="Khi không chọn người ký. Ví dụ: Chủ tịch; Trưởng ban.",
    )
    signer_name = StringField(
        "Họ tên người ký",
        validators=[optional(), length(200)],
        description="Khi không chọn người ký.",
    )
    proposer = StringField(
        "Xét đề nghị của",
        validators=[optional(), length(300)],
        description="Cơ quan, người đề nghị khen thưởng, ví dụ: Giám đốc Sở Nội vụ.",
    )
    legal_basis = TextAreaField(
        "Căn cứ",
        validators=[optional(), length(5000)],
        description="Mỗi căn cứ một dòng (mặc định theo cơ quan ban hành).",
        render_kw={"rows": 4},
    )
    recipients = TextAreaField(
        "Nơi nhận",
        validators=[optional(), length(2000)],
        description="Mỗi nơi nhận một dòng (mặc định theo cơ quan ban hành).",
        render_kw={"rows": 4},
    )
    nomination_ids = MultiCheckboxField(
        "Tập thể, cá nhân được khen",
        coerce=coerce_id,
        validators=[required("Vui lòng chọn ít nhất một hồ sơ đã được đề xuất khen.")],
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.signer_id.data:
            for field in (self.signer_title, self.signer_name):
                if not (field.data or "").strip():
                    field.errors = [*field.errors, "Vui lòng nhập trường này (hoặc chọn người ký)."]
                    ok = False
        return ok


class ReasonForm(BaseForm):
    reason = TextAreaField(
        "Lý do thu hồi",
        validators=[required("Vui lòng ghi rõ lý do thu hồi."), length(2000)],
    )
    decision_number = StringField(
        "Số quyết định thu hồi",
        validators=[required("Vui lòng nhập số quyết định thu hồi."), length(120)],
        description="Ví dụ: 45/QĐ-UBND hoặc 45-QĐ/BTGDVTU.",
    )
    decision_date = DateField(
        "Ngày quyết định thu hồi", validators=[required("Vui lòng nhập ngày quyết định.")]
    )


class CorrectionForm(BaseForm):
    recipient_name = StringField("Tên tập thể, cá nhân", validators=[required(), length(300)])
    recipient_line = StringField("Chức vụ, đơn vị", validators=[optional(), length(300)])
    reason = TextAreaField("Thành tích", validators=[required(), length(2000)])
    note = TextAreaField(
        "Lý do đính chính",
        validators=[required("Vui lòng ghi rõ lý do đính chính."), length(500)],
    )


class DesignForm(BaseForm):
    paper = SelectField(
        "Khổ giấy",
        choices=[
            SelectChoice(PaperSize.A3.value, "A3 ngang (420 × 297 mm)"),
            SelectChoice(PaperSize.A4.value, "A4 ngang"),
        ],
    )
    issuer_profile = SelectField(
        "Thể thức",
        choices=[SelectChoice(p.value, ISSUER_PROFILE_LABELS[p]) for p in IssuerProfile],
        description="Nhà nước: Quốc hiệu, tiêu ngữ. Đảng: “ĐẢNG CỘNG SẢN VIỆT NAM”.",
    )
    issuer_title = StringField(
        "Người/cơ quan tặng (in màu đỏ)",
        validators=[required(), length(300)],
        description="Ví dụ: Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh; Ban Dân vận Tỉnh ủy Tây Ninh.",
    )
    issuer_name = StringField("Cơ quan ban hành quyết định", validators=[optional(), length(300)])
    decision_suffix = StringField(
        "Ký hiệu quyết định",
        validators=[required(), length(40)],
        description=(
            "Nhà nước: QĐ-UBND (in “Số: 123/QĐ-UBND”). Đảng: QĐ/BDVTU (in “Số 123-QĐ/BDVTU”)."
        ),
    )


class ImageForm(BaseForm):
    image = FileField(
        "Tệp ảnh (PNG hoặc JPEG)", validators=[FileRequired("Vui lòng chọn tệp ảnh.")]
    )


class VietnameseDecimalField(DecimalField):
    """A millimetre value shown and typed the Vietnamese way ("210,0"); a point is
    accepted too ("210.0")."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_number(self.data, self.places or 0)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = parse_decimal(valuelist[0])
        if self.data is None and valuelist[0].strip():
            raise ValueError("Vui lòng nhập một số, ví dụ 210,5.")


def _overlay_form_class():
    attrs = {
        "offset_x": VietnameseDecimalField(
            "Dịch toàn bộ sang phải (mm)", places=1, validators=[number_range(-50, 50)], default=0
        ),
        "offset_y": VietnameseDecimalField(
            "Dịch toàn bộ xuống dưới (mm)", places=1, validators=[number_range(-50, 50)], default=0
        ),
    }
    for name, label in OVERLAY_FIELDS.items():
        for axis, axis_label in (("x", "ngang"), ("y", "dọc")):
            attrs[f"{name}_{axis}"] = VietnameseDecimalField(
                f"{label} – {axis_label} (mm)",
                places=1,
                validators=[required("Vui lòng nhập số mm."), number_range(0, 420)],
            )
    return type("OverlayForm", (BaseForm,), attrs)


OverlayForm = _overlay_form_class()


class LookupForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form

    serial = StringField(
        "Số hiệu", validators=[required("Vui lòng nhập số hiệu in trên giấy khen."), length(32)]
    )

    def validate_serial(self, field):
        if not SERIAL_RE.match((field.data or "").strip().upper()):
            raise ValidationError("Số hiệu có dạng DVK-2024-000123.")


class CheckFileForm(BaseForm):
    pdf = FileField("Tệp PDF cần kiểm tra", validators=[FileRequired("Vui lòng chọn tệp PDF.")])


class BatchPrintForm(BaseForm):
    mode = SelectField(
        "Cách in",
        choices=[
            SelectChoice("full", "Mẫu đầy đủ trên giấy trắng"),
            SelectChoice("overlay", "Chỉ in chữ lên phôi"),
        ],
    )
    certificate_ids = MultiCheckboxField("Chọn giấy khen cần in", coerce=coerce_id)


# --- issuers (cơ quan ban hành) -----------------------------------------------------


class IssuerForm(VersionedForm):
    unit_id = SelectField("Đơn vị quản lý", coerce=int)
    profile = SelectField(
        "Thể thức văn bản",
        choices=[SelectChoice(p.value, ISSUER_PROFILE_LABELS[p]) for p in IssuerProfile],
        description="Nhà nước: Nghị định 30/2020/NĐ-CP. Đảng: Hướng dẫn 36-HD/VPTW.",
    )
    parent_name = StringField(
        "Cơ quan cấp trên (dòng trên cùng bên trái)",
        validators=[optional(), length(200)],
        description="Ví dụ: TỈNH ỦY TÂY NINH. Để trống với Ủy ban nhân dân tỉnh.",
    )
    place = StringField(
        "Địa danh", validators=[required(), length(120)], description="Ví dụ: Tây Ninh."
    )
    legal_basis = TextAreaField(
        "Căn cứ pháp lý",
        validators=[optional(), length(5000)],
        description="Mỗi căn cứ một dòng, bắt đầu bằng “Căn cứ”. In nghiêng trước “Xét đề nghị”.",
    )
    proposer = StringField(
        "Cơ quan đề nghị (Xét đề nghị của …)",
        validators=[optional(), length(300)],
        description="Ví dụ: Giám đốc Sở Nội vụ; Trưởng Ban Thi đua - Khen thưởng tỉnh.",
    )
    recipients = TextAreaField(
        "Nơi nhận mặc định",
        validators=[optional(), length(2000)],
        description="Mỗi nơi nhận một dòng, ví dụ: Như Điều 3; Lưu: VT.",
    )
    signer_authority = StringField(
        "Thẩm quyền ký mặc định",
        validators=[optional(), length(200)],
        description="Nhà nước: TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH. Đảng: T/M BAN THƯỜNG VỤ, "
        "K/T TRƯỞNG BAN. Để trống khi người đứng đầu ký.",
    )
    signer_title = StringField(
        "Chức vụ người ký mặc định",
        validators=[optional(), length(200)],
        description="Ví dụ: PHÓ CHỦ TỊCH; TRƯỞNG BAN.",
    )
    signer_name = StringField("Họ tên người ký mặc định", validators=[optional(), length(200)])


class IssuerNameForm(BaseForm):
    valid_from = DateField("Dùng từ ngày", validators=[required("Vui lòng nhập ngày.")])
    name = StringField(
        "Tên cơ quan",
        validators=[required(), length(300)],
        description="Ví dụ: Ban Tuyên giáo và Dân vận Tỉnh ủy.",
    )
    header_name = TextAreaField(
        "Tên in ở tiêu đề (chữ in hoa)",
        validators=[required(), length(300)],
        description="Mỗi dòng một dòng in, ví dụ: ỦY BAN NHÂN DÂN / TỈNH TÂY NINH.",
        render_kw={"rows": 2},
    )
    code = StringField(
        "Ký hiệu cơ quan trong số văn bản",
        validators=[required(), length(40)],
        description="UBND → “Số: 12/QĐ-UBND”; BTGDVTU → “Số 12-QĐ/BTGDVTU”.",
    )
    certificate_line = StringField(
        "Dòng người tặng trên giấy khen (in màu đỏ)",
        validators=[required(), length(300)],
        description="Ví dụ: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH.",
    )
    authority_line = StringField(
        "Dòng thẩm quyền dưới tên quyết định",
        validators=[required(), length(300)],
        description="Ví dụ: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH; BAN THƯỜNG VỤ TỈNH ỦY.",
    )


class ChooseIssuerForm(BaseForm):
    issuer_id = SelectField("Cơ quan ban hành", coerce=int)


class ConfirmSignatureForm(VersionedForm):
    """The signer's confirmation (issue 15): their key's PIN when it is typed, and an
    explicit statement that they sign this decision."""

    secret = PasswordField(
        "Mật khẩu / mã PIN của khóa ký số",
        validators=[optional(), length(128)],
        description="Không được lưu lại: chỉ dùng để mở khóa ký số cho lần ký này.",
    )
    confirm = BooleanField(
        "Tôi đã xem dự thảo và xác nhận ký số quyết định này",
        validators=[required("Vui lòng đánh dấu xác nhận ký.")],
    )


class ReturnForm(BaseForm):
    note = TextAreaField(
        "Ý kiến trả lại",
        validators=[required("Vui lòng ghi rõ lý do trả lại dự thảo."), length(1000)],
    )


class ResumeSigningForm(BaseForm):
    secret = PasswordField("Mật khẩu / mã PIN của khóa ký số", validators=[optional(), length(128)])


class SignerForm(VersionedForm):
    """A person who signs, and where their key lives (issue 15; docs/security.md)."""

    full_name = StringField("Họ và tên", validators=[required(), length(200)])
    title = StringField(
        "Chức vụ",
        validators=[required(), length(300)],
        description="In dưới dòng thẩm quyền, ví dụ: Chủ tịch; Phó Chủ tịch; Trưởng ban.",
    )
    unit_id = SelectField("Cơ quan ký", coerce=coerce_id, validators=[required(CHOOSE)])
    authority = SelectField(
        "Thẩm quyền ký",
        choices=[SelectChoice(a.value, AUTHORITY_LABELS[a]) for a in SignerAuthority],
    )
    authority_of = StringField(
        "Thẩm quyền của",
        validators=[optional(), length(300)],
        description=(
            "Phần sau TM./KT./TL./TUQ., ví dụ “Chủ tịch” (in “KT. CHỦ TỊCH”) hoặc “Ủy ban "
            "nhân dân” (in “TM. ỦY BAN NHÂN DÂN”). Bỏ trống khi người đứng đầu ký."
        ),
    )
    username = StringField(
        "Tài khoản của người ký",
        validators=[optional(), length(64)],
        description="Tên đăng nhập của chính người ký, nếu họ dùng hệ thống để xác nhận ký.",
    )
    key_kind = SelectField(
        "Loại khóa ký số",
        choices=[
            SelectChoice(KeyKind.PKCS11.value, "Thiết bị ký số: USB token hoặc HSM (PKCS#11)"),
            SelectChoice(KeyKind.PKCS12.value, "Tệp khóa PKCS#12 (.p12, .pfx)"),
        ],
    )
    key_upload = FileField(
        "Tệp khóa PKCS#12",
        description="Chỉ với loại tệp khóa. Khi sửa, bỏ trống để giữ tệp đang dùng.",
    )
    pkcs11_module = SelectField("Thư viện PKCS#11 (khai báo trong cấu hình máy chủ)", default="")
    token_label = StringField("Nhãn thiết bị (token label)", validators=[optional(), length(64)])
    key_label = StringField(
        "Nhãn khóa và chứng thư trên thiết bị", validators=[optional(), length(64)]
    )
    secret_source = SelectField(
        "Mật khẩu / mã PIN",
        choices=[
            SelectChoice(SecretSource.PROMPT.value, "Người ký nhập mỗi lần xác nhận ký"),
            SelectChoice(SecretSource.CONFIG.value, "Lấy từ cấu hình máy chủ (SIGNING_SECRETS)"),
        ],
    )
    secret_ref = StringField("Tên mục trong SIGNING_SECRETS", validators=[optional(), length(64)])
    secret = PasswordField(
        "Mật khẩu / mã PIN để kiểm tra khóa",
        validators=[optional(), length(128)],
        description="Chỉ dùng để mở thử khóa lúc lưu; không được lưu lại.",
    )
    active = BooleanField("Đang sử dụng", default=True)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.key_kind.data == KeyKind.PKCS11:
            for field in (self.pkcs11_module, self.key_label):
                if not (field.data or "").strip():
                    field.errors = [*field.errors, "Vui lòng nhập trường này cho thiết bị ký số."]
                    ok = False
        if self.secret_source.data == SecretSource.CONFIG and not self.secret_ref.data:
            self.secret_ref.errors = [*self.secret_ref.errors, "Vui lòng nhập tên mục cấu hình."]
            ok = False
        if self.authority.data != SignerAuthority.HEAD and not self.authority_of.data:
            self.authority_of.errors = [
                *self.authority_of.errors,
                "Vui lòng nhập phần sau TM./KT./TL./TUQ. (ví dụ: Chủ tịch).",
            ]
            ok = False
        return ok


class DelegationForm(BaseForm):
    username = StringField(
        "Tài khoản được ủy quyền xác nhận ký",
        validators=[required(), length(64)],
        description="Tên đăng nhập của cán bộ văn phòng (văn thư) được ủy quyền.",
    )
    reference = StringField(
        "Văn bản ủy quyền",
        validators=[required("Vui lòng ghi số, ngày văn bản ủy quyền."), length(300)],
        description="Ví dụ: Giấy ủy quyền số 12/GUQ-UBND ngày 02/01/2025.",
    )
    valid_from = DateField("Hiệu lực từ ngày", validators=[required()])
    valid_to = DateField("Đến ngày", validators=[optional()])

    def validate_valid_to(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")
