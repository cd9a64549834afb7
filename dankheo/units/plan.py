"""What the official lists say one province's units and successions are: a plan of plain
records (no database), which ``sync.apply_plan`` makes the database agree with.

Rules, all derived from the data (no unit is named here):

- The 63-province list: each predecessor province, its district-level units and their
  communes, valid until 30/6/2025 (their start is not in the lists: left empty).
- The 34-province list: the province and its communes, wards and special zones directly
  under it, valid from 1/7/2025.
- Successions on 1/7/2025: every old province → the new province; every old commune →
  the new commune(s) the mapping names. A row is a *split* when its predecessor has
  several successors (one of them marked default, as the dataset's converter chooses),
  else a *merge* when its successor has several predecessors, else *keep* (same name) or
  *rename*. District-level units close without successors of their own (their communes
  carry on), except island districts without communes, which the mapping itself sends
  to a special zone.
"""

from dataclasses import dataclass, field
from datetime import date

from dankheo.models.units import SuccessionKind, UnitKind
from dankheo.units.codes import current_code, legacy_code
from dankheo.units.dataset import Place, ProvinceData
from dankheo.vietnamese import fold

REORGANISED_ON = date(2025, 7, 1)
LEGACY_UNTIL = date(2025, 6, 30)

PROVINCE_NOTE = "Sắp xếp đơn vị hành chính cấp tỉnh năm 2025"
COMMUNE_NOTE = "Sắp xếp đơn vị hành chính cấp xã năm 2025"

# The types the lists write (provinceType is implied by the name), folded.
_PROVINCE_KINDS = {"tinh": UnitKind.PROVINCE, "thanh pho": UnitKind.MUNICIPALITY}
_DISTRICT_KINDS = {
    "thanh pho": UnitKind.CITY,
    "thi xa": UnitKind.TOWN,
    "huyen": UnitKind.RURAL_DISTRICT,
    "quan": UnitKind.URBAN_DISTRICT,
}
_COMMUNE_KINDS = {
    "xa": UnitKind.COMMUNE,
    "phuong": UnitKind.WARD,
    "thi tran": UnitKind.TOWNSHIP,
    "dac khu": UnitKind.SPECIAL_ZONE,
}


@dataclass(frozen=True)
class PlannedUnit:
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class PlannedSuccession:
    predecessor_code: str
    successor_code: str
    kind: SuccessionKind
    effective_on: date
    is_default: bool = False
    note: str = ""


@dataclass
class Plan:
    """Units (each after its parent) and successions for one province of today."""

    province_code: str
    province_name: str
    predecessor_names: list[str]
    units: list[PlannedUnit] = field(default_factory=list)
    successions: list[PlannedSuccession] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: "Plan") -> None:
        self.units += other.units
        self.successions += other.successions
        self.warnings += other.warnings


def _kind(table: dict[str, UnitKind], type_text: str | None, fallback: UnitKind) -> UnitKind:
    return table.get(fold(type_text), fallback)


def _unit(place: Place, code: str, kind: UnitKind, parent: str | None, **validity):
    return PlannedUnit(
        code=code,
        name=place.name,
        kind=kind,
        parent_code=parent,
        latitude=place.latitude,
        longitude=place.longitude,
        **validity,
    )


def succession_kinds(
    pairs: list[tuple[str, str]],
    names: dict[str, str],
    absorbing: frozenset[str] = frozenset(),
) -> dict[tuple[str, str], SuccessionKind]:
    """The kind of each (predecessor, successor) code pair, by the rule in this module's
    docstring; a successor in ``absorbing`` existed before and takes its predecessors in
    (a merge even when there is one)."""
    successors: dict[str, int] = {}
    predecessors: dict[str, int] = {}
    for old, new in pairs:
        successors[old] = successors.get(old, 0) + 1
        predecessors[new] = predecessors.get(new, 0) + 1
    kinds = {}
    for old, new in pairs:
        if successors[old] > 1:
            kinds[(old, new)] = SuccessionKind.SPLIT
        elif predecessors[new] > 1 or new in absorbing:
            kinds[(old, new)] = SuccessionKind.MERGE
        elif names[old] == names[new]:
            kinds[(old, new)] = SuccessionKind.KEEP
        else:
            kinds[(old, new)] = SuccessionKind.RENAME
    return kinds


