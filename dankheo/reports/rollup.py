"""The unit index of the reports and the two ways of rolling records up across the
2025 reorganisation (:class:`RollUp`):

* ``RollUp.RECORD_YEAR`` — by the structure of each record's year: a record counts
  where its unit stood (the unit paths as stored, ``tree.within_prefix``);
* ``RollUp.CURRENT`` — by today's structure: a record of a unit that was merged, split
  or renamed counts under its successor (``tree.current_subtree_ids``).

The unit table and the succession table are read once (two queries) and the roll-up
of unit ids to the top-level children of the chosen unit is done in Python, with the
tree's succession closures.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Unit
from dankheo.tree import Successions, load_successions, minimal_prefixes, predecessor_closure


class RollUp(enum.StrEnum):
    RECORD_YEAR = "year"
    CURRENT = "current"


ROLLUP_LABELS = {
    RollUp.RECORD_YEAR: "Theo cơ cấu tổ chức của từng năm",
    RollUp.CURRENT: "Theo cơ cấu tổ chức hiện nay (sau sắp xếp, sáp nhập)",
}

ROLLUP_EXPLANATIONS = {
    RollUp.RECORD_YEAR: (
        "Mỗi mô hình, điển hình, hồ sơ được tính vào đơn vị như cơ cấu tổ chức tại "
        "năm đăng ký (đơn vị đã sáp nhập vẫn được thống kê dưới tên cũ)."
    ),
    RollUp.CURRENT: (
        "Kết quả của đơn vị đã sáp nhập, chia tách hoặc đổi tên được tính cho đơn vị "
        "kế thừa theo cơ cấu tổ chức hiện nay."
    ),
}


# --- the unit index -------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    path: str
    depth: int
    parent_id: int | None
    valid_from: date | None
    valid_to: date | None
    sort_key: str

    def is_open_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def is_open_during(self, first: date, last: date) -> bool:
        return (self.valid_from is None or self.valid_from <= last) and (
            self.valid_to is None or first <= self.valid_to
        )

    def ids_on_path(self) -> list[int]:
        return [int(p) for p in self.path.split("/") if p]


class UnitIndex:
    """Every unit and succession, read in two queries, to roll ids up in Python."""

    def __init__(self, units: Iterable[UnitRow], successions: Successions):
        self.units = {u.id: u for u in units}
        self.successions = successions

    @classmethod
    def load(cls) -> "UnitIndex":
        units = [
            UnitRow(
                r.id, r.name, r.path, r.depth, r.parent_id, r.valid_from, r.valid_to, r.sort_key
            )
            for r in db.session.execute(
                sa.select(
                    Unit.id,
                    Unit.name,
                    Unit.path,
                    Unit.depth,
                    Unit.parent_id,
                    Unit.valid_from,
                    Unit.valid_to,
                    Unit.sort_key,
                )
            )
        ]
        return cls(units, load_successions())

    def within(self, unit_id: int, root: UnitRow) -> bool:
        unit = self.units.get(unit_id)
        return unit is not None and unit.path.startswith(root.path)

    def children(self, root: UnitRow) -> list[UnitRow]:
        return sorted(
            (u for u in self.units.values() if u.parent_id == root.id), key=lambda u: u.sort_key
        )

    def scope_prefixes(self, root: UnitRow, rollup: RollUp) -> list[str]:
        """Path prefixes whose units' records count under ``root``.

        For today's structure: the root's subtree plus the subtrees of every unit that
        became a unit of it (the same set as ``tree.current_subtree_ids``)."""
        prefixes = [root.path]
        if rollup is RollUp.CURRENT:
            inside = {u.id for u in self.units.values() if u.path.startswith(root.path)}
            for pred in sorted(predecessor_closure(inside, self.successions) - inside):
                path = self.units[pred].path
                if not any(path.startswith(p) for p in prefixes):
                    prefixes.append(path)
            prefixes = minimal_prefixes(prefixes)
        return prefixes

    def current_home(self, unit_id: int, root: UnitRow) -> int:
        """Where ``unit_id`` stands in today's structure seen from ``root``: the first unit
        on its line (itself, then upwards, stopping below ``root``) that has successors is
        replaced by its successor (one inside ``root`` when there is a choice)."""
        seen: set[int] = set()
        uid = unit_id
        while uid not in seen:
            seen.add(uid)
            unit = self.units.get(uid)
            if unit is None:
                return uid
            moved = False
            for ancestor in reversed(unit.ids_on_path()):
                if ancestor == root.id:
                    break
                succs = self.successions.successors.get(ancestor)
                if succs:
                    inside = [s for s in succs if self.within(s, root)]
                    uid = (inside or succs)[0]
                    moved = True
                    break
            if not moved:
                return uid
        return uid

    def bucket(self, unit_id: int, root: UnitRow, rollup: RollUp) -> int | None:
        """The top-level child of ``root`` a record of ``unit_id`` counts under; ``root.id``
        for the root's own records; ``None`` when it falls outside (never for the scope's
        own prefixes in the record-year mode)."""
        if rollup is RollUp.CURRENT:
            unit_id = self.current_home(unit_id, root)
        unit = self.units.get(unit_id)
        if unit is None or not unit.path.startswith(root.path):
            return None
        if unit.id == root.id:
            return root.id
        return unit.ids_on_path()[root.depth + 1]
