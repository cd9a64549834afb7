"""Registry writes: initiatives and their years, exemplars, evidence and the XLSX import.

Every function takes the acting user, ``flush()``es and never commits; refusals are
``DomainError``s whose text is in dankheo/messages.py. Initiatives and exemplars keep
their ``search_text`` (accent-folded name and unit) and ``sort_key`` (Vietnamese
collation key) current here, and each year row carries the initiative's unit and field.
The formulas of those two columns are the functions below, which the volume generator
(dankheo/demo/volume) calls too.
"""

from sqlalchemy.orm.exc import StaleDataError

from dankheo import audit
from dankheo.errors import DomainError, StaleVersion
from dankheo.extensions import db
from dankheo.models import (
    Evidence,
    Exemplar,
    Field,
    Initiative,
    InitiativeYear,
    Unit,
    YearStatus,
)
from dankheo.registry import evidence as evidence_files
from dankheo.vietnamese import fold, nfc, sort_key

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


# --- search and sort keys ---------------------------------------------------------------


def initiative_search_text(name: str, unit_name: str) -> str:
    """What the initiative lists search: the name and the unit, accent-folded."""
    return fold(f"{name} {unit_name}")[:1000]


def initiative_sort_key(name: str) -> str:
    return sort_key(name)[:1200]


def exemplar_search_text(name: str, position: str, unit_name: str) -> str:
    """What the exemplar list searches: the name, the position and the unit, folded."""
    return fold(f"{name} {position} {unit_name}")[:1000]


def exemplar_sort_key(name: str) -> str:
    return sort_key(name)[:800]


# --- initiatives ------------------------------------------------------------------------


def index_initiative(initiative: Initiative, unit: Unit | None = None) -> None:
    unit = unit or initiative.unit
    initiative.search_text = initiative_search_text(initiative.name, unit.name if unit else "")
    initiative.sort_key = initiative_sort_key(initiative.name)
    if unit is not None:
        initiative.unit_path = unit.path


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
        InitiativeYear(
            year=year,
            status=YearStatus.REGISTERED,
            unit_id=unit.id,
            field_id=field.id,
            unit_path=unit.path,
        )
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
        row.unit_path = initiative.unit.path


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
        unit_path=initiative.unit_path,
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


def index_exemplar(exemplar: Exemplar, unit: Unit | None = None) -> None:
    unit = unit or exemplar.unit
    exemplar.search_text = exemplar_search_text(exemplar.name, exemplar.position, unit.name)
    exemplar.sort_key = exemplar_sort_key(exemplar.name)
    if unit is not None:
        exemplar.unit_path = unit.path


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
    index_exemplar(exemplar, unit)
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
