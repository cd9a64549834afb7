"""Forms of the certificates area: decisions, revoke/correct, designs, overlay layout,
uploads and the public verification look-up."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
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
    BaseForm,
    IntegerField,
    VersionedForm,
    coerce_id,
    length,
    number_range,
    optional,
    required,
)
from dankheo.models.campaigns import ISSUER_PROFILE_LABELS, IssuerProfile, PaperSize


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
    signer_title = StringField(
        "Chức vụ người ký",
        validators=[required(), length(300)],
        description="Ví dụ: Chủ tịch; Trưởng ban; KT. Chủ tịch – Phó Chủ tịch.",
    )
    signer_name = StringField("Họ tên người ký", validators=[required(), length(200)])
    nomination_ids = MultiCheckboxField(
        "Tập thể, cá nhân được khen",
        coerce=coerce_id,
        validators=[required("Vui lòng chọn ít nhất một hồ sơ đã được đề xuất khen.")],
    )


class ReasonForm(BaseForm):
    reason = TextAreaField(
        "Lý do thu hồi",
        validators=[required("Vui lòng ghi rõ lý do thu hồi."), length(2000)],
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
        description="Nhà nước: Quốc hiệu, tiêu ngữ. Đảng: «ĐẢNG CỘNG SẢN VIỆT NAM».",
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
            "Nhà nước: QĐ-UBND (in «Số: 123/QĐ-UBND»). Đảng: QĐ/BDVTU (in «Số 123-QĐ/BDVTU»)."
        ),
    )


class ImageForm(BaseForm):
    image = FileField(
        "Tệp ảnh (PNG hoặc JPEG)", validators=[FileRequired("Vui lòng chọn tệp ảnh.")]
    )


def _overlay_form_class():
    attrs = {
        "offset_x": DecimalField(
            "Dịch toàn bộ sang phải (mm)", places=1, validators=[number_range(-50, 50)], default=0
        ),
        "offset_y": DecimalField(
            "Dịch toàn bộ xuống dưới (mm)", places=1, validators=[number_range(-50, 50)], default=0
        ),
    }
    for name, label in OVERLAY_FIELDS.items():
        for axis, axis_label in (("x", "ngang"), ("y", "dọc")):
            attrs[f"{name}_{axis}"] = DecimalField(
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
