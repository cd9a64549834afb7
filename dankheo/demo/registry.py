"""Demo registry: the 2021–2025 phase, the default fields, the 2024 and 2025 yearly
campaigns with their rubric and award types, and a few hundred initiatives (with their
yearly life), exemplars and small evidence images, spread over the demo units.

Deterministic (a fixed random seed) and idempotent. 2021–2024 initiatives sit on the
communes as they were; 2025 ones on the communes merged on 1/7/2025, some replicating
an older model of a predecessor commune. Names and places are illustrative."""

import io
import random
from datetime import date

import sqlalchemy as sa
from PIL import Image

from dankheo.campaigns.services import ensure_default_fields, ensure_phase
from dankheo.demo.issuers import ensure_issuers
from dankheo.extensions import db
from dankheo.models import (
    AwardForm,
    AwardType,
    Campaign,
    CampaignKind,
    Criterion,
    Evidence,
    Exemplar,
    ExemplarKind,
    Initiative,
    InitiativeYear,
    IssuerProfile,
    Level,
    PaperSize,
    Unit,
    UnitKind,
    UnitSuccession,
    User,
    YearStatus,
)
from dankheo.registry import evidence as evidence_files
from dankheo.registry.services import index_exemplar, index_initiative

SEED = 20250701
INITIATIVES = 320
EXEMPLARS = 48
EVIDENCE = 18

CRITERIA = [
    ("Có tên gọi, địa bàn cụ thể; thuộc một lĩnh vực", 10),
    ("Cấp ủy lãnh đạo, chính quyền chỉ đạo, huy động nhiều lực lượng tham gia", 15),
    ("Sáng tạo, tiết kiệm thời gian, chi phí", 15),
    ("Nhân dân đồng tình, tự nguyện tham gia", 20),
    ("Giải quyết nhiệm vụ cấp bách, bức xúc ở địa phương", 15),
    ("Hài hòa lợi ích tập thể, cá nhân và xã hội", 10),
    ("Có khả năng lan tỏa, nhân rộng và duy trì bền vững", 15),
]

SUBJECTS = [
    "Tuyến đường hoa nông thôn mới",
    "Dân vận khéo trong vận động hiến đất mở đường",
    "Camera an ninh – mắt thần khu dân cư",
    "Tổ tự quản bảo vệ môi trường",
    "Mái ấm tình thương cho hộ nghèo",
    "Chi hội phụ nữ tiết kiệm giúp nhau phát triển kinh tế",
    "Thắp sáng đường quê",
    "Ngày Chủ nhật xanh",
    "Nông dân liên kết trồng rau an toàn",
    "Tổ hòa giải ở cơ sở gắn với dân vận khéo",
    "Cựu chiến binh giúp nhau làm kinh tế",
    "Thanh niên tình nguyện dạy bơi cho trẻ em",
    "Bếp ăn yêu thương",
    "Hũ gạo tình thương",
    "Phân loại rác tại nguồn",
    "Dòng kênh sạch",
    "Cổng rào an ninh, trật tự",
    "Khu dân cư không có tội phạm và tệ nạn xã hội",
    "Đỡ đầu học sinh có hoàn cảnh khó khăn",
    "Chuyển đổi số – hướng dẫn dịch vụ công trực tuyến",
    "Vận động người dân giao đất thực hiện dự án",
    "Nhà văn hóa ấp – điểm sinh hoạt cộng đồng",
    "Chợ phiên nông sản sạch",
    "Xây cầu bê tông nông thôn",
]
PLACES = [
    "ấp Bình Hòa",
    "ấp Long Khương",
    "ấp Trường Phước",
    "khu phố 3",
    "khu phố Ninh Phúc",
    "ấp Suối Sâu",
    "ấp Cầu Xe",
    "ấp Thạnh Hiệp",
    "ấp An Lộc",
    "ấp Bến Kéo",
    "khu phố Hiệp Hòa",
    "ấp Đồng Cỏ Đỏ",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Thị Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hạnh", "Hùng", "Lan", "Mai", "Nga", "Phúc", "Sơn"]
POSITIONS = [
    "Bí thư Chi bộ ấp",
    "Trưởng ấp",
    "Chi hội trưởng Phụ nữ",
    "Chi hội trưởng Nông dân",
    "Bí thư Chi đoàn",
    "Trưởng Ban công tác Mặt trận",
    "Công an xã",
]
COLLECTIVES = [
    "Chi hội Phụ nữ",
    "Chi hội Nông dân",
    "Chi đoàn",
    "Ban công tác Mặt trận",
    "Tổ tự quản",
]

COMMUNE_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP)
OLD_END = date(2025, 6, 30)
NEW_START = date(2025, 7, 1)


