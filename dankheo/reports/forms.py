"""The report narrative form: the sections the secretary writes, number, issuer, signer."""

from wtforms import IntegerField, SelectField, StringField, TextAreaField

from dankheo.forms import VersionedForm, length, number_range, optional

SECTION_HELP = "Mỗi đoạn một dòng. Số liệu và các bảng được chèn tự động từ thống kê."


class NarrativeForm(VersionedForm):
    issuer_id = SelectField("Cơ quan ban hành báo cáo", coerce=int, validate_choice=True)
    number = IntegerField(
        "Số báo cáo",
        validators=[optional(), number_range(1, 999_999)],
        description="Để trống nếu văn thư sẽ ghi số khi ban hành.",
    )
    situation = TextAreaField(
        "I. Đặc điểm tình hình, công tác lãnh đạo, chỉ đạo",
        validators=[length(20_000)],
        description=SECTION_HELP,
    )
    results = TextAreaField(
        "II. Kết quả thực hiện (phần lời)",
        validators=[length(20_000)],
        description="Số liệu theo lĩnh vực, đơn vị và các bảng được chèn tự động sau phần này.",
    )
    shortcomings = TextAreaField(
        "III. Hạn chế, nguyên nhân", validators=[length(20_000)], description=SECTION_HELP
    )
    lessons = TextAreaField(
        "IV. Bài học kinh nghiệm", validators=[length(20_000)], description=SECTION_HELP
    )
    direction = TextAreaField(
        "V. Phương hướng, nhiệm vụ thời gian tới",
        validators=[length(20_000)],
        description=SECTION_HELP,
    )
    proposals = TextAreaField(
        "VI. Đề xuất, kiến nghị", validators=[length(20_000)], description=SECTION_HELP
    )
    recipients = TextAreaField(
        "Nơi nhận",
        validators=[length(2000)],
        description="Mỗi nơi nhận một dòng; để trống để dùng danh sách mặc định của cơ quan.",
    )
    signer_authority = StringField(
        "Thẩm quyền ký",
        validators=[length(200)],
        description="Ví dụ: T/M BAN THƯỜNG VỤ; K/T TRƯỞNG BAN; TM. ỦY BAN NHÂN DÂN. "
        "Để trống nếu người đứng đầu ký.",
    )
    signer_title = StringField("Chức vụ người ký", validators=[length(200)])
    signer_name = StringField("Họ tên người ký", validators=[length(200)])
