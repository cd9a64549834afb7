"""The unit index of the reports and the two ways of rolling records up across the
2025 reorganisation (:class:`RollUp`).

Both modes count the same records under a unit: those of its subtree and those of every
unit that became part of it (its predecessors' subtrees: for today's Tây Ninh, the whole
of old Tây Ninh and old Long An). A commune divided among several new ones counts once,
under the successor the official mapping marks as its default; seen from another of its
successors it is outside. So a unit's totals are the same in both modes; the modes differ
in the rows the records are shown under:

* ``RollUp.RECORD_YEAR`` — by the structure of each record's year: a record counts where
  its unit stood (the child of the chosen unit, or of the predecessor, it lay under:
  an old district of old Long An, an old commune);
* ``RollUp.CURRENT`` — by today's structure: a record of a unit that was merged, split
  or renamed counts under its successor (the default one of a split).

The unit table and the succession table are read once (three queries) and the roll-up
of unit ids to the rows is done in Python, with the tree's succession closures.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Unit, UnitSuccession
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
        "năm của nó (đơn vị đã sáp nhập, chia tách vẫn được thống kê dưới tên cũ, kèm ngày "
        "kết thúc hoạt động)."
    ),
    RollUp.CURRENT: (
        "Kết quả của đơn vị đã sáp nhập, chia tách hoặc đổi tên được tính cho đơn vị "
        "kế thừa theo cơ cấu tổ chức hiện nay."
    ),
}
SPLIT_EXPLANATION = (
    "Đơn vị bị chia tách cho nhiều đơn vị kế thừa được tính một lần, cho đơn vị kế thừa "
    "mặc định theo danh mục đơn vị hành chính (ở cả hai cách tổng hợp, nên tổng số như nhau)."
)


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


@dataclass(frozen=True)
class Split:
    """A unit divided among several successors, and the one its records count under."""

    unit: UnitRow
    default: UnitRow
    others: tuple[UnitRow, ...]
    parent_name: str = ""

    @property
    def label(self) -> str:
        """ "Phường 4 (Thành phố Tây Ninh)": old names repeat from one district to another."""
        return f"{self.unit.name} ({self.parent_name})" if self.parent_name else self.unit.name


class UnitIndex:
    """Every unit and succession, read in three queries, to roll ids up in Python."""

    def __init__(
        self,
        units: Iterable[UnitRow],
        successions: Successions,
        defaults: dict[int, int] | None = None,
    ):
        self.units = {u.id: u for u in units}
        self.successions = successions
        # predecessor → the successor marked default (divided communes)
        self.defaults = defaults or {}
        self._predecessor_roots: dict[tuple[int, RollUp | None], list[UnitRow]] = {}

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
        defaults = dict(
            db.session.execute(
                sa.select(UnitSuccession.predecessor_id, UnitSuccession.successor_id).where(
                    UnitSuccession.is_default.is_(True)
                )
            ).all()
        )
        return cls(units, load_successions(), defaults)

    def within(self, unit_id: int, root: UnitRow) -> bool:
        unit = self.units.get(unit_id)
        return unit is not None and unit.path.startswith(root.path)

    def children(self, root: UnitRow) -> list[UnitRow]:
        """``root``'s children in name order (a new list: callers extend it)."""
        return list(self._children().get(root.id, ()))

    def _children(self) -> dict[int | None, list[UnitRow]]:
        """parent id → children in name order, built once per index: a dashboard asks
        for several units' children, and scanning 15,000 units nationally for each cost
        more than the rest of its figures."""
        by_parent = self.__dict__.get("_by_parent")
        if by_parent is None:
            by_parent = {}
            for unit in sorted(self.units.values(), key=lambda u: u.sort_key):
                by_parent.setdefault(unit.parent_id, []).append(unit)
            self._by_parent = by_parent
        return by_parent

    def predecessor_roots(self, root: UnitRow) -> list[UnitRow]:
        """The topmost units outside ``root``'s subtree that became part of it (through
        any chain of successions), whose records therefore count under ``root``: a
        divided unit only under the successor its records go to (its default)."""
        key = (root.id, None)
        if key not in self._predecessor_roots:
            inside = {u.id for u in self.units.values() if u.path.startswith(root.path)}
            found = []
            for pred in sorted(predecessor_closure(inside, self.successions) - inside):
                unit = self.units.get(pred)
                if unit is not None and self.within(self.current_home(pred, root), root):
                    found.append(unit)
            kept = minimal_prefixes(u.path for u in found)
            by_path = {u.path: u for u in found}
            self._predecessor_roots[key] = sorted(
                (by_path[p] for p in kept), key=lambda u: (u.depth, u.sort_key, u.id)
            )
        return self._predecessor_roots[key]

    def scope_prefixes(self, root: UnitRow, rollup: RollUp) -> list[str]:
        """Path prefixes whose units' records count under ``root``, in both modes: the
        root's subtree plus the subtrees of ``predecessor_roots``."""
        return minimal_prefixes([root.path, *(u.path for u in self.predecessor_roots(root))])

    def _successor_of(self, unit_id: int, root: UnitRow) -> int | None:
        """The successor a record of ``unit_id`` goes to: the default of a split, else one
        inside ``root`` when there is a choice, else the first."""
        succs = self.successions.successors.get(unit_id)
        if not succs:
            return None
        default = self.defaults.get(unit_id)
        if default is not None:
            return default
        inside = [s for s in succs if self.within(s, root)]
        return (inside or list(succs))[0]

    def current_home(self, unit_id: int, root: UnitRow) -> int:
        """Where ``unit_id`` stands in today's structure seen from ``root``: the first unit
        on its line (itself, then upwards, stopping below ``root``) that has successors is
        replaced by its successor (``_successor_of``), until none has."""
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
                successor = self._successor_of(ancestor, root)
                if successor is not None:
                    uid = successor
                    moved = True
                    break
            if not moved:
                return uid
        return uid

    def splits_within(self, root: UnitRow) -> list[Split]:
        """The divided units whose records count under ``root`` (for the page's note)."""
        prefixes = self.scope_prefixes(root, RollUp.CURRENT)
        out = []
        for pred, default in self.defaults.items():
            unit = self.units.get(pred)
            if unit is None or not any(unit.path.startswith(p) for p in prefixes):
                continue
            others = tuple(
                self.units[s]
                for s in self.successions.successors.get(pred, ())
                if s != default and s in self.units
            )
            if default in self.units:
                parent = self.units.get(unit.parent_id) if unit.parent_id else None
                out.append(Split(unit, self.units[default], others, parent.name if parent else ""))
        return sorted(out, key=lambda s: (s.unit.sort_key, s.unit.id))

    def bucket(self, unit_id: int, root: UnitRow, rollup: RollUp) -> int | None:
        """The row a record of ``unit_id`` counts under: in today's structure the child of
        ``root`` its current home lies under; by the structure of the record's year the
        child of ``root`` — or of the predecessor root (an old province, an old commune)
        — it lay under. ``root.id`` for the root's own records; ``None`` when it falls
        outside."""
        if rollup is RollUp.CURRENT:
            unit_id = self.current_home(unit_id, root)
        unit = self.units.get(unit_id)
        if unit is None:
            return None
        if unit.path.startswith(root.path):
            if unit.id == root.id:
                return root.id
            return unit.ids_on_path()[root.depth + 1]
        if rollup is RollUp.CURRENT:
            return None
        for pred in self.predecessor_roots(root):
            if unit.path.startswith(pred.path):
                if unit.id == pred.id or not self.has_children(pred):
                    return pred.id
                return unit.ids_on_path()[pred.depth + 1]
        return None

    def has_children(self, unit: UnitRow) -> bool:
        return unit.id in self._children()

    def record_year_rows(self, root: UnitRow) -> list[tuple[UnitRow, UnitRow]]:
        """(row unit, predecessor root) of the rows the record-year mode adds for the
        predecessors: the children of each predecessor root, or the root itself when it
        has none (an old commune)."""
        out = []
        for pred in self.predecessor_roots(root):
            children = self.children(pred) if self.has_children(pred) else [pred]
            out += [(c, pred) for c in children]
        return out