def seed() -> str:
    if db.session.scalar(sa.select(Initiative.id).limit(1)):
        return "registry: already loaded"
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    if "BDVTU" not in units:
        return "registry: skipped (load units first)"
    rng = random.Random(SEED)
    fields = ensure_default_fields()
    _campaigns(units)
    initiatives = _initiatives(rng, units, fields)
    exemplars = _exemplars(rng, initiatives, fields)
    evidence = _evidence(rng, initiatives)
    return (
        f"registry: 2 campaigns, {len(initiatives)} initiatives, {len(exemplars)} exemplars, "
        f"{evidence} evidence files"
    )


def _campaigns(units: dict[str, Unit]) -> None:
    phase = ensure_phase()
    state_issuer, party_issuer_ = ensure_issuers(units["TN"], units["BTGDVTU"])
    plans = [
        (
            2024,
            units["BDVTU"],
            (date(2024, 1, 15), date(2024, 9, 30)),
            (date(2024, 10, 1), date(2024, 10, 31)),
            (date(2024, 11, 1), date(2024, 11, 30)),
            ("Ban Dân vận Tỉnh ủy", "QĐ/BDVTU"),
        ),
        (
            # Closing dates left open so the demo's 2025 round stays usable whatever day
            # it is shown on (an unset bound leaves that side of a window open).
            2025,
            units["BTGDVTU"],
            (date(2025, 1, 15), None),
            (date(2025, 10, 1), None),
            (date(2025, 11, 16), None),
            ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "QĐ/BTGDVTU"),
        ),
    ]
    for year, organiser, registration, nomination, review, (party_issuer, suffix) in plans:
        exists = db.session.scalar(
            sa.select(Campaign.id).where(
                Campaign.year == year, Campaign.kind == CampaignKind.YEARLY
            )
        )
        if exists:
            continue
        campaign = Campaign(
            phase=phase,
            organising_unit=organiser,
            name=f"Phong trào thi đua “Dân vận khéo” năm {year}",
            year=year,
            kind=CampaignKind.YEARLY,
            level=Level.PROVINCE,
            registration_opens=registration[0],
            registration_closes=registration[1],
            nomination_opens=nomination[0],
            nomination_closes=nomination[1],
            review_opens=review[0],
            review_closes=review[1],
            reviewers_per_nomination=3,
            spread_threshold=20,
            pass_threshold=50,
        )
        for position, (title, points) in enumerate(CRITERIA, start=1):
            campaign.criteria.append(
                Criterion(title=title, max_points=points, weight=1, position=position)
            )
        campaign.award_types.append(
            AwardType(
                form=AwardForm.BANG_KHEN,
                issuer_title="Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh",
                issuer_name="Ủy ban nhân dân tỉnh Tây Ninh",
                issuer_profile=IssuerProfile.STATE,
                decision_suffix="QĐ-UBND",
                issuer=state_issuer,
                quota=15,
                paper=PaperSize.A3,
            )
        )
        campaign.award_types.append(
            AwardType(
                form=AwardForm.GIAY_KHEN,
                issuer_title=party_issuer,
                issuer_name=party_issuer,
                issuer_profile=IssuerProfile.PARTY,
                decision_suffix=suffix,
                issuer=party_issuer_,
                quota=40,
                paper=PaperSize.A4,
            )
        )
        db.session.add(campaign)
    db.session.flush()


def _pools(units: dict[str, Unit]):
    old = [
        u
        for u in units.values()
        if u.kind in COMMUNE_KINDS and u.valid_to is not None and u.valid_to <= OLD_END
    ]
    new = [
        u
        for u in units.values()
        if u.kind in COMMUNE_KINDS and u.valid_from is not None and u.valid_from >= NEW_START
    ]
    lasting = [
        u
        for u in units.values()
        if u.kind in (UnitKind.FRONT, UnitKind.MASS_ORGANISATION, UnitKind.ARMED_FORCES)
        and u.valid_to is None
    ]
    key = lambda u: u.code  # noqa: E731 (a sort key; deterministic order for the seed)
    return sorted(old, key=key), sorted(new, key=key), sorted(lasting, key=key)


def _status(rng: random.Random, year: int) -> YearStatus:
    if year == 2025:
        return rng.choices(
            [YearStatus.REGISTERED, YearStatus.RECOGNISED, YearStatus.OUTSTANDING],
            [50, 38, 12],
        )[0]
    return rng.choices(
        [YearStatus.REGISTERED, YearStatus.RECOGNISED, YearStatus.OUTSTANDING, YearStatus.DROPPED],
        [12, 55, 20, 13],
    )[0]


