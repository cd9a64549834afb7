"""Registry writes: initiatives and their years, exemplars and the XLSX import (evidence:
registry/evidence_records.py).

Every function takes the acting user, ``flush()``es and never commits; refusals are
``DomainError``s whose text is in dankheo/messages.py. Initiatives and exemplars keep
their ``search_text`` (accent-folded name and unit) and ``sort_key`` (Vietnamese
collation key) current here, and each year row carries the initiative's unit and field.
The formulas of those two columns are the functions below, which the volume generator
(dankheo/demo/volume) calls too.
"""

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from dankheo import audit
from dankheo.errors import DomainError, StaleVersion
from dankheo.extensions import db
from dankheo.models import (
    Exemplar,
    ExemplarKind,
    Field,
    Initiative,
    InitiativeYear,
    PriorityArea,
    Unit,
    YearStatus,
)
from dankheo.models.base import utcnow
from dankheo.models.registry import EVALUATION_STATUSES, YEAR_FIGURES, IndicatorValue
from dankheo.tree import (
    direct_predecessors,
    exists_in_year,
    successors_in_year,
    unit_for_year,
)
from dankheo.vietnamese import fold, format_date, nfc, person_sort_key, sort_key

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


def exemplar_sort_key(name: str, kind: ExemplarKind | None = None) -> str:
    """A collective sorts by its name; an individual as Vietnamese lists of people do,
    by given name, then middle name, then surname."""
    if kind == ExemplarKind.INDIVIDUAL:
        return person_sort_key(name)[:800]
    return sort_key(name)[:800]


# --- a record's year inside its unit's life ----------------------------------------------


def _names(units) -> str:
    return ", ".join(f"“{u.name}”" for u in units)


def check_year_in_unit_life(unit: Unit, year: int) -> None:
    """Refuse a record (or a year of one) dated outside its unit's life, naming where the
    record belongs instead: the successor(s) of a closed unit, the predecessors of a unit
    that did not exist yet."""
    if exists_in_year(unit, year):
        return
    if unit.valid_to is not None and year > unit.valid_to.year:
        successors = [link.unit for link in successors_in_year(unit, year)]
        raise DomainError(
            "registry.unit_closed" if successors else "registry.unit_closed_no_successor",
            unit=unit.name,
            day=format_date(unit.valid_to),
            year=year,
            successors=_names(successors),
        )
    predecessors = direct_predecessors(unit)
    raise DomainError(
        "registry.unit_not_yet" if predecessors else "registry.unit_not_yet_alone",
        unit=unit.name,
        day=format_date(unit.valid_from),
        year=year,
        predecessors=_names(predecessors),
    )


def year_unit(unit: Unit, year: int, actor=None) -> Unit:
    """The unit a year row of a record of ``unit`` sits on: ``unit`` while it exists at
    the end of ``year``, else its successor then (the acting officer's own unit when it
    is one of them, else the split's default); refused when a closed unit has none."""
    units = {m.unit_id for m in getattr(actor, "memberships", [])}
    carrier = unit_for_year(unit, year, prefer=lambda u: u.id in units)
    if carrier is None:
        check_year_in_unit_life(unit, year)  # raises: closed without successor
        return unit  # exists in the year without reaching its end: a dissolved unit
    return carrier


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
    priority_areas: list[PriorityArea] | None = None,
) -> Initiative:
    """Register a new initiative with its first year (status ``registered``); the year
    must fall inside the unit's life."""
    check_year_in_unit_life(unit, year)
    initiative = Initiative(
        priority_areas=list(priority_areas or []),
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
    priority_areas: list[PriorityArea] | None = None,
) -> Initiative:
    """Save the registration form (``priority_areas`` None leaves them as they are).
    ``expected_version`` is the version the form was loaded at: if someone saved in
    between, nothing is written (StaleVersion)."""
    if expected_version is None or expected_version != initiative.version:
        raise StaleVersion()
    if replicated_from is not None and replicated_from.id == initiative.id:
        raise DomainError("initiative.replicates_itself")
    unit_changed = initiative.unit_id != unit.id
    initiative.unit, initiative.field = unit, field
    if priority_areas is not None:
        initiative.priority_areas = list(priority_areas)
    initiative.replicated_from = replicated_from
    _apply_initiative_values(initiative, values)
    index_initiative(initiative, unit)
    _sync_years(initiative, unit_changed=unit_changed)
    try:
        db.session.flush()
    except StaleDataError as err:  # a concurrent save landed between read and write
        raise StaleVersion() from err
    audit.record(actor, "initiative.update", initiative)
    return initiative


def _sync_years(initiative: Initiative, *, unit_changed: bool) -> None:
    """Each year carries the initiative's field; after a change of unit, the first year
    must fall in the new unit's life and each year moves to the unit that carried it
    then (the new unit, or its successor for the years after it closed)."""
    if unit_changed and initiative.years:
        first = min(r.year for r in initiative.years)
        check_year_in_unit_life(initiative.unit, first)
    for row in initiative.years:
        if unit_changed:
            carrier = initiative.unit
            if row.year != first:
                carrier = unit_for_year(initiative.unit, row.year) or initiative.unit
            row.unit_id, row.unit_path = carrier.id, carrier.path
        row.field_id = initiative.field.id


