"""Campaign configuration writes: fields, the phase, campaigns (windows), the rubric
(open until review opens) and award types.

Every function takes the acting user, ``flush()``es and never commits; refusals are
``DomainError``s whose text is in dankheo/messages.py."""

from datetime import date

import sqlalchemy as sa

from dankheo import audit, vietnamese
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Campaign,
    CampaignIndicator,
    Criterion,
    Field,
    IndicatorValue,
    Phase,
    PriorityArea,
)
from dankheo.vietnamese import nfc

DEFAULT_FIELDS = (
    "Kinh tế",
    "Văn hóa – xã hội",
    "Quốc phòng – an ninh",
    "Xây dựng Đảng, hệ thống chính trị",
)
DEFAULT_PHASE = ("Giai đoạn 2021–2025", 2021, 2025)
# The directive's hard areas (lĩnh vực trọng tâm), the defaults of the second
# classification; migration c0d47ad6217c inserts the same four.
DEFAULT_PRIORITY_AREAS = (
    "Dự án có thu hồi đất",
    "An sinh xã hội",
    "Xây dựng nông thôn mới",
    "Đô thị văn minh",
)

CAMPAIGN_WINDOWS = (
    ("registration", "đăng ký"),
    ("nomination", "đề nghị khen thưởng"),
    ("review", "chấm điểm"),
)


# --- fields and the phase ---------------------------------------------------------------


def ensure_default_fields() -> list[Field]:
    """The four default fields, created when missing (idempotent)."""
    existing = {f.name: f for f in db.session.scalars(sa.select(Field))}
    out = []
    for position, name in enumerate(DEFAULT_FIELDS):
        field = existing.get(name)
        if field is None:
            field = Field(name=name, position=position, active=True)
            db.session.add(field)
        out.append(field)
    db.session.flush()
    return out


def ensure_phase(year: int | None = None) -> Phase:
    """The phase covering ``year`` (default: the 2021–2025 phase), created when missing as
    the five-year phase of the movement's cycle that holds it (2026–2030 for 2027)."""
    name, start, end = DEFAULT_PHASE
    if year is not None:
        found = db.session.scalar(
            sa.select(Phase)
            .where(Phase.start_year <= year, Phase.end_year >= year)
            .order_by(Phase.start_year)
            .limit(1)
        )
        if found is not None:
            return found
        length = end - start + 1
        start = start + (year - start) // length * length
        end = start + length - 1
        name = f"Giai đoạn {start}–{end}"
    phase = db.session.scalar(sa.select(Phase).where(Phase.start_year == start))
    if phase is None:
        phase = Phase(name=name, start_year=start, end_year=end)
        db.session.add(phase)
        db.session.flush()
    return phase


def save_field(actor, *, name: str, position: int, active: bool, field: Field | None = None):
    field, created = _save_classification(
        Field, "field.name_taken", field, name=name, position=position, active=active
    )
    audit.record(actor, "field.create" if created else "field.update", field)
    return field


def _save_classification(model, name_taken: str, row, *, name: str, position: int, active):
    """(row, created) for a field or a priority area: a unique name (else DomainError
    ``name_taken``), a position in the lists, active or kept for history."""
    name = nfc(name)
    clash = sa.select(model.id).where(model.name == name)
    if row is not None:
        clash = clash.where(model.id != row.id)
    if db.session.scalar(clash):
        raise DomainError(name_taken, name=name)
    created = row is None
    if created:
        row = model()
        db.session.add(row)
    row.name, row.position, row.active = name, position, active
    db.session.flush()
    return row, created


# --- priority areas (lĩnh vực trọng tâm) -------------------------------------------------


def ensure_default_priority_areas() -> list[PriorityArea]:
    """The directive's four priority areas, created when missing (idempotent)."""
    existing = {a.name: a for a in db.session.scalars(sa.select(PriorityArea))}
    out = []
    for position, name in enumerate(DEFAULT_PRIORITY_AREAS):
        area = existing.get(name)
        if area is None:
            area = PriorityArea(name=name, position=position, active=True)
            db.session.add(area)
        out.append(area)
    db.session.flush()
    return out


def save_priority_area(
    actor, *, name: str, position: int, active: bool, area: PriorityArea | None = None
) -> PriorityArea:
    area, created = _save_classification(
        PriorityArea, "priority_area.name_taken", area, name=name, position=position, active=active
    )
    audit.record(actor, "priority_area.create" if created else "priority_area.update", area)
    return area


# --- the campaign's own indicators --------------------------------------------------------


def add_indicator(actor, campaign: Campaign, *, name: str, unit_label: str) -> CampaignIndicator:
    """An indicator officers report for each year of their initiatives in the campaign's
    year, beside the standard figures."""
    name = nfc(name)
    if any(i.name == name for i in campaign.indicators):
        raise DomainError("indicator.name_taken", name=name)
    indicator = CampaignIndicator(
        name=name,
        unit_label=nfc(unit_label),
        position=max((i.position for i in campaign.indicators), default=0) + 1,
    )
    campaign.indicators.append(indicator)
    db.session.flush()
    audit.record(
        actor,
        "indicator.create",
        indicator,
        unit_id=campaign.organising_unit_id,
        details={"campaign_id": campaign.id, "name": name},
    )
    return indicator