def _initiatives(rng: random.Random, units, fields) -> list[Initiative]:
    old, new, lasting = _pools(units)
    creator = db.session.scalar(sa.select(User).where(User.username == "admin"))
    made: list[Initiative] = []
    successors: dict[int, list[Unit]] = {}
    by_id = {u.id: u for u in units.values()}
    for link in db.session.scalars(sa.select(UnitSuccession)):
        successors.setdefault(link.predecessor_id, []).append(by_id[link.successor_id])
    for n in range(INITIATIVES):
        first_year = rng.choice([2021, 2021, 2022, 2022, 2023, 2023, 2024, 2024, 2025, 2025])
        on_lasting = rng.random() < 0.2
        if on_lasting:
            unit = rng.choice(lasting)
            last_possible = 2025
        elif first_year == 2025:
            unit = rng.choice(new)
            last_possible = 2025
        else:
            unit = rng.choice(old)
            last_possible = 2024  # the commune was merged on 1/7/2025
        subject = SUBJECTS[n % len(SUBJECTS)]
        name = f"Mô hình “{subject}” ở {rng.choice(PLACES)}"
        if n >= len(SUBJECTS) * 3:
            name += f" ({unit.name})"
        initiative = Initiative(
            unit=unit,
            field=fields[rng.randrange(len(fields))],
            name=name,
            first_year=first_year,
            problem="Người dân còn e ngại tham gia; địa bàn còn nhiều khó khăn.",
            goals="Huy động nhân dân cùng tham gia, đạt kết quả đo đếm được.",
            content_methods="Cấp ủy chỉ đạo, Mặt trận và các đoàn thể vận động từng hộ.",
            area_beneficiaries=f"{rng.randint(40, 400)} hộ dân",
            implementers="Chi bộ, Ban công tác Mặt trận, các chi hội đoàn thể",
            funding_vnd=rng.randint(0, 50) * 1_000_000,
            socialised_vnd=rng.randint(0, 300) * 1_000_000,
            labour_days=rng.randint(0, 900),
            land_m2=float(rng.choice([0, 0, 0, 50, 120, 300, 1200])),
            started_on=date(first_year, rng.randint(1, 9), rng.randint(1, 28)),
            outputs="Kết quả cụ thể, có số liệu kiểm chứng.",
            sustainability="Duy trì hằng năm, có thể nhân rộng sang địa bàn khác.",
            created_by=creator,
        )
        index_initiative(initiative, unit)
        # Carry over year after year until dropped or the unit's last year.
        year = first_year
        while True:
            status = _status(rng, year)
            initiative.years.append(
                InitiativeYear(
                    year=year, status=status, unit_id=unit.id, field_id=initiative.field.id
                )
            )
            if status == YearStatus.DROPPED or year >= last_possible or rng.random() < 0.35:
                break
            year += 1
        if first_year == 2025 and not on_lasting and rng.random() < 0.5:
            # Replicates an older model of one of the communes this one was merged from.
            sources = [i for i in made if unit in successors.get(i.unit.id, [])]
            if sources:
                initiative.replicated_from = rng.choice(sources)
        elif made and rng.random() < 0.08:
            initiative.replicated_from = rng.choice(made)
        made.append(initiative)
    db.session.add_all(made)
    db.session.flush()
    return made


def _exemplars(rng: random.Random, initiatives: list[Initiative], fields) -> list[Exemplar]:
    recognised = [
        i
        for i in initiatives
        if any(r.status in (YearStatus.RECOGNISED, YearStatus.OUTSTANDING) for r in i.years)
    ]
    made = []
    for n in range(EXEMPLARS):
        initiative = recognised[(n * 7) % len(recognised)]
        year = max(r.year for r in initiative.years)
        if n % 3 == 0:
            kind = ExemplarKind.COLLECTIVE
            name = f"{rng.choice(COLLECTIVES)} {rng.choice(PLACES)}"
            position = initiative.unit.name
        else:
            kind = ExemplarKind.INDIVIDUAL
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            position = f"{rng.choice(POSITIONS)}, {initiative.unit.name}"
        exemplar = Exemplar(
            kind=kind,
            name=name,
            position=position,
            unit=initiative.unit,
            field=initiative.field,
            year=year,
            achievements=f"Trực tiếp vận động, tổ chức thực hiện {initiative.name}.",
            initiatives=[initiative],
        )
        index_exemplar(exemplar, initiative.unit)
        made.append(exemplar)
    db.session.add_all(made)
    db.session.flush()
    return made


def _png(rng: random.Random, label: int) -> bytes:
    """A tiny two-colour PNG (64 × 48), different for every label."""
    colour = (rng.randrange(80, 220), rng.randrange(40, 200), rng.randrange(40, 200))
    image = Image.new("RGB", (64, 48), colour)
    for x in range(label % 64):
        image.putpixel((x, 24), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _evidence(rng: random.Random, initiatives: list[Initiative]) -> int:
    public = [
        i
        for i in initiatives
        if any(r.status in (YearStatus.RECOGNISED, YearStatus.OUTSTANDING) for r in i.years)
    ]
    rows = []
    for n in range(EVIDENCE):
        initiative = public[(n * 11) % len(public)]
        checked = evidence_files.check(_png(rng, n))
        evidence_files.store(checked)
        rows.append(
            Evidence(
                initiative_id=initiative.id,
                filename=f"anh-hoat-dong-{n + 1}.png",
                mime=checked.mime,
                size=checked.size,
                sha256=checked.sha256,
                title=f"Ảnh hoạt động {n + 1}",
                is_public=n % 2 == 0,
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
