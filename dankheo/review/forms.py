"""Forms of the review pages: committee, conflicts, assignment, scorecards, decisions."""

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from dankheo.forms import (
    CHOOSE,
    BaseForm,
    VersionedForm,
    coerce_id,
    coerce_id_or_zero,
    length,
    optional,
    required,
)
from dankheo.review.services import parse_points


class AddReviewerForm(BaseForm):
    user_id = SelectField("Thành viên", coerce=coerce_id, validators=[required(CHOOSE)])
    title = StringField(
        "Chức danh trong hội đồng",
        validators=[optional(), length(200)],
        description="Ví dụ: Chủ tịch hội đồng, Ủy viên, Thư ký.",
    )


class ManualAssignForm(BaseForm):
    """A member for the nominations ticked on the committee page (``nomination_id``,
    read by the view: several values); 0 is the "choose" placeholder."""

    reviewer_id = SelectField(
        "Thành viên chấm", coerce=coerce_id_or_zero, validators=[required(CHOOSE)]
    )


class ConflictForm(BaseForm):
    reason = TextAreaField(
        "Lý do xung đột lợi ích",
        validators=[required("Vui lòng ghi rõ lý do xung đột lợi ích."), length(2000)],
        description="Ví dụ: người thân công tác tại đơn vị đề nghị.",
    )


class NoteForm(BaseForm):
    note = TextAreaField("Ghi chú", validators=[optional(), length(2000)])


class ReviewWindowForm(BaseForm):
    closes = DateField(
        "Gia hạn chấm điểm đến ngày",
        validators=[required("Vui lòng nhập ngày kết thúc mới (dd/mm/yyyy).")],
    )
    note = TextAreaField(
        "Lý do gia hạn",
        validators=[required("Vui lòng ghi rõ lý do gia hạn."), length(2000)],
        description="Được ghi vào nhật ký hệ thống.",
    )


class DecisionForm(BaseForm):
    override_note = TextAreaField(
        "Lý do (khi vượt chỉ tiêu hoặc khi chưa đủ phiếu chấm)",
        validators=[optional(), length(2000)],
        description=(
            "Bắt buộc khi số hồ sơ đề xuất khen vượt chỉ tiêu, hoặc khi đề xuất khen hồ sơ "
            "chưa có đủ phiếu chấm của mọi thành viên được phân công. Lý do được ghi vào "
            "nhật ký."
        ),
    )


class _PointsValidator:
    def __init__(self, criterion, half_points: bool):
        self.criterion = criterion
        self.half_points = half_points

    def __call__(self, form, field):
        try:
            parse_points(
                field.raw_data[0] if field.raw_data else None, self.criterion, self.half_points
            )
        except ValueError as err:
            raise ValidationError(str(err)) from None


def scorecard_form(campaign, *, formdata=None, data=None):
    """A form with a points field and a comment field per criterion of ``campaign``."""

    class ScorecardForm(VersionedForm):
        comment = TextAreaField("Nhận xét chung", validators=[optional(), length(5000)])

    for criterion in campaign.criteria:
        setattr(
            ScorecardForm,
            f"points_{criterion.id}",
            StringField(
                f"Điểm (tối đa {criterion.max_points.normalize():f})".replace(".", ","),
                validators=[optional(), _PointsValidator(criterion, campaign.half_points)],
                # min/max/step are not allowed on a text input (HTML validation): the
                # bounds ride on data- attributes, the label states the maximum.
                render_kw={
                    "inputmode": "decimal",
                    "data-min": "0",
                    "data-max": f"{criterion.max_points.normalize():f}",
                    "data-step": "0.5" if campaign.half_points else "1",
                },
            ),
        )
        setattr(
            ScorecardForm,
            f"comment_{criterion.id}",
            TextAreaField("Nhận xét", validators=[optional(), length(2000)], render_kw={"rows": 2}),
        )
    if formdata is not None:
        return ScorecardForm(formdata=formdata)
    return ScorecardForm(data=data or {})
