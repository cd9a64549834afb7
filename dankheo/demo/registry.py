"""Demo registry: the 2021–2025 phase, the default fields and priority areas, the 2024
and 2025 yearly campaigns (rubric, award types, the 2025 round's own indicators), and a
few hundred initiatives with their yearly life — each year reported by its unit and
evaluated by the secretary — exemplars and small evidence images, spread over the real
units of Tây Ninh and Long An.

Deterministic (a fixed random seed) and idempotent. Records registered before July 2025
sit on the communes and organisations of the two old provinces as they were; their years
from 2025 on sit on the units that succeeded them (registry.services.year_unit, the
default successor of a divided commune); records registered after July 2025 sit on
today's communes, some replicating an older model of a predecessor commune. The names of
the models and people are made up; the units are the official ones."""

import io
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from PIL import Image

from dankheo.campaigns.services import (
    ensure_default_fields,
    ensure_default_priority_areas,
    ensure_phase,
)
from dankheo.demo.issuers import ensure_issuers
from dankheo.demo.units import units_by_key
from dankheo.extensions import db
from dankheo.models import (
    AwardForm,
    AwardType,
    Campaign,
    CampaignIndicator,
    CampaignKind,
    Criterion,
    Evidence,
    Exemplar,
    ExemplarKind,
    IndicatorValue,
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
from dankheo.models.units import COMMUNE_LEVEL_KINDS
from dankheo.registry import evidence as evidence_files
from dankheo.registry.services import index_exemplar, index_initiative, year_unit
from dankheo.tree import within_prefixes

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

ORGANISATION_KINDS = (UnitKind.FRONT, UnitKind.MASS_ORGANISATION)
OLD_END = date(2025, 6, 30)
NEW_START = date(2025, 7, 1)
# The 2025 round's own indicators (name, unit of measure), reported beside the standard
# figures of each year.
INDICATORS_2025 = [
    ("Tuyến đường “sáng – xanh – sạch – đẹp” hoàn thành", "tuyến"),
    ("Hộ thoát nghèo nhờ mô hình", "hộ"),
]
REPORT_TEXT = (
    "Năm {year}, {unit} tiếp tục thực hiện mô hình: cấp ủy chỉ đạo, Mặt trận và các đoàn "
    "thể vận động từng hộ; {households} hộ tham gia. Mô hình được Nhân dân đồng tình, "
    "duy trì đều đặn, có khả năng nhân rộng."
)


def seed() -> str:
    if db.session.scalar(sa.select(Initiative.id).limit(1)):
        return "registry: already loaded"
    try:
        units = units_by_key()
    except KeyError:
        return "registry: skipped (load units first)"
    rng = random.Random(SEED)
    fields = ensure_default_fields()
    areas = ensure_default_priority_areas()
    indicators = _campaigns(units)
    initiatives = _initiatives(rng, units, fields, areas, indicators)
    exemplars = _exemplars(rng, initiatives, areas)
    evidence = _evidence(rng, initiatives)
    return (
        f"registry: 2 campaigns, {len(initiatives)} initiatives, {len(exemplars)} exemplars, "
        f"{evidence} evidence files"
    )


def _campaigns(units: dict[str, Unit]) -> list[CampaignIndicator]:
    """The 2024 round of the old Ban Dân vận and the 2025 round of today's Ban Tuyên
    giáo và Dân vận; returns the 2025 round's own indicators."""
    phase = ensure_phase()
    state_issuer, party_issuer_ = ensure_issuers(units["province"], units["board"])
    plans = [
        (
            2024,
            units["old_board"],
            (date(2024, 1, 15), date(2024, 9, 30)),
            (date(2024, 10, 1), date(2024, 10, 31)),
            (date(2024, 11, 1), date(2024, 11, 30)),
            ("Ban Dân vận Tỉnh ủy", "QĐ/BDVTU"),
        ),
        (
            # Closing dates left open so the demo's 2025 round stays usable whatever day
            # it is shown on (an unset bound leaves that side of a window open).
            2025,
            units["board"],
            (date(2025, 1, 15), None),
            (date(2025, 10, 1), None),
            (date(2025, 11, 16), None),
            ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "QĐ/BTGDVTU"),
        ),
    ]
    indicators: list[CampaignIndicator] = []
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
        if year == 2025:
            for position, (name, unit_label) in enumerate(INDICATORS_2025, start=1):
                indicator = CampaignIndicator(name=name, unit_label=unit_label, position=position)
                campaign.indicators.append(indicator)
                indicators.append(indicator)
        db.session.add(campaign)
    db.session.flush()
    return indicators