def delete_indicator(actor, indicator: CampaignIndicator) -> None:
    """Refused once a year report gives it a value (the figures would be lost)."""
    used = db.session.scalar(
        sa.select(sa.func.count(IndicatorValue.id)).where(
            IndicatorValue.indicator_id == indicator.id
        )
    )
    if used:
        raise DomainError("indicator.in_use", name=indicator.name, count=used)
    campaign = indicator.campaign
    audit.record(
        actor,
        "indicator.delete",
        indicator,
        unit_id=campaign.organising_unit_id,
        details={"campaign_id": campaign.id, "name": indicator.name},
    )
    campaign.indicators.remove(indicator)
    db.session.flush()


# --- campaigns --------------------------------------------------------------------------


def _check_windows(values: dict) -> None:
    for window, label in CAMPAIGN_WINDOWS:
        opens, closes = values.get(f"{window}_opens"), values.get(f"{window}_closes")
        if opens and closes and closes < opens:
            raise DomainError("campaign.bad_window", window=label)


CAMPAIGN_COLUMNS = (
    "name",
    "year",
    "kind",
    "level",
    "organising_unit_id",
    "registration_opens",
    "registration_closes",
    "nomination_opens",
    "nomination_closes",
    "review_opens",
    "review_closes",
    "reviewers_per_nomination",
    "half_points",
    "show_scores_after_submission",
    "spread_threshold",
    "pass_threshold",
)


def save_campaign(actor, values: dict, campaign: Campaign | None = None) -> Campaign:
    """Create (``campaign`` None) or update a campaign from a mapping of its columns."""
    _check_windows(values)
    created = campaign is None
    year = values.get("year", campaign.year if campaign else None)
    # A new campaign joins the phase of its year; an existing one keeps its phase.
    phase = ensure_phase(year) if created else campaign.phase
    if year is not None and not phase.start_year <= year <= phase.end_year:
        raise DomainError(
            "campaign.year_outside_phase",
            year=year,
            phase=f"{phase.start_year}–{phase.end_year}",
        )
    if created:
        campaign = Campaign(phase=phase)
        db.session.add(campaign)
    for column in CAMPAIGN_COLUMNS:
        if column in values:
            value = values[column]
            setattr(campaign, column, nfc(value) if isinstance(value, str) else value)
    db.session.flush()
    audit.record(
        actor,
        "campaign.create" if created else "campaign.update",
        campaign,
        unit_id=campaign.organising_unit_id,
    )
    return campaign


def rubric_locked(campaign: Campaign, today: date | None = None) -> bool:
    """Criteria can change only until the review window opens."""
    today = today or vietnamese.today()
    return campaign.review_opens is not None and campaign.review_opens <= today


def _ensure_rubric_open(campaign: Campaign, today: date | None) -> None:
    if rubric_locked(campaign, today):
        raise DomainError("campaign.rubric_locked", day=campaign.review_opens.strftime("%d/%m/%Y"))


def save_criterion(
    actor, campaign: Campaign, values: dict, criterion: Criterion | None = None, today=None
) -> Criterion:
    _ensure_rubric_open(campaign, today)
    created = criterion is None
    if created:
        criterion = Criterion(campaign=campaign)
        db.session.add(criterion)
    criterion.title = nfc(values["title"])
    criterion.description = nfc(values.get("description") or "")
    criterion.max_points = values["max_points"]
    criterion.weight = values["weight"]
    criterion.position = values.get("position") or 0
    db.session.flush()
    audit.record(
        actor,
        "criterion.create" if created else "criterion.update",
        criterion,
        unit_id=campaign.organising_unit_id,
        details={"campaign_id": campaign.id},
    )
    return criterion


def delete_criterion(actor, criterion: Criterion, today=None) -> None:
    campaign = criterion.campaign
    _ensure_rubric_open(campaign, today)
    audit.record(
        actor,
        "criterion.delete",
        criterion,
        unit_id=campaign.organising_unit_id,
        details={"campaign_id": campaign.id, "title": criterion.title},
    )
    campaign.criteria.remove(criterion)
    db.session.flush()


AWARD_TYPE_COLUMNS = (
    "form",
    "issuer_title",
    "issuer_name",
    "issuer_profile",
    "decision_suffix",
    "quota",
    "paper",
)


def save_award_type(
    actor, campaign: Campaign, values: dict, award_type: AwardType | None = None
) -> AwardType:
    created = award_type is None
    if created:
        award_type = AwardType(campaign=campaign)
        db.session.add(award_type)
    for column in AWARD_TYPE_COLUMNS:
        if column in values:
            value = values[column]
            setattr(award_type, column, nfc(value) if isinstance(value, str) else value)
    db.session.flush()
    audit.record(
        actor,
        "award_type.create" if created else "award_type.update",
        award_type,
        unit_id=campaign.organising_unit_id,
        details={"campaign_id": campaign.id},
    )
    return award_type
