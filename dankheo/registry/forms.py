"""Forms of the registry: the registration form of an initiative, exemplars, evidence,
evaluation of a year, import; and the select fields other features' forms reuse."""

from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from dankheo.forms import (
    CHOOSE,
    BaseForm,
    IntegerField,
    VersionedForm,
    coerce_id,
    coerce_id_or_none,
    input_required,
    length,
    number_range,
    optional,
    required,
)
from dankheo.models.registry import (
    EVALUATION_STATUSES,
    EXEMPLAR_KIND_LABELS,
    YEAR_FIGURES,
    YEAR_STATUS_LABELS,
    ExemplarKind,
)
from dankheo.registry.services import (
    INITIATIVE_DATE_FIELDS,
    INITIATIVE_NUMBER_FIELDS,
    INITIATIVE_TEXT_FIELDS,
)

NUMBER = "Vui lòng nhập một số."
DATE = "Ngày không hợp lệ (dd/mm/yyyy)."
YEAR_RANGE = (2000, 2100)


def choice_list(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices; None becomes the empty option."""
    return [SelectChoice("" if value is None else value, label) for value, label in pairs]


_coerce_int_or_none = coerce_id_or_none


class IntSelectField(SelectField):
    """A select of ids; the empty choice means none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", _coerce_int_or_none)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        if self.data is None and not self.flags.required:
            return
        super().pre_validate(form)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of check boxes (a handful of options, all visible)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)


PRIORITY_AREAS_LABEL = "Lĩnh vực trọng tâm theo Chỉ thị"
PRIORITY_AREAS_HELP = "Chọn một hoặc nhiều lĩnh vực khó mà mô hình tập trung giải quyết (nếu có)."


def required_choice(form, field):
    if field.data in (None, ""):
        raise ValidationError(CHOOSE)


def _nonnegative(label_max=None):
    return number_range(0, label_max)


class InitiativeForm(VersionedForm):
    unit_id = IntSelectField("Đơn vị", validators=[required_choice])
    name = StringField("Tên mô hình", validators=[required(), length(500, 5)])
    field_id = IntSelectField("Lĩnh vực", validators=[required_choice])
    year = IntegerField(
        "Năm đăng ký",
        validators=[input_required(NUMBER), number_range(*YEAR_RANGE)],
        description="Năm đầu tiên mô hình được đăng ký; các năm sau dùng “Chuyển sang năm sau”.",
    )
    problem = TextAreaField("Thực trạng, lý do", validators=[length(20000)])
    goals = TextAreaField("Mục tiêu, tiêu chí", validators=[length(20000)])
    content_methods = TextAreaField("Nội dung, cách thức thực hiện", validators=[length(20000)])
    area_beneficiaries = TextAreaField("Địa bàn, đối tượng", validators=[length(20000)])
    implementers = TextAreaField("Lực lượng thực hiện, phối hợp", validators=[length(20000)])
    funding_vnd = IntegerField(
        "Kinh phí (đồng)",
        default=0,
        validators=[optional(), _nonnegative(10**15)],
    )
    socialised_vnd = IntegerField(
        "Xã hội hóa (đồng)", default=0, validators=[optional(), _nonnegative(10**15)]
    )
    labour_days = IntegerField(
        "Ngày công lao động", default=0, validators=[optional(), _nonnegative(10**9)]
    )
    in_kind = TextAreaField("Hiện vật đóng góp", validators=[length(5000)])
    land_m2 = FloatField("Đất hiến (m²)", default=0, validators=[optional(), _nonnegative(10**9)])
    started_on = DateField("Ngày bắt đầu", validators=[optional()], format="%Y-%m-%d")
    evaluation_on = DateField("Ngày đánh giá", validators=[optional()], format="%Y-%m-%d")
    outputs = TextAreaField("Sản phẩm, kết quả kiểm chứng được", validators=[length(20000)])
    sustainability = TextAreaField("Khả năng duy trì, nhân rộng", validators=[length(20000)])
    replicated_from_id = IntSelectField("Nhân rộng từ mô hình", validators=[optional()])
    priority_area_ids = MultiCheckboxField(
        PRIORITY_AREAS_LABEL, validators=[optional()], description=PRIORITY_AREAS_HELP
    )

    def validate_evaluation_on(self, field):
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError("Ngày đánh giá phải sau ngày bắt đầu.")

    def values(self) -> dict:
        names = (
            "name",
            *INITIATIVE_TEXT_FIELDS,
            *INITIATIVE_NUMBER_FIELDS,
            *INITIATIVE_DATE_FIELDS,
        )
        return {name: getattr(self, name).data for name in names}


