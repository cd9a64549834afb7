"""The agency seed: provincial Party boards, the Fatherland Front, the mass organisations
and a few departments, before and after 1 July 2025, with their 2025 changes.

The seed is data, in ``agencies.toml`` beside this module, not Python: the standard
library reads TOML (``tomllib``), TOML has real dates and comments (each change says
where its date comes from), and a province corrects a name or the day of its own merger
by editing the file or passing its own copy (``--agencies FILE``) without touching code.
This module turns it into plan records for one province of today and its predecessors.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dankheo.models.units import UnitKind
from dankheo.units.codes import agency_code
from dankheo.units.errors import OfficialUnitsError
from dankheo.units.plan import (
    LEGACY_UNTIL,
    REORGANISED_ON,
    Plan,
    PlannedSuccession,
    PlannedUnit,
    succession_kinds,
)
from dankheo.vietnamese import nfc

SEED_PATH = Path(__file__).with_name("agencies.toml")
AFTER_NOTE = "Kiện toàn tổ chức khi sắp xếp đơn vị hành chính cấp tỉnh năm 2025"
_KEY = re.compile(r"^[A-Z0-9]{1,20}$")
_AGENCY_KINDS = {
    UnitKind.AGENCY,
    UnitKind.DEPARTMENT,
    UnitKind.FRONT,
    UnitKind.MASS_ORGANISATION,
    UnitKind.ARMED_FORCES,
}


@dataclass(frozen=True)
class ProvinceContext:
    """A province that agencies belong to: its unit code, official code, short name, kind."""

    code: str
    official_code: str
    short_name: str
    kind: UnitKind

    def words(self) -> dict[str, str]:
        city = self.kind == UnitKind.MUNICIPALITY
        return {
            "ten": self.short_name,
            "cap": "thành phố" if city else "tỉnh",
            "uy": "Thành ủy" if city else "Tỉnh ủy",
            "doan": "Thành đoàn" if city else "Tỉnh đoàn",
        }


@dataclass(frozen=True)
class AgencyEntry:
    key: str
    name: str
    kind: UnitKind
    parent: str | None
    starts: str | None
    continues: tuple[str, ...]


@dataclass(frozen=True)
class Merge:
    sources: tuple[str, ...]
    into: str


@dataclass(frozen=True)
class Change:
    key: str
    on: date
    on_in: dict[str, date]
    note: str
    merges: tuple[Merge, ...]

    def day_in(self, province: ProvinceContext) -> date:
        return self.on_in.get(province.official_code, self.on)


@dataclass(frozen=True)
class Seed:
    path: Path
    changes: tuple[Change, ...]
    before: tuple[AgencyEntry, ...]
    after: tuple[AgencyEntry, ...]


def load_seed(path: Path | None = None) -> Seed:
    """Read and check the seed file (the bundled one unless ``path`` is given)."""
    path = Path(path or SEED_PATH)

    def invalid(detail: str) -> OfficialUnitsError:
        return OfficialUnitsError("units.seed_invalid", path=path, detail=detail)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise invalid(str(err)) from err
    try:
        changes = tuple(
            Change(
                key=c["key"],
                on=_day(c["on"], invalid),
                on_in={str(k): _day(v, invalid) for k, v in c.get("on_in", {}).items()},
                note=nfc(c.get("note", "")),
                merges=tuple(Merge(tuple(m["from"]), m["into"]) for m in c.get("merge", [])),
            )
            for c in data.get("change", [])
        )
        before = tuple(_entry(e, invalid) for e in data.get("before", []))
        after = tuple(_entry(e, invalid) for e in data.get("after", []))
    except (KeyError, TypeError) as err:
        raise invalid(f"thiếu hoặc sai trường {err}") from err
    _check(changes, before, after, invalid)
    return Seed(path, changes, before, after)


def _day(value, invalid) -> date:
    if not isinstance(value, date):
        raise invalid(f"“{value}” không phải ngày (viết YYYY-MM-DD)")
    return value


def _entry(raw: dict, invalid) -> AgencyEntry:
    key = str(raw["key"])
    if not _KEY.match(key):
        raise invalid(f"mã “{key}” chỉ gồm chữ in hoa không dấu và chữ số")
    try:
        kind = UnitKind(raw.get("kind", "agency"))
    except ValueError as err:
        raise invalid(f"loại “{raw.get('kind')}” của {key} không có trong danh mục") from err
    if kind not in _AGENCY_KINDS:
        raise invalid(f"loại “{kind.value}” của {key} không phải cơ quan, tổ chức")
    return AgencyEntry(
        key=key,
        name=nfc(raw["name"]),
        kind=kind,
        parent=raw.get("parent"),
        starts=raw.get("starts"),
        continues=tuple(raw.get("continues", ())),
    )


def _check(changes, before, after, invalid) -> None:
    change_keys = {c.key for c in changes}
    for entries, label in ((before, "before"), (after, "after")):
        keys = [e.key for e in entries]
        if len(keys) != len(set(keys)):
            raise invalid(f"mã cơ quan trùng nhau trong [[{label}]]")
        for e in entries:
            if e.parent is not None and e.parent not in keys[: keys.index(e.key)]:
                raise invalid(f"{e.key}: đơn vị cấp trên “{e.parent}” phải đứng trước nó")
            if e.starts is not None and e.starts not in change_keys:
                raise invalid(f"{e.key}: không có thay đổi “{e.starts}”")
            try:
                e.name.format(ten="", cap="", uy="", doan="")
            except (KeyError, IndexError, ValueError) as err:
                raise invalid(f"{e.key}: tên có chỗ trống không hợp lệ {err}") from err
    before_keys = {e.key for e in before}
    for change in changes:
        for merge in change.merges:
            for key in (*merge.sources, merge.into):
                if key not in before_keys:
                    raise invalid(
                        f"thay đổi “{change.key}” nhắc tới “{key}” không có trong [[before]]"
                    )
    for e in after:
        for key in e.continues:
            if key not in before_keys:
                raise invalid(f"{e.key}: “{key}” trong continues không có trong [[before]]")


def agency_plan(seed: Seed, new: ProvinceContext, olds: list[ProvinceContext]) -> Plan:
    """The seed's agencies of each old province and of ``new``, with their successions."""
    plan = Plan(province_code=new.code, province_name="", predecessor_names=[])
    names: dict[str, str] = {}
    alive_until: dict[str, date] = {}
    for old in olds:
        closes: dict[str, date] = {}
        starts: dict[str, date] = {}
        for change in seed.changes:
            day = change.day_in(old)
            for merge in change.merges:
                for key in merge.sources:
                    closes[key] = day - timedelta(days=1)
            starts[change.key] = day
        for entry in seed.before:
            code = agency_code(old.code, entry.key)
            unit = PlannedUnit(
                code=code,
                name=entry.name.format(**old.words()),
                kind=entry.kind,
                parent_code=agency_code(old.code, entry.parent) if entry.parent else old.code,
                valid_from=starts[entry.starts] if entry.starts else None,
                valid_to=closes.get(entry.key, LEGACY_UNTIL),
            )
            plan.units.append(unit)
            names[code] = unit.name
            alive_until[code] = unit.valid_to
        for change in seed.changes:
            day = change.day_in(old)
            started = {e.key for e in seed.before if e.starts == change.key}
            pairs = [
                (agency_code(old.code, source), agency_code(old.code, merge.into))
                for merge in change.merges
                for source in merge.sources
            ]
            absorbing = frozenset(
                agency_code(old.code, m.into) for m in change.merges if m.into not in started
            )
            kinds = succession_kinds(pairs, names, absorbing)
            plan.successions += [
                PlannedSuccession(pred, succ, kinds[(pred, succ)], day, note=change.note)
                for pred, succ in pairs
            ]

    pairs = []
    for entry in seed.after:
        code = agency_code(new.code, entry.key)
        unit = PlannedUnit(
            code=code,
            name=entry.name.format(**new.words()),
            kind=entry.kind,
            parent_code=agency_code(new.code, entry.parent) if entry.parent else new.code,
            valid_from=REORGANISED_ON,
            valid_to=None,
        )
        plan.units.append(unit)
        names[code] = unit.name
        for old in olds:
            for key in entry.continues:
                old_code = agency_code(old.code, key)
                if alive_until.get(old_code) == LEGACY_UNTIL:
                    pairs.append((old_code, code))
    kinds = succession_kinds(pairs, names)
    plan.successions += [
        PlannedSuccession(pred, succ, kinds[(pred, succ)], REORGANISED_ON, note=AFTER_NOTE)
        for pred, succ in pairs
    ]
    return plan
