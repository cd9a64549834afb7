"""Forms for nominations, request letters and workflow moves."""

from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from dankheo.forms import (
    CHOOSE,
    BaseForm,
    VersionedForm,
    coerce_id_or_zero,
    length,
    optional,
    required,
)

_int_or_zero = coerce_id_or_zero


class NominationForm(VersionedForm):
    subject = SelectField(
        "Mô hình hoặc điển hình được đề nghị", validators=[required(CHOOSE)], choices=[]
    )
    award_type_id = SelectField(
        "Đợt thi đua và hình thức khen thưởng",
        coerce=_int_or_zero,
        choices=[],
        validators=[required(CHOOSE)],
    )
    recipient_name = StringField(
        "Tên ghi trên bằng",
        validators=[required(), length(300)],
        description="Tên tập thể, cá nhân hoặc mô hình in trên giấy khen, bằng khen.",
    )
    recipient_line = StringField(
        "Dòng chức vụ, đơn vị hoặc địa chỉ",
        validators=[optional(), length(300)],
        description="Ví dụ: Chủ tịch Hội Nông dân xã Long Thành Bắc.",
    )
    achievement_text = TextAreaField(
        "Thành tích ghi trên bằng",
        validators=[required(), length(1000)],
        default="Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo”",
        render_kw={"rows": 3},
    )
    report_text = TextAreaField(
        "Báo cáo thành tích",
        validators=[optional(), length(50000)],
        description="Viết trực tiếp, hoặc tải lên tệp báo cáo bên dưới.",
        render_kw={"rows": 8},
    )
    report_file = FileField(
        "Tệp báo cáo thành tích (PDF hoặc Word)",
        description="Tùy chọn; thay cho phần viết trực tiếp.",
    )
    batch_id = SelectField(
        "Tờ trình",
        coerce=_int_or_zero,
        choices=[],
        validators=[optional()],
        description="Tùy chọn: gom nhiều hồ sơ vào một tờ trình để gửi cùng lúc.",
    )


class TransitionForm(VersionedForm):
    note = TextAreaField("Ghi chú, lý do", validators=[optional(), length(2000)])


class BatchForm(BaseForm):
    campaign_id = SelectField(
        "Đợt thi đua", coerce=_int_or_zero, choices=[], validators=[required(CHOOSE)]
    )
    unit_id = SelectField(
        "Đơn vị trình", coerce=_int_or_zero, choices=[], validators=[required(CHOOSE)]
    )
    number = StringField(
        "Số tờ trình", validators=[optional(), length(60)], description="Ví dụ: 15/TTr-UBND."
    )
    title = StringField("Trích yếu", validators=[required(), length(500)])