class EvaluateYearForm(BaseForm):
    status = SelectField(
        "Kết quả đánh giá",
        choices=choice_list([(s.value, YEAR_STATUS_LABELS[s]) for s in EVALUATION_STATUSES]),
        validators=[required(CHOOSE)],
    )
    note = StringField("Ghi chú", validators=[length(2000)])


# The standard figures of a year report: integers, except land (m²) and road (km).
_DECIMAL_FIGURES = {"land_m2", "road_km"}
_FIGURE_MAX = {"money_vnd": 10**15}


def _figure_field(column: str, label: str, unit: str):
    validators = [optional(), _nonnegative(_FIGURE_MAX.get(column, 10**9))]
    text = f"{label} ({unit})"
    if column in _DECIMAL_FIGURES:
        return FloatField(text, validators=validators)
    return IntegerField(text, validators=validators)


class YearReportForm(BaseForm):
    """The officer's report of one year: the standard figures (left empty when they do
    not apply), the campaign's own indicators (added per year, ``indicator_<id>``) and
    the account of the year."""

    def figures(self) -> dict:
        return {column: getattr(self, column).data for column, _l, _u in YEAR_FIGURES}

    def indicator_values(self, indicators) -> dict:
        return {ind: getattr(self, f"indicator_{ind.id}").data for ind in indicators}


for _column, _label, _unit in YEAR_FIGURES:
    setattr(YearReportForm, _column, _figure_field(_column, _label, _unit))
YearReportForm.report_text = TextAreaField(
    "Kết quả nổi bật trong năm",
    validators=[required(), length(20000, 10)],
    description="Việc đã làm, kết quả đạt được, cách làm hay, khó khăn và hướng duy trì.",
)


def year_report_form(indicators, **kwargs) -> YearReportForm:
    """A YearReportForm with one field per indicator of the campaigns of that year."""
    extra = {
        f"indicator_{ind.id}": DecimalField(
            ind.label, places=2, validators=[optional(), number_range(0, 10**15)]
        )
        for ind in indicators
    }
    form_class = type("YearReportWithIndicators", (YearReportForm,), extra)
    return form_class(**kwargs)


class EvidenceForm(BaseForm):
    file = MultipleFileField(
        "Tệp minh chứng",
        validators=[FileRequired("Vui lòng chọn tệp.")],
        description=(
            "Chọn một hoặc nhiều tệp: ảnh (JPEG, PNG, WebP), PDF, Word (DOCX) hoặc Excel "
            "(XLSX); tổng dung lượng mỗi lần tải tối đa 10 MB."
        ),
        render_kw={"accept": ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx", "multiple": True},
    )
    title = StringField(
        "Tiêu đề",
        validators=[length(300)],
        description="Để trống: lấy tên tệp. Nhiều tệp: tiêu đề được đánh số (1), (2)…",
    )
    is_public = BooleanField("Công khai trên trang mô hình tiêu biểu")


class ImportForm(BaseForm):
    file = FileField(
        "Tệp Excel theo mẫu",
        validators=[FileRequired("Vui lòng chọn tệp.")],
        render_kw={"accept": ".xlsx"},
    )


class ExemplarForm(VersionedForm):
    kind = SelectField(
        "Loại điển hình",
        choices=choice_list([(k.value, EXEMPLAR_KIND_LABELS[k]) for k in ExemplarKind]),
        validators=[required(CHOOSE)],
    )
    name = StringField("Tên tập thể / họ và tên", validators=[required(), length(300, 2)])
    position = StringField("Chức vụ, nơi công tác / địa chỉ", validators=[length(300)])
    unit_id = IntSelectField("Đơn vị", validators=[required_choice])
    field_id = IntSelectField("Lĩnh vực", validators=[optional()])
    year = IntegerField("Năm", validators=[input_required(NUMBER), number_range(*YEAR_RANGE)])
    achievements = TextAreaField("Thành tích", validators=[length(20000)])
    initiative_ids = SelectMultipleField(
        "Mô hình do điển hình thực hiện", coerce=coerce_id, validators=[optional()]
    )
    priority_area_ids = MultiCheckboxField(
        PRIORITY_AREAS_LABEL, validators=[optional()], description=PRIORITY_AREAS_HELP
    )
