"""Forms of the certificates area: decisions, revoke/correct, designs, overlay layout,
uploads and the public verification look-up."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
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
from dankheo.forms import BaseForm, VersionedForm, length, number_range, optional, required
from dankheo.models.campaigns import ISSUER_PROFILE_LABELS, IssuerProfile, PaperSize
from dankheo.vietnamese import format_number, parse_decimal


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DecisionForm(VersionedForm):
    award_type_id = SelectField("Hình thức khen thưởng", coerce=int, validators=[required()])
    number = IntegerField(
        "Số quyết định",
        validators=[required("Vui lòng nhập số quyết định."), number_range(1, 999_999)],
        description="Chỉ nhập phần số; ký hiệu (QĐ-UBND, QĐ/BDVTU…) theo hình thức khen thưởng.",
    )
    signed_on = DateField("Ngày ký", validators=[required("Vui lòng nhập ngày ký.")])
    place = StringField("Địa danh", validators=[required(), length(120)], default="Tây Ninh")
    signer_authority = StringField(
        "Thẩm quyền ký",
        validators=[optional(), length(200)],
        description=(
            "In trên một dòng riêng, trên chức vụ: Nhà nước TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH; "
            "Đảng T/M BAN THƯỜNG VỤ, K/T TRƯỞNG BAN. Để trống khi người đứng đầu ký."
        ),
    )
    signer_title = StringField(
        "Chức vụ người ký",
        validators=[required(), length(300)],
        description="Ví dụ: PHÓ CHỦ TỊCH; TRƯỞNG BAN (mặc định theo cơ quan ban hành).",
    )
    signer_name = StringField("Họ tên người ký", validators=[required(), length(200)])
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
        coerce=int,
        validators=[required("Vui lòng chọn ít nhất một hồ sơ đã được đề xuất khen.")],
    )


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
    certificate_ids = MultiCheckboxField("Chọn giấy khen cần in", coerce=int)


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
