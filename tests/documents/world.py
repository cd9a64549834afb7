"""A province modelled on Tây Ninh with its two issuers (the provincial People's
Committee, State profile; the Tỉnh ủy's Ban Tuyên giáo và Dân vận, Party profile, named
Ban Dân vận before 1/7/2025), award types on A3 and A4 in both profiles, and twelve
approved nominations named as official documents name recipients."""

from datetime import date

from dankheo.admin.units import create_unit
from dankheo.certificates import decisions
from dankheo.demo.issuers import ensure_issuers
from dankheo.extensions import db
from dankheo.models import (
    AwardForm,
    AwardType,
    Campaign,
    CampaignKind,
    ExemplarKind,
    IssuerProfile,
    Level,
    Nomination,
    NominationState,
    PaperSize,
    Phase,
    Role,
    UnitKind,
)
from tests.factories import make_exemplar, make_initiative, make_nomination, make_user

DAY = date(2025, 12, 15)
YEAR = 2025

COLLECTIVES = [
    ("Ủy ban Mặt trận Tổ quốc Việt Nam phường Long Hoa, tỉnh Tây Ninh", ""),
    ("Hội Nông dân xã Long Hòa, tỉnh Tây Ninh", ""),
    ("Chi hội Phụ nữ ấp Bình Hòa, xã Long Hòa, tỉnh Tây Ninh", ""),
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh phường Hòa Thành, tỉnh Tây Ninh", ""),
    ("Ban công tác Mặt trận khu phố 3, phường Long Hoa, tỉnh Tây Ninh", ""),
    ("Công an xã Long Hòa, tỉnh Tây Ninh", ""),
]
INDIVIDUALS = [
    ("Ông Nguyễn Văn Thành", "Bí thư Chi bộ ấp Bình Hòa, xã Long Hòa, tỉnh Tây Ninh"),
    ("Bà Trần Thị Ngọc Ánh", "Chủ tịch Hội Liên hiệp Phụ nữ xã Long Hòa, tỉnh Tây Ninh"),
    ("Ông Lê Hoàng Phúc", "Trưởng khu phố 3, phường Long Hoa, tỉnh Tây Ninh"),
    ("Bà Phạm Thị Thu Hà", "Chi hội trưởng Chi hội Nông dân ấp Bình Hòa, xã Long Hòa"),
    ("Ông Võ Minh Tuấn", "Bí thư Đoàn phường Hòa Thành, tỉnh Tây Ninh"),
    ("Đại úy Huỳnh Quốc Bảo", "Phó Trưởng Công an xã Long Hòa, tỉnh Tây Ninh"),
]
MODELS = [
    "mô hình “Tuyến đường hoa nông thôn mới” ở ấp Bình Hòa",
    "mô hình “Tổ tự quản bảo vệ môi trường” ở khu phố 3",
    "mô hình “Mái ấm tình thương cho hộ nghèo” ở ấp An Lộc",
    "mô hình “Camera an ninh – mắt thần khu dân cư” ở khu phố 3",
    "mô hình “Chi hội phụ nữ tiết kiệm giúp nhau phát triển kinh tế” ở ấp Cầu Xe",
    "mô hình “Ngày Chủ nhật xanh” ở ấp Bến Kéo",
]

# Long texts that still fit (the secretary's longest realistic wording) …
LONG_NAME = (
    "Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở và phong trào thi đua “Dân vận khéo” "
    "phường Long Hoa, tỉnh Tây Ninh"
)
LONG_LINE = (
    "Phó Bí thư Thường trực Đảng ủy, Trưởng Ban Dân vận Đảng ủy, Chủ tịch Ủy ban Mặt trận "
    "Tổ quốc Việt Nam phường Long Hoa, tỉnh Tây Ninh"
)
LONG_ACHIEVEMENT = (
    "Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm 2025, "
    "vận động Nhân dân hiến hơn 12.000 m² đất mở rộng 14 tuyến đường giao thông nông thôn, "
    "xây dựng 35 căn nhà tình thương cho hộ nghèo và thực hiện hiệu quả mô hình “Tuyến "
    "đường hoa nông thôn mới” ở ấp Bình Hòa, góp phần xây dựng xã đạt chuẩn nông thôn mới "
    "nâng cao"
)
# … and the forms' maximum lengths, which cannot fit a certificate: refused.
MAX_NAME = ("Tập thể cán bộ, đảng viên và Nhân dân khu phố " * 8)[:300]
MAX_ACHIEVEMENT = ("Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo”. " * 40)[
    :2000
]


