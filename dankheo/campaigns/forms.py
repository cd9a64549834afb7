"""Forms of the campaign configuration pages: fields, priority areas, campaigns,
criteria, award types and the campaign's own indicators."""

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    StringField,
    TextAreaField,
)

from dankheo.forms import (
    CHOOSE,
    BaseForm,
    IntegerField,
    input_required,
    length,
    number_range,
    optional,
    required,
)
from dankheo.models.campaigns import (
    AWARD_FORM_LABELS,
    CAMPAIGN_KIND_LABELS,
    ISSUER_PROFILE_LABELS,
    LEVEL_LABELS,
    AwardForm,
    CampaignKind,
    IssuerProfile,
    Level,
    PaperSize,
)
from dankheo.registry.forms import NUMBER, YEAR_RANGE, IntSelectField, choice_list, required_choice


class FieldForm(BaseForm):
    name = StringField("Tên lĩnh vực", validators=[required(), length(200, 2)])
    position = IntegerField(
        "Thứ tự", default=0, validators=[input_required(NUMBER), number_range(0, 1000)]
    )
    active = BooleanField("Đang sử dụng", default=True)


class PriorityAreaForm(BaseForm):
    name = StringField("Tên lĩnh vực trọng tâm", validators=[required(), length(200, 2)])
    position = IntegerField(
        "Thứ tự", default=0, validators=[input_required(NUMBER), number_range(0, 1000)]
    )
    active = BooleanField("Đang sử dụng", default=True)


class IndicatorForm(BaseForm):
    name = StringField(
        "Tên chỉ tiêu",
        validators=[required(), length(200, 3)],
        description="Ví dụ: Tuyến đường “sáng – xanh – sạch – đẹp” hoàn thành.",
    )
    unit_label = StringField(
        "Đơn vị tính", validators=[length(40)], description="Ví dụ: tuyến, hộ."
    )


class CampaignForm(BaseForm):
    name = StringField("Tên đợt thi đua", validators=[required(), length(300, 5)])
    organising_unit_id = IntSelectField("Đơn vị tổ chức", validators=[required_choice])
    year = IntegerField("Năm", validators=[input_required(NUMBER), number_range(*YEAR_RANGE)])
    kind = SelectField(
        "Loại đợt",
        choices=choice_list([(k.value, CAMPAIGN_KIND_LABELS[k]) for k in CampaignKind]),
        validators=[required(CHOOSE)],
    )
    level = SelectField(
        "Cấp khen thưởng",
        choices=choice_list([(lv.value, LEVEL_LABELS[lv]) for lv in Level]),
        validators=[required(CHOOSE)],
    )
    registration_opens = DateField("Mở đăng ký", validators=[optional()])
    registration_closes = DateField("Đóng đăng ký", validators=[optional()])
    nomination_opens = DateField("Mở nhận hồ sơ đề nghị", validators=[optional()])
    nomination_closes = DateField("Đóng nhận hồ sơ đề nghị", validators=[optional()])
    review_opens = DateField(
        "Mở chấm điểm",
        validators=[optional()],
        description="Từ ngày này tiêu chí chấm điểm không sửa được nữa.",
    )
    review_closes = DateField("Đóng chấm điểm", validators=[optional()])
    reviewers_per_nomination = IntegerField(
        "Số thành viên chấm mỗi hồ sơ",
        default=3,
        validators=[input_required(NUMBER), number_range(1, 15)],
    )
    half_points = BooleanField("Cho phép chấm nửa điểm (0,5)")
    show_scores_after_submission = BooleanField(
        "Cho thành viên hội đồng xem điểm của người khác ngay sau khi nộp phiếu của mình",
        description=(
            "Mặc định: điểm của các thành viên khác chỉ hiện với thành viên hội đồng sau khi "
            "thời hạn chấm điểm kết thúc."
        ),
    )
    spread_threshold = DecimalField(
        "Ngưỡng chênh lệch điểm cần xem lại",
        default=20,
        places=2,
        validators=[input_required(NUMBER), number_range(0, 1000)],
    )
    pass_threshold = DecimalField(
        "Điểm sàn",
        default=0,
        places=2,
        validators=[input_required(NUMBER), number_range(0, 1000)],
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for window in ("registration", "nomination", "review"):
            opens = getattr(self, f"{window}_opens")
            closes = getattr(self, f"{window}_closes")
            if opens.data and closes.data and closes.data < opens.data:
                closes.errors = [*closes.errors, "Ngày đóng phải sau ngày mở."]
                ok = False
        return ok

    def values(self) -> dict:
        data = {name: f.data for name, f in self._fields.items() if name != "csrf_token"}
        data["kind"] = CampaignKind(data["kind"])
        data["level"] = Level(data["level"])
        return data


class CriterionForm(BaseForm):
    title = StringField("Tiêu chí", validators=[required(), length(500, 2)])
    description = TextAreaField("Hướng dẫn chấm", validators=[length(5000)])
    max_points = DecimalField(
        "Điểm tối đa", places=2, validators=[input_required(NUMBER), number_range(0.5, 1000)]
    )
    weight = DecimalField(
        "Trọng số",
        default=1,
        places=3,
        validators=[input_required(NUMBER), number_range(0.001, 100)],
    )
    position = IntegerField(
        "Thứ tự", default=0, validators=[input_required(NUMBER), number_range(0, 1000)]
    )

    def values(self) -> dict:
        return {n: f.data for n, f in self._fields.items() if n != "csrf_token"}


class AwardTypeForm(BaseForm):
    form = SelectField(
        "Hình thức",
        choices=choice_list([(f.value, AWARD_FORM_LABELS[f]) for f in AwardForm]),
        validators=[required(CHOOSE)],
    )
    issuer_title = StringField(
        "Chức danh người khen",
        validators=[required(), length(300, 3)],
        description="Ví dụ: Chủ tịch Ủy ban nhân dân tỉnh; Ban Dân vận Tỉnh ủy.",
    )
    issuer_name = StringField("Cơ quan ban hành", validators=[length(300)])
    issuer_profile = SelectField(
        "Thể thức văn bản",
        choices=choice_list([(p.value, ISSUER_PROFILE_LABELS[p]) for p in IssuerProfile]),
        validators=[required(CHOOSE)],
    )
    decision_suffix = StringField(
        "Ký hiệu quyết định",
        validators=[required(), length(40)],
        description="Nhà nước: QĐ-UBND; Đảng: QĐ/BDVTU.",
    )
    quota = IntegerField(
        "Chỉ tiêu", default=0, validators=[input_required(NUMBER), number_range(0, 100000)]
    )
    paper = SelectField(
        "Khổ giấy",
        choices=choice_list([(p.value, p.value) for p in PaperSize]),
        validators=[required(CHOOSE)],
    )

    def values(self) -> dict:
        data = {n: f.data for n, f in self._fields.items() if n != "csrf_token"}
        data["form"] = AwardForm(data["form"])
        data["issuer_profile"] = IssuerProfile(data["issuer_profile"])
        data["paper"] = PaperSize(data["paper"])
        return data