def _units(kinds, roots: list[Unit], *, closed: bool) -> list[Unit]:
    """Units of ``kinds`` under ``roots``: those closed on 30/06/2025 or those open from
    01/07/2025, in code order (a deterministic pool for the seed)."""
    stmt = sa.select(Unit).where(
        Unit.kind.in_(list(kinds)), within_prefixes(Unit.path, [r.path for r in roots])
    )
    if closed:
        stmt = stmt.where(Unit.valid_to == OLD_END)
    else:
        stmt = stmt.where(Unit.valid_to.is_(None), Unit.valid_from == NEW_START)
    return list(db.session.scalars(stmt.order_by(Unit.code)))


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


def _report(rng: random.Random, row: InitiativeYear, unit: Unit, indicators, reporter) -> None:
    """The unit's report of the year, dated in December of that year."""
    households = rng.randint(20, 400)
    row.households = households
    row.beneficiaries = households * rng.randint(3, 5)
    row.money_vnd = rng.randint(0, 300) * 1_000_000
    row.labour_days = rng.randint(0, 900)
    row.land_m2 = float(rng.choice([0, 0, 0, 50, 120, 300, 1200]))
    row.road_km = rng.choice([None, None, 0.5, 1.2, 2.0, 3.5])
    row.report_text = REPORT_TEXT.format(year=row.year, unit=unit.name, households=households)
    row.reported_at = datetime(row.year, 12, rng.randint(1, 10), 2, 0)
    row.reported_by_id = reporter.id if reporter else None
    if row.year == 2025:
        for indicator in indicators:
            if rng.random() < 0.5:
                row.indicator_values.append(
                    IndicatorValue(indicator=indicator, value=Decimal(rng.randint(1, 12)))
                )