def achievement(i: int) -> str:
    return (
        f"Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm {YEAR} với "
        f"{MODELS[i % len(MODELS)]}"
    )


def build() -> dict:
    province = create_unit(code="TN", name="Tỉnh Tây Ninh", kind=UnitKind.PROVINCE)
    commune = create_unit(code="LH", name="Xã Long Hòa", kind=UnitKind.COMMUNE, parent=province)
    agency = create_unit(
        code="BTGDVTU",
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        kind=UnitKind.AGENCY,
        parent=province,
    )
    db.session.flush()
    state, party = ensure_issuers(province, agency)
    secretary = make_user("thuky", (Role.SECRETARY, agency), full_name="Nguyễn Thị Thư Ký")
    phase = Phase(name="Giai đoạn 2021–2025", start_year=2021, end_year=2025)
    campaign = Campaign(
        phase=phase,
        organising_unit=agency,
        name=f"Phong trào thi đua “Dân vận khéo” năm {YEAR}",
        year=YEAR,
        kind=CampaignKind.YEARLY,
        level=Level.PROVINCE,
    )
    types = {}
    for key, profile, paper, form, issuer, title in (
        (
            "state_a3",
            IssuerProfile.STATE,
            PaperSize.A3,
            AwardForm.BANG_KHEN,
            state,
            "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh",
        ),
        (
            "state_a4",
            IssuerProfile.STATE,
            PaperSize.A4,
            AwardForm.BANG_KHEN,
            state,
            "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh",
        ),
        (
            "party_a3",
            IssuerProfile.PARTY,
            PaperSize.A3,
            AwardForm.GIAY_KHEN,
            party,
            "Ban Tuyên giáo và Dân vận Tỉnh ủy Tây Ninh",
        ),
        (
            "party_a4",
            IssuerProfile.PARTY,
            PaperSize.A4,
            AwardForm.GIAY_KHEN,
            party,
            "Ban Tuyên giáo và Dân vận Tỉnh ủy Tây Ninh",
        ),
    ):
        award_type = AwardType(
            form=form,
            issuer_title=title,
            issuer_profile=profile,
            decision_suffix="QĐ",
            paper=paper,
            quota=20,
            issuer=issuer,
        )
        campaign.award_types.append(award_type)
        types[key] = award_type
    db.session.add(campaign)
    db.session.flush()
    nominations = {}
    for key in ("state_a3", "party_a4"):
        rows = []
        for i, ((c_name, c_line), (p_name, p_line)) in enumerate(
            zip(COLLECTIVES, INDIVIDUALS, strict=True)
        ):
            initiative = make_initiative(commune, f"Mô hình {key} {i}", year=YEAR)
            rows.append(
                make_nomination(
                    campaign,
                    commune,
                    initiative=initiative,
                    award_type=types[key],
                    state=NominationState.APPROVED,
                    recipient_name=c_name,
                    recipient_line=c_line,
                    achievement_text=achievement(i),
                )
            )
            exemplar = make_exemplar(commune, p_name, year=YEAR, kind=ExemplarKind.INDIVIDUAL)
            person = Nomination(
                campaign=campaign,
                award_type=types[key],
                unit=commune,
                exemplar=exemplar,
                state=NominationState.APPROVED,
                recipient_name=p_name,
                recipient_line=p_line,
                achievement_text=achievement(i + 1),
            )
            db.session.add(person)
            rows.append(person)
        nominations[key] = rows
    db.session.commit()
    signed = {}
    for number, key in ((12, "state_a3"), (7, "party_a4")):
        award_type = types[key]
        defaults = decisions.document_defaults(award_type, DAY)
        decision = decisions.create_decision(
            secretary,
            award_type,
            number=number,
            signed_on=DAY,
            place=defaults["place"],
            signer_name=defaults["signer_name"],
            signer_title=defaults["signer_title"],
            nomination_ids=[n.id for n in nominations[key]],
        )
        db.session.commit()
        signed[key] = decision
    return {
        "province": province,
        "commune": commune,
        "agency": agency,
        "state": state,
        "party": party,
        "secretary": secretary,
        "campaign": campaign,
        "types": types,
        "nominations": nominations,
        "decisions": signed,
    }
