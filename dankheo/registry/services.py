"""Registry writes: fields, campaigns (windows, rubric, award types), initiatives and
their years, exemplars, evidence and the XLSX import.

Every function takes the acting user, ``flush()``es and never commits; refusals are
``DomainError``s whose text is in dankheo/messages.py. Initiatives and exemplars keep
their ``search_text`` (accent-folded name and unit) and ``sort_key`` (Vietnamese
collation key) current here, and each year row carries the initiative's unit and field.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from dankheo import audit
from dankheo.errors import DomainError, StaleVersion
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Campaign,
    Criterion,
    Evidence,
    Exemplar,
    Field,
    Initiative,
    InitiativeYear,
    Phase,
    Unit,
    YearStatus,
)
from dankheo.registry import evidence as evidence_files
from dankheo.vietnamese import fold, nfc, sort_key

DEFAULT_FIELDS = (
    "Kinh tế",
    "Văn hóa – xã hội",
    "Quốc phòng – an ninh",
    "Xây dựng Đảng, hệ thống chính trị",
)
DEFAULT_PHASE = ("Giai đoạn 2021–2025", 2021, 2025)

# Columns of the registration form, written as given (strings NFC, numbers checked by forms).
INITIATIVE_TEXT_FIELDS = (
    "problem",
    "goals",
    "content_methods",
    "area_beneficiaries",
    "implementers",
    "in_kind",
    "outputs",
    "sustainability",
)
INITIATIVE_NUMBER_FIELDS = ("funding_vnd", "socialised_vnd", "labour_days", "land_m2")
INITIATIVE_DATE_FIELDS = ("started_on", "evaluation_on")

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


def ensure_phase() -> Phase:
    name, start, end = DEFAULT_PHASE
    phase = db.session.scalar(sa.select(Phase).where(Phase.start_year == start))
    if phase is None:
        phase = Phase(name=name, start_year=start, end_year=end)
        db.session.add(phase)
        db.session.flush()
    return phase


def save_field(actor, *, name: str, position: int, active: bool, field: Field | None = None):
    name = nfc(name)
    clash = sa.select(Field.id).where(Field.name == name)
    if field is not None:
        clash = clash.where(Field.id != field.id)
    if db.session.scalar(clash):
        raise DomainError("field.name_taken", name=name)
    created = field is None
    if created:
        field = Field()
        db.session.add(field)
    field.name, field.position, field.active = name, position, active
    db.session.flush()
    audit.record(actor, "field.create" if created else "field.update", field)
    return field


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
    "spread_threshold",
    "pass_threshold",
)


def save_campaign(actor, values: dict, campaign: Campaign | None = None) -> Campaign:
    """Create (``campaign`` None) or update a campaign from a mapping of its columns."""
    _check_windows(values)
    created = campaign is None
    if created:
        campaign = Campaign(phase=ensure_phase())
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
    today = today or date.today()
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


# --- initiatives ------------------------------------------------------------------------


def index_initiative(initiative: Initiative, unit: Unit | None = None) -> None:
    unit = unit or initiative.unit
    initiative.search_text = fold(f"{initiative.name} {unit.name if unit else ''}")[:1000]
    initiative.sort_key = sort_key(initiative.name)[:1200]


def _apply_initiative_values(initiative: Initiative, values: dict) -> None:
    if "name" in values:
        initiative.name = nfc(values["name"])
    for column in INITIATIVE_TEXT_FIELDS:
        if column in values:
            setattr(initiative, column, nfc(values[column] or ""))
    for column in INITIATIVE_NUMBER_FIELDS:
        if column in values:
            setattr(initiative, column, values[column] or 0)
    for column in INITIATIVE_DATE_FIELDS:
        if column in values:
            setattr(initiative, column, values[column])
    if (
        initiative.started_on
        and initiative.evaluation_on
        and initiative.evaluation_on < initiative.started_on
    ):
        raise DomainError("initiative.dates_order")


def create_initiative(
    actor,
    *,
    unit: Unit,
    field: Field,
    year: int,
    values: dict,
    replicated_from: Initiative | None = None,
) -> Initiative:
    """Register a new initiative with its first year (status ``registered``)."""
    initiative = Initiative(
        unit=unit,
        field=field,
        first_year=year,
        replicated_from=replicated_from,
        created_by_id=getattr(actor, "id", None),
    )
    _apply_initiative_values(initiative, values)
    index_initiative(initiative, unit)
    db.session.add(initiative)
    db.session.flush()
    initiative.years.append(
        InitiativeYear(year=year, status=YearStatus.REGISTERED, unit_id=unit.id, field_id=field.id)
    )
    db.session.flush()
    audit.record(actor, "initiative.create", initiative, to_state=YearStatus.REGISTERED.value)
    return initiative


def update_initiative(
    actor,
    initiative: Initiative,
    *,
    expected_version: int | None,
    unit: Unit,
    field: Field,
    values: dict,
    replicated_from: Initiative | None = None,
) -> Initiative:
    """Save the registration form. ``expected_version`` is the version the form was
    loaded at: if someone saved in between, nothing is written (StaleVersion)."""
    if expected_version is None or expected_version != initiative.version:
        raise StaleVersion()
    if replicated_from is not None and replicated_from.id == initiative.id:
        raise DomainError("initiative.replicates_itself")
    initiative.unit, initiative.field = unit, field
    initiative.replicated_from = replicated_from
    _apply_initiative_values(initiative, values)
    index_initiative(initiative, unit)
    _sync_years(initiative)
    try:
        db.session.flush()
    except StaleDataError as err:  # a concurrent save landed between read and write
        raise StaleVersion() from err
    audit.record(actor, "initiative.update", initiative)
    return initiative


def _sync_years(initiative: Initiative) -> None:
    for row in initiative.years:
        row.unit_id, row.field_id = initiative.unit.id, initiative.field.id


def evaluate_year(actor, row: InitiativeYear, status: YearStatus, note: str = "") -> None:
    """Set the status of one year of an initiative (the organising body's call)."""
    before = row.status
    row.status = status
    row.note = nfc(note)
    db.session.flush()
    audit.record(
        actor,
        "initiative.evaluate",
        row.initiative,
        from_state=before.value,
        to_state=status.value,
        note=row.note,
        details={"year": row.year},
    )


def carry_over(actor, initiative: Initiative) -> InitiativeYear:
    """Carry an initiative into the year after its latest one, keeping every earlier
    year as it stands."""
    if not initiative.years:
        raise DomainError("initiative.no_year")
    latest = max(initiative.years, key=lambda r: r.year)
    if latest.status == YearStatus.DROPPED:
        raise DomainError("initiative.dropped", year=latest.year)
    year = latest.year + 1
    row = InitiativeYear(
        year=year,
        status=YearStatus.REGISTERED,
        unit_id=initiative.unit_id,
        field_id=initiative.field_id,
    )
    initiative.years.append(row)
    db.session.flush()
    audit.record(
        actor,
        "initiative.carry_over",
        initiative,
        to_state=YearStatus.REGISTERED.value,
        details={"from_year": latest.year, "year": year},
    )
    return row


# --- exemplars --------------------------------------------------------------------------


def save_exemplar(
    actor,
    *,
    values: dict,
    unit: Unit,
    field: Field | None,
    initiatives: list[Initiative],
    exemplar: Exemplar | None = None,
    expected_version: int | None = None,
) -> Exemplar:
    created = exemplar is None
    if created:
        exemplar = Exemplar(created_by_id=getattr(actor, "id", None))
        db.session.add(exemplar)
    elif expected_version is None or expected_version != exemplar.version:
        raise StaleVersion()
    exemplar.kind = values["kind"]
    exemplar.name = nfc(values["name"])
    exemplar.position = nfc(values.get("position") or "")
    exemplar.year = values["year"]
    exemplar.achievements = nfc(values.get("achievements") or "")
    exemplar.unit, exemplar.field = unit, field
    exemplar.initiatives = list(initiatives)
    exemplar.search_text = fold(f"{exemplar.name} {exemplar.position} {unit.name}")[:1000]
    exemplar.sort_key = sort_key(exemplar.name)[:800]
    try:
        db.session.flush()
    except StaleDataError as err:
        raise StaleVersion() from err
    audit.record(actor, "exemplar.create" if created else "exemplar.update", exemplar)
    return exemplar


# --- evidence ---------------------------------------------------------------------------


def add_evidence(
    actor, owner: Initiative | Exemplar, *, data: bytes, filename: str, title: str, is_public
) -> Evidence:
    """Check ``data`` by content, store it by hash and attach it to ``owner``."""
    checked = evidence_files.check(data)
    evidence_files.store(checked)
    name = evidence_files.safe_filename(filename)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    row = Evidence(
        filename=f"{stem}.{evidence_files.EXTENSIONS[checked.mime]}",
        mime=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        title=nfc(title) or stem,
        is_public=bool(is_public),
        uploaded_by_id=getattr(actor, "id", None),
    )
    if isinstance(owner, Initiative):
        row.initiative_id = owner.id
    else:
        row.exemplar_id = owner.id
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "evidence.upload",
        row,
        unit_id=owner.unit_id,
        details={"sha256": checked.sha256, "mime": checked.mime, "size": checked.size},
    )
    return row


def set_evidence_public(actor, row: Evidence, owner, is_public: bool) -> None:
    before = row.is_public
    row.is_public = is_public
    db.session.flush()
    audit.record(
        actor,
        "evidence.publish" if is_public else "evidence.unpublish",
        row,
        unit_id=owner.unit_id,
        from_state=str(before).lower(),
        to_state=str(is_public).lower(),
    )


def delete_evidence(actor, row: Evidence, owner) -> None:
    """Remove the record; the stored file stays (another record may share its hash)."""
    audit.record(
        actor,
        "evidence.delete",
        row,
        unit_id=owner.unit_id,
        details={"sha256": row.sha256, "filename": row.filename},
    )
    db.session.delete(row)
    db.session.flush()


# --- import -----------------------------------------------------------------------------


def import_initiatives(actor, rows: list[dict]) -> list[Initiative]:
    """Create one initiative per checked row (see registry.imports); all or nothing is
    the caller's transaction."""
    created = []
    for row in rows:
        created.append(
            create_initiative(
                actor,
                unit=row["unit"],
                field=row["field"],
                year=row["year"],
                values=row["values"],
            )
        )
    audit.record(actor, "initiative.import", None, details={"count": len(created)})
    return created
