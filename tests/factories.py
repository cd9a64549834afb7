"""Small builders for test data, going through the services so invariants hold."""

from itertools import count

from dankheo.admin.units import create_unit
from dankheo.auth.services import add_membership, create_user
from dankheo.extensions import db
from dankheo.models import Role, Unit, UnitKind, User

DEFAULT_PASSWORD = "mat-khau-thu-nghiem"
_seq = count(1)


def make_unit(
    name: str | None = None,
    parent: Unit | None = None,
    kind: UnitKind = UnitKind.COMMUNE,
    code: str | None = None,
    **kw,
) -> Unit:
    n = next(_seq)
    return create_unit(
        code=code or f"U{n}", name=name or f"Đơn vị {n}", kind=kind, parent=parent, **kw
    )


def make_user(
    username: str | None = None,
    *roles: tuple[Role, Unit],
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
    full_name: str | None = None,
) -> User:
    username = username or f"user{next(_seq)}"
    user = create_user(username, full_name or f"Người dùng {username}", password, active=active)
    for role, unit in roles:
        add_membership(user, unit, role)
    db.session.commit()
    return user


def make_province() -> dict[str, Unit]:
    """A small tree: province → two districts → two communes each, and an agency."""
    province = make_unit("Tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE, code="P")
    d1 = make_unit("Huyện Một", province, UnitKind.DISTRICT, code="D1")
    d2 = make_unit("Huyện Hai", province, UnitKind.DISTRICT, code="D2")
    units = {
        "province": province,
        "d1": d1,
        "d2": d2,
        "c11": make_unit("Xã Một Một", d1, code="C11"),
        "c12": make_unit("Xã Một Hai", d1, code="C12"),
        "c21": make_unit("Xã Hai Một", d2, code="C21"),
        "c22": make_unit("Xã Hai Hai", d2, code="C22"),
        "agency": make_unit("Ban Dân vận Tỉnh ủy", province, UnitKind.AGENCY, code="BDV"),
    }
    db.session.commit()
    return units


# --- registry, campaigns, nominations (plain rows; services own the real rules) -------


def make_field(name: str = "Kinh tế"):
    from dankheo.models import Field

    field = db.session.scalar(db.select(Field).where(Field.name == name))
    if field is None:
        field = Field(name=name)
        db.session.add(field)
        db.session.flush()
    return field


def make_campaign(
    organiser: Unit,
    *,
    year: int = 2024,
    name: str | None = None,
    criteria: int = 3,
    quota: int = 5,
    **kw,
):
    """A yearly campaign with every window open, ``criteria`` criteria of 10 points,
    and one award type (Bằng khen, State profile)."""
    from dankheo.models import (
        AwardForm,
        AwardType,
        Campaign,
        CampaignKind,
        Criterion,
        IssuerProfile,
        Level,
        Phase,
    )

    phase = db.session.scalar(db.select(Phase)) or Phase(
        name="Giai đoạn 2021–2025", start_year=2021, end_year=2025
    )
    campaign = Campaign(
        phase=phase,
        organising_unit=organiser,
        year=year,
        name=name or f"Đợt thi đua “Dân vận khéo” năm {year}",
        kind=kw.pop("kind", CampaignKind.YEARLY),
        level=kw.pop("level", Level.PROVINCE),
        **kw,
    )
    for i in range(criteria):
        campaign.criteria.append(
            Criterion(title=f"Tiêu chí {i + 1}", max_points=10, weight=1, position=i)
        )
    campaign.award_types.append(
        AwardType(
            form=AwardForm.BANG_KHEN,
            issuer_title="Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh",
            issuer_profile=IssuerProfile.STATE,
            decision_suffix="QĐ-UBND",
            quota=quota,
        )
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def make_initiative(
    unit: Unit, name: str | None = None, *, year: int = 2024, status=None, field=None, **kw
):
    from dankheo.models import Initiative, InitiativeYear, YearStatus
    from dankheo.vietnamese import fold, sort_key

    name = name or f"Mô hình số {next(_seq)}"
    field = field or make_field()
    initiative = Initiative(
        unit=unit,
        field=field,
        name=name,
        first_year=year,
        search_text=fold(f"{name} {unit.name}"),
        sort_key=sort_key(name),
        **kw,
    )
    initiative.years.append(
        InitiativeYear(
            year=year, status=status or YearStatus.RECOGNISED, unit_id=unit.id, field_id=field.id
        )
    )
    db.session.add(initiative)
    db.session.flush()
    return initiative


def make_exemplar(unit: Unit, name: str | None = None, *, year: int = 2024, kind=None, **kw):
    from dankheo.models import Exemplar, ExemplarKind
    from dankheo.vietnamese import fold, sort_key

    name = name or f"Nguyễn Văn {next(_seq)}"
    exemplar = Exemplar(
        kind=kind or ExemplarKind.INDIVIDUAL,
        name=name,
        unit=unit,
        year=year,
        search_text=fold(name),
        sort_key=sort_key(name),
        **kw,
    )
    db.session.add(exemplar)
    db.session.flush()
    return exemplar


def make_nomination(campaign, unit: Unit, *, initiative=None, state=None, award_type=None, **kw):
    from dankheo.models import Nomination, NominationState

    initiative = initiative if initiative is not None else make_initiative(unit)
    nomination = Nomination(
        campaign=campaign,
        award_type=award_type or campaign.award_types[0],
        unit=unit,
        initiative=initiative,
        recipient_name=kw.pop("recipient_name", initiative.name),
        achievement_text=kw.pop(
            "achievement_text",
            f"Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm "
            f"{campaign.year}",
        ),
        state=state or NominationState.DRAFT,
        **kw,
    )
    db.session.add(nomination)
    db.session.flush()
    return nomination