def _initiatives(rng: random.Random, units, fields, areas, indicators) -> list[Initiative]:
    old_roots = [units["old_tay_ninh"], units["old_long_an"]]
    new_roots = [units["province"]]
    old = _units(COMMUNE_LEVEL_KINDS, old_roots, closed=True)
    new = _units(COMMUNE_LEVEL_KINDS, new_roots, closed=False)
    old_orgs = _units(ORGANISATION_KINDS, old_roots, closed=True)
    new_orgs = _units(ORGANISATION_KINDS, new_roots, closed=False)
    # Half the old communes drawn from around thị xã Hòa Thành, whose successor is the
    # demo officer's Phường Long Hoa, so that officer has predecessors' records to see.
    near = [u for u in old if u.path.startswith(units["hoa_thanh_old"].path)]
    creator = db.session.scalar(sa.select(User).where(User.username == "admin"))
    secretary = db.session.scalar(sa.select(User).where(User.username == "thuky")) or creator
    successors: dict[int, set[int]] = {}
    for link in db.session.scalars(sa.select(UnitSuccession)):
        successors.setdefault(link.predecessor_id, set()).add(link.successor_id)
    carriers: dict[tuple[int, int], Unit] = {}
    made: list[Initiative] = []
    for n in range(INITIATIVES):
        first_year = rng.choice([2021, 2021, 2022, 2022, 2023, 2023, 2024, 2024, 2025, 2025])
        before_july = first_year < 2025 or rng.random() < 0.5
        on_org = rng.random() < 0.15
        if before_july:
            pool = old_orgs if on_org else (near if rng.random() < 0.25 else old)
            started = date(first_year, rng.randint(1, 6), rng.randint(1, 28))
        else:
            pool = new_orgs if on_org else new
            started = date(first_year, rng.randint(7, 9), rng.randint(1, 28))
        unit = rng.choice(pool)
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
            started_on=started,
            outputs="Kết quả cụ thể, có số liệu kiểm chứng.",
            sustainability="Duy trì hằng năm, có thể nhân rộng sang địa bàn khác.",
            created_by=creator,
            priority_areas=rng.sample(areas, rng.choice([0, 1, 1, 1, 2])),
        )
        index_initiative(initiative, unit)
        # Carry over year after year until dropped or 2025; from 2025 the years of a
        # record of a unit closed on 30/06/2025 sit on its successor.
        year = first_year
        while True:
            carrier = unit if year == first_year else _carrier(carriers, unit, year)
            status = _status(rng, year)
            row = InitiativeYear(
                year=year, status=status, unit_id=carrier.id, field_id=initiative.field.id
            )
            if status != YearStatus.REGISTERED or (year == 2025 and rng.random() < 0.5):
                _report(rng, row, carrier, indicators, creator)
            if status != YearStatus.REGISTERED:
                row.evaluated_at = row.reported_at + timedelta(days=rng.randint(3, 20))
                row.evaluated_by_id = secretary.id if secretary else None
            initiative.years.append(row)
            if status == YearStatus.DROPPED or year >= 2025 or rng.random() < 0.35:
                break
            year += 1
        if not before_july and not on_org and rng.random() < 0.5:
            # Replicates an older model of one of the communes this one was formed from.
            sources = [i for i in made if unit.id in successors.get(i.unit_id, ())]
            if sources:
                initiative.replicated_from = rng.choice(sources)
        elif made and rng.random() < 0.08:
            initiative.replicated_from = rng.choice(made)
        made.append(initiative)
    db.session.add_all(made)
    db.session.flush()
    return made


def _carrier(cache: dict, unit: Unit, year: int) -> Unit:
    """The unit that carries ``unit``'s record in ``year`` (registry.services.year_unit)."""
    key = (unit.id, year)
    if key not in cache:
        cache[key] = year_unit(unit, year)
    return cache[key]


def _exemplars(rng: random.Random, initiatives: list[Initiative], areas) -> list[Exemplar]:
    recognised = [
        i
        for i in initiatives
        if any(r.status in (YearStatus.RECOGNISED, YearStatus.OUTSTANDING) for r in i.years)
    ]
    units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.depth > 0))}
    made = []
    for n in range(EXEMPLARS):
        initiative = recognised[(n * 7) % len(recognised)]
        latest = max(initiative.years, key=lambda r: r.year)
        unit = units.get(latest.unit_id, initiative.unit)  # the unit of that year
        if n % 3 == 0:
            kind = ExemplarKind.COLLECTIVE
            name = f"{rng.choice(COLLECTIVES)} {rng.choice(PLACES)}"
            position = unit.name
        else:
            kind = ExemplarKind.INDIVIDUAL
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            position = f"{rng.choice(POSITIONS)}, {unit.name}"
        exemplar = Exemplar(
            kind=kind,
            name=name,
            position=position,
            unit=unit,
            field=initiative.field,
            year=latest.year,
            achievements=f"Trực tiếp vận động, tổ chức thực hiện {initiative.name}.",
            initiatives=[initiative],
            priority_areas=list(initiative.priority_areas),
        )
        index_exemplar(exemplar, unit)
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
        # Every third photo documents the report of the initiative's latest year.
        latest = max(initiative.years, key=lambda r: r.year)
        rows.append(
            Evidence(
                initiative_id=initiative.id,
                initiative_year_id=latest.id if n % 3 == 0 else None,
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
