"""Loads one province's official units, agencies and successions into the database.

``load_official_units`` resolves the province, builds the plan (``plan.official_plan``
and ``agencies.agency_plan``) and ``apply_plan`` makes the database agree with it:
units are matched by code; what is missing is added (bulk inserts, one flush per level
of the tree), what differs is updated and reported, what the lists no longer have is
reported and never deleted. Like every service it flushes and never commits: the
caller's transaction holds the whole load.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from dankheo import audit

# The unit services' own rules: search text and sort key, and re-parenting with paths.
from dankheo.admin.units import move_unit, unit_search_text, unit_sort_key
from dankheo.extensions import db
from dankheo.models.units import (
    COMMUNE_LEVEL_KINDS,
    DISTRICT_LEVEL_KINDS,
    PROVINCE_LEVEL_KINDS,
    SUCCESSION_KIND_LABELS,
    UNIT_KIND_LABELS,
    SuccessionKind,
    Unit,
    UnitKind,
    UnitSuccession,
)
from dankheo.tree import path_for, within_prefixes
from dankheo.units.agencies import ProvinceContext, agency_plan, load_seed
from dankheo.units.codes import is_agency_code, is_official_code, legacy_code
from dankheo.units.dataset import OfficialDataset
from dankheo.units.errors import OfficialUnitsError
from dankheo.units.plan import Plan, PlannedSuccession, PlannedUnit, official_plan
from dankheo.units.report import Difference, LoadReport
from dankheo.vietnamese import format_date

_CHUNK = 500  # ids or codes per IN (...) list: well under every backend's limit


def load_official_units(
    province: str,
    *,
    dataset: OfficialDataset | None = None,
    agencies: bool = True,
    seed_path: Path | None = None,
    actor=None,
) -> LoadReport:
    """Load the province of today named ``province`` (name or code) with its
    predecessors, and (unless ``agencies`` is false) the agency seed."""
    dataset = dataset or OfficialDataset.bundled()
    entry = dataset.find_province(province)
    data = dataset.province_data(entry)
    plan = official_plan(data)
    if agencies:
        seed = load_seed(seed_path)
        kinds = {u.code: u.kind for u in plan.units}
        new = ProvinceContext(
            plan.province_code, entry.place.code, entry.short_name, kinds[plan.province_code]
        )
        olds = [
            ProvinceContext(
                legacy_code(p.entry.place.code),
                p.entry.place.code,
                p.entry.short_name,
                kinds[legacy_code(p.entry.place.code)],
            )
            for p in data.predecessors
        ]
        plan.extend(agency_plan(seed, new, olds))
    report = LoadReport(
        source=dataset.source,
        province_name=plan.province_name,
        province_code=plan.province_code,
        predecessor_names=plan.predecessor_names,
        warnings=list(plan.warnings),
    )
    apply_plan(plan, report, agencies=agencies)
    if report.changed:
        province_unit = db.session.scalar(sa.select(Unit).where(Unit.code == plan.province_code))
        audit.record(
            actor,
            "units.load_official",
            province_unit,
            unit_id=province_unit.id,
            details={"source": report.source, **report.counts()},
        )
    return report


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _units_by_code(codes: Iterable[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for chunk in _chunks(list(codes)):
        found |= {
            u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.code.in_(chunk)))
        }
    return found


def _family(kind: UnitKind) -> str:
    for name, kinds in (
        ("province", PROVINCE_LEVEL_KINDS),
        ("district", DISTRICT_LEVEL_KINDS),
        ("commune", COMMUNE_LEVEL_KINDS),
    ):
        if kind in kinds:
            return name
    return "organisation"


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, UnitKind):
        return UNIT_KIND_LABELS[value]
    if isinstance(value, SuccessionKind):
        return SUCCESSION_KIND_LABELS[value]
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def apply_plan(plan: Plan, report: LoadReport, *, agencies: bool = True) -> None:
    """Make the database agree with ``plan``, recording in ``report`` what changed;
    ``agencies`` says whether the plan holds the seed's agencies (else their absence
    from it is not reported)."""
    planned = {u.code: u for u in plan.units}
    if len(planned) != len(plan.units):
        raise OfficialUnitsError("units.dataset_format", detail="mã đơn vị trùng nhau")
    units = _units_by_code(planned)
    existing = [(units[u.code], u) for u in plan.units if u.code in units]
    # New units first: an existing unit may have moved under one (a new district).
    _add_units([u for u in plan.units if u.code not in units], units, report)
    for unit, target in existing:
        _update_unit(unit, target, units, report)
    missing = _missing_units(plan, units, agencies=agencies)
    report.units_missing += [_subject(u) for u in missing]
    _sync_successions(plan.successions, units, missing, report)


def _subject(unit: Unit | PlannedUnit) -> str:
    return f"{unit.code} {unit.name}"


def _update_unit(unit: Unit, target: PlannedUnit, units: dict[str, Unit], report) -> None:
    if _family(unit.kind) != _family(target.kind):
        raise OfficialUnitsError(
            "units.code_clash",
            unit_code=unit.code,
            name=unit.name,
            kind=unit.kind_label,
            expected=UNIT_KIND_LABELS[target.kind].lower(),
        )
    subject = _subject(unit)

    def differs(field: str, old, new) -> bool:
        if old == new:
            return False
        report.units_changed.append(Difference(subject, field, _show(old), _show(new)))
        return True

    if differs("name", unit.name, target.name):
        unit.name = target.name
        unit.search_text = unit_search_text(unit.code, unit.name)
        unit.sort_key = unit_sort_key(unit.name)
    if differs("kind", unit.kind, target.kind):
        unit.kind = target.kind
    if differs("valid_from", unit.valid_from, target.valid_from):
        unit.valid_from = target.valid_from
    if differs("valid_to", unit.valid_to, target.valid_to):
        unit.valid_to = target.valid_to
    old_centroid = (unit.latitude, unit.longitude)
    new_centroid = (target.latitude, target.longitude)
    if old_centroid != new_centroid:
        report.units_changed.append(
            Difference(subject, "centroid", _centroid(*old_centroid), _centroid(*new_centroid))
        )
        unit.latitude, unit.longitude = new_centroid
    parent = units.get(target.parent_code) if target.parent_code else None
    if unit.parent_id != (parent.id if parent else None):
        old_parent = db.session.get(Unit, unit.parent_id) if unit.parent_id else None
        report.units_changed.append(
            Difference(
                subject,
                "parent",
                _subject(old_parent) if old_parent else "",
                _subject(parent) if parent else "",
            )
        )
        move_unit(unit, parent)


def _centroid(latitude, longitude) -> str:
    return "" if latitude is None else f"{latitude}, {longitude}"


def _add_units(new_units: list[PlannedUnit], units: dict[str, Unit], report) -> None:
    """Insert ``new_units`` level by level: each level is one batched INSERT (ids come
    back with it) and one batched UPDATE of the paths, which need those ids."""
    pending = list(new_units)
    while pending:
        level = [u for u in pending if u.parent_code is None or u.parent_code in units]
        if not level:
            missing = sorted({u.parent_code for u in pending})
            raise OfficialUnitsError(
                "units.dataset_format", detail=f"không có đơn vị cấp trên {', '.join(missing)}"
            )
        created = []
        for target in level:
            parent = units.get(target.parent_code) if target.parent_code else None
            unit = Unit(
                code=target.code,
                name=target.name,
                kind=target.kind,
                parent_id=parent.id if parent else None,
                depth=parent.depth + 1 if parent else 0,
                valid_from=target.valid_from,
                valid_to=target.valid_to,
                latitude=target.latitude,
                longitude=target.longitude,
                search_text=unit_search_text(target.code, target.name),
                sort_key=unit_sort_key(target.name),
            )
            created.append((unit, parent))
        db.session.add_all([unit for unit, _ in created])
        db.session.flush()
        for unit, parent in created:
            unit.path = path_for(unit, parent)
            units[unit.code] = unit
            report.units_added.append(_subject(unit))
        db.session.flush()
        done = {u.code for u in level}
        pending = [u for u in pending if u.code not in done]


def _succession_subject(pred: str, succ: str, units: dict[str, Unit]) -> str:
    return f"{_subject(units[pred])} → {_subject(units[succ])}"


def _sync_successions(
    planned: list[PlannedSuccession],
    units: dict[str, Unit],
    missing: list[Unit],
    report: LoadReport,
) -> None:
    """Add and update the planned successions; report the ones between the loader's
    units (planned or missing from the plan) that the plan no longer has."""
    by_id = {unit.id: unit for unit in [*units.values(), *missing]}
    ids = list(by_id)
    existing: dict[tuple[str, str], UnitSuccession] = {}
    for chunk in _chunks(ids):
        for row in db.session.scalars(
            sa.select(UnitSuccession).where(UnitSuccession.predecessor_id.in_(chunk))
        ):
            successor = by_id.get(row.successor_id)
            if successor is not None:
                existing[(by_id[row.predecessor_id].code, successor.code)] = row
    wanted = {}
    for target in planned:
        wanted.setdefault((target.predecessor_code, target.successor_code), target)
    new_rows = []
    for key, target in wanted.items():
        row = existing.get(key)
        subject = _succession_subject(*key, units)
        if row is None:
            new_rows.append(
                UnitSuccession(
                    predecessor_id=units[key[0]].id,
                    successor_id=units[key[1]].id,
                    kind=target.kind,
                    effective_on=target.effective_on,
                    is_default=target.is_default,
                    note=target.note,
                )
            )
            report.successions_added.append(subject)
            continue
        for field in ("kind", "effective_on", "is_default", "note"):
            old, new = getattr(row, field), getattr(target, field)
            if old != new:
                report.successions_changed.append(
                    Difference(subject, field, _show(old), _show(new))
                )
                setattr(row, field, new)
    db.session.add_all(new_rows)
    db.session.flush()
    by_code = {unit.code: unit for unit in by_id.values()}
    report.successions_missing += [
        _succession_subject(*key, by_code) for key in existing if key not in wanted
    ]


def _missing_units(plan: Plan, units: dict[str, Unit], *, agencies: bool) -> list[Unit]:
    """Units this loader made under the plan's provinces that the plan no longer has
    (official units, and agencies when the plan holds the seed's)."""
    roots = [units[u.code].path for u in plan.units if u.parent_code is None]
    candidates = db.session.scalars(
        sa.select(Unit)
        .where(within_prefixes(Unit.path, roots), Unit.code.not_in(list(units)))
        .order_by(Unit.path)
    )
    return [
        u for u in candidates if is_official_code(u.code) or (agencies and is_agency_code(u.code))
    ]