def report_year(
    actor,
    row: InitiativeYear,
    *,
    figures: dict,
    text: str,
    indicators: dict | None = None,
) -> InitiativeYear:
    """The officer's report of one year: the standard figures (``YEAR_FIGURES``; None
    leaves one unreported), the campaign's own indicators (indicator → value) and the
    text. Refused once the year is evaluated: the secretary judged that report."""
    # Claim the row in the database, not on what this request read: a secretary's
    # evaluation committed meanwhile makes the UPDATE match nothing (PostgreSQL waits for
    # the evaluating transaction and re-checks the condition; SQLite serialises writes).
    claimed = db.session.execute(
        sa.update(InitiativeYear)
        .where(InitiativeYear.id == row.id, InitiativeYear.evaluated_at.is_(None))
        .values(reported_at=utcnow())
        # Neither the year, status, field nor unit change: the kept counts stay right.
        .execution_options(synchronize_session=False, counts_unchanged=True)
    )
    if claimed.rowcount != 1:
        db.session.refresh(row)
        raise DomainError("initiative.year_evaluated", year=row.year, status=row.status_label)
    for column, _label, _unit in YEAR_FIGURES:
        value = figures.get(column)
        if value is not None and value < 0:
            raise DomainError("initiative.figure_negative")
        setattr(row, column, value)
    row.report_text = nfc(text)
    wanted = {ind.id: (ind, value) for ind, value in (indicators or {}).items()}
    for existing in list(row.indicator_values):
        if existing.indicator_id not in wanted or wanted[existing.indicator_id][1] is None:
            row.indicator_values.remove(existing)
    current = {v.indicator_id: v for v in row.indicator_values}
    for indicator_id, (indicator, value) in wanted.items():
        if value is None:
            continue
        if value < 0:
            raise DomainError("initiative.figure_negative")
        if indicator_id in current:
            current[indicator_id].value = Decimal(value)
        else:
            row.indicator_values.append(IndicatorValue(indicator=indicator, value=Decimal(value)))
    first = row.reported_at is None
    row.reported_at = utcnow()
    row.reported_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        actor,
        "initiative.report",
        row.initiative,
        unit_id=row.unit_id,
        details={
            "year": row.year,
            "first": first,
            **{c: getattr(row, c) for c, _l, _u in YEAR_FIGURES},
            "indicators": {str(k): str(v) for k, (_i, v) in wanted.items() if v is not None},
        },
    )
    return row


def evaluate_year(actor, row: InitiativeYear, status: YearStatus, note: str = "") -> None:
    """Set the status of one year of an initiative (the organising body's call), once
    the officer has reported that year."""
    if status not in EVALUATION_STATUSES:
        raise DomainError("initiative.bad_evaluation")
    if row.reported_at is None:
        raise DomainError("initiative.year_not_reported", year=row.year)
    before = row.status
    row.status = status
    row.note = nfc(note)
    row.evaluated_at = utcnow()
    row.evaluated_by_id = getattr(actor, "id", None)
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
    year as it stands. The new year sits on the unit that carries it then: the same
    unit, or after a merger or split its successor (the acting officer's own, else the
    default one)."""
    if not initiative.years:
        raise DomainError("initiative.no_year")
    latest = max(initiative.years, key=lambda r: r.year)
    if latest.status == YearStatus.DROPPED:
        raise DomainError("initiative.dropped", year=latest.year)
    year = latest.year + 1
    carrier = year_unit(db.session.get(Unit, latest.unit_id), year, actor)
    row = InitiativeYear(
        year=year,
        status=YearStatus.REGISTERED,
        unit_id=carrier.id,
        field_id=initiative.field_id,
        unit_path=carrier.path,
    )
    initiative.years.append(row)
    db.session.flush()
    audit.record(
        actor,
        "initiative.carry_over",
        initiative,
        to_state=YearStatus.REGISTERED.value,
        details={"from_year": latest.year, "year": year, "unit": carrier.code},
    )
    return row


# --- exemplars --------------------------------------------------------------------------


def index_exemplar(exemplar: Exemplar, unit: Unit | None = None) -> None:
    unit = unit or exemplar.unit
    exemplar.search_text = exemplar_search_text(exemplar.name, exemplar.position, unit.name)
    exemplar.sort_key = exemplar_sort_key(exemplar.name, exemplar.kind)
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
    priority_areas: list[PriorityArea] | None = None,
) -> Exemplar:
    check_year_in_unit_life(unit, values["year"])
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
    if priority_areas is not None:
        exemplar.priority_areas = list(priority_areas)
    index_exemplar(exemplar, unit)
    try:
        db.session.flush()
    except StaleDataError as err:
        raise StaleVersion() from err
    audit.record(actor, "exemplar.create" if created else "exemplar.update", exemplar)
    return exemplar


# --- evidence ---------------------------------------------------------------------------


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