def official_plan(data: ProvinceData) -> Plan:
    new = data.province.place
    province_code = current_code(new.code)
    plan = Plan(
        province_code=province_code,
        province_name=new.name,
        predecessor_names=[
            f"{p.entry.place.name} ({p.entry.place.code})" for p in data.predecessors
        ],
    )
    plan.units.append(
        _unit(
            new,
            province_code,
            _kind(_PROVINCE_KINDS, new.type_text, UnitKind.PROVINCE),
            None,
            valid_from=REORGANISED_ON,
            valid_to=None,
        )
    )
    new_by_key: dict[str, str] = {}
    for commune in data.communes:
        code = current_code(commune.code)
        new_by_key[commune.key] = code
        plan.units.append(
            _unit(
                commune,
                code,
                _kind(_COMMUNE_KINDS, commune.type_text, UnitKind.COMMUNE),
                province_code,
                valid_from=REORGANISED_ON,
                valid_to=None,
            )
        )

    legacy = {"valid_from": None, "valid_to": LEGACY_UNTIL}
    # (old code, new code, is_default, note)
    links: list[tuple[str, str, bool, str]] = []
    for old_province in data.predecessors:
        place = old_province.entry.place
        old_code = legacy_code(place.code)
        plan.units.append(
            _unit(
                place,
                old_code,
                _kind(_PROVINCE_KINDS, place.type_text, UnitKind.PROVINCE),
                None,
                **legacy,
            )
        )
        links.append((old_code, province_code, False, PROVINCE_NOTE))
        for district in old_province.districts:
            district_code = legacy_code(district.place.code)
            plan.units.append(
                _unit(
                    district.place,
                    district_code,
                    _kind(_DISTRICT_KINDS, district.place.type_text, UnitKind.DISTRICT),
                    old_code,
                    **legacy,
                )
            )
            prefix = f"{place.key}_{district.place.key}_"
            # An island district without communes is itself mapped (empty ward key).
            for successor in data.successors.get(prefix, []):
                links.append(_link(plan, district_code, district.place, successor, new_by_key))
            for commune in district.communes:
                commune_code = legacy_code(commune.code)
                plan.units.append(
                    _unit(
                        commune,
                        commune_code,
                        _kind(_COMMUNE_KINDS, commune.type_text, UnitKind.COMMUNE),
                        district_code,
                        **legacy,
                    )
                )
                found = data.successors.get(prefix + commune.key, [])
                if not found:
                    plan.warnings.append(
                        f"{commune.name} ({district.place.name}, mã {commune.code}) "
                        "không có đơn vị kế thừa trong bảng chuyển đổi."
                    )
                for successor in found:
                    links.append(_link(plan, commune_code, commune, successor, new_by_key))

    links = [link for link in links if link[1]]
    seen: dict[tuple[str, str], tuple[str, str, bool, str]] = {}
    for link in links:
        seen.setdefault((link[0], link[1]), link)
    names = {u.code: u.name for u in plan.units}
    kinds = succession_kinds(list(seen), names)
    for (old, new_code), (_, _, is_default, note) in seen.items():
        kind = kinds[(old, new_code)]
        plan.successions.append(
            PlannedSuccession(
                predecessor_code=old,
                successor_code=new_code,
                kind=kind,
                effective_on=REORGANISED_ON,
                is_default=is_default and kind == SuccessionKind.SPLIT,
                note=note,
            )
        )
    with_predecessor = {s.successor_code for s in plan.successions}
    for commune in data.communes:
        if new_by_key[commune.key] not in with_predecessor:
            plan.warnings.append(
                f"{commune.name} (mã {commune.code}) không có đơn vị tiền thân "
                "trong bảng chuyển đổi."
            )
    return plan


def _link(plan: Plan, old_code: str, old: Place, successor, new_by_key: dict[str, str]):
    new_code = new_by_key.get(successor.new_key)
    if new_code is None:
        plan.warnings.append(
            f"Bảng chuyển đổi gửi {old.name} (mã {old.code}) tới “{successor.new_key}”, "
            "không có trong danh mục từ 01/07/2025."
        )
        return (old_code, "", False, "")
    return (old_code, new_code, successor.is_default, COMMUNE_NOTE)
