"""The unit tree: subtrees by materialised path, ancestors, and successions (who became
whom across merges, splits and renames).

"All units under X" is one range scan on the indexed ``units.path`` column:
``path >= X.path AND path < X.path || '~'`` ('~' sorts after every digit and '/').
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, aliased

from dankheo.extensions import db
from dankheo.models.units import PATH_WIDTH, Unit, UnitSuccession

_PATH_END = "~"


def segment(unit_id: int) -> str:
    return f"{unit_id:0{PATH_WIDTH}d}/"


def path_for(unit: Unit, parent: Unit | None) -> str:
    """The materialised path of ``unit`` (which must have an id) under ``parent``."""
    return (parent.path if parent is not None else "/") + segment(unit.id)


def within_prefix(path_column: InstrumentedAttribute, prefix: str) -> sa.ColumnElement[bool]:
    return sa.and_(path_column >= prefix, path_column < prefix + _PATH_END)


def within_prefixes(
    path_column: InstrumentedAttribute, prefixes: Iterable[str] | None
) -> sa.ColumnElement[bool]:
    """A condition true for rows whose path lies under any of ``prefixes``;
    ``None`` means no restriction, an empty list means nothing."""
    if prefixes is None:
        return sa.true()
    prefixes = list(prefixes)
    if not prefixes:
        return sa.false()
    return sa.or_(*(within_prefix(path_column, p) for p in prefixes))


def ancestor_ids(unit: Unit) -> list[int]:
    """Ids of the units above ``unit``, read from its path (no query)."""
    parts = [p for p in unit.path.split("/") if p]
    return [int(p) for p in parts[:-1]]


def related_by_line(a: Unit, b: Unit) -> bool:
    """True when ``a`` and ``b`` are the same unit or one lies above the other."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def minimal_prefixes(paths: Iterable[str]) -> list[str]:
    """``paths`` without those already covered by a shorter one (and without empty ones),
    shortest first (then in order): the smallest set of prefixes selecting the same subtrees."""
    kept: list[str] = []
    for path in sorted(set(paths), key=lambda p: (len(p), p)):
        if path and not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def in_tree_order(units: list[Unit]) -> list[Unit]:
    """``units`` as a tree reads: each unit followed by the units below it, brothers in
    Vietnamese order of their names ("Phường 2" before "Phường 10"); units whose parent
    is not in the list start their own branches, in the same order."""
    by_id = {u.id: u for u in units}
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        parent = u.parent_id if u.parent_id in by_id else None
        children.setdefault(parent, []).append(u)
    out: list[Unit] = []
    stack = sorted(children.get(None, []), key=lambda u: (u.sort_key, u.id), reverse=True)
    while stack:
        unit = stack.pop()
        out.append(unit)
        below = sorted(children.get(unit.id, []), key=lambda u: (u.sort_key, u.id), reverse=True)
        stack.extend(below)
    return out


# --- successions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Successions:
    """Who became whom: the succession table as two adjacency maps, each list in id
    order (merges, splits and renames alike)."""

    successors: Mapping[int, tuple[int, ...]]
    predecessors: Mapping[int, tuple[int, ...]]

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, int]]) -> "Successions":
        """From (predecessor id, successor id) pairs."""
        successors: dict[int, set[int]] = defaultdict(set)
        predecessors: dict[int, set[int]] = defaultdict(set)
        for predecessor, successor in pairs:
            successors[predecessor].add(successor)
            predecessors[successor].add(predecessor)
        return cls(
            successors={k: tuple(sorted(v)) for k, v in successors.items()},
            predecessors={k: tuple(sorted(v)) for k, v in predecessors.items()},
        )


def load_successions() -> Successions:
    """The whole succession table, in one query."""
    rows = db.session.execute(
        sa.select(UnitSuccession.predecessor_id, UnitSuccession.successor_id)
    ).all()
    return Successions.from_pairs((predecessor, successor) for predecessor, successor in rows)


def _closure(unit_ids: Iterable[int], edges: Mapping[int, Iterable[int]]) -> set[int]:
    seen = set(unit_ids)
    frontier = list(seen)
    while frontier:
        reached = []
        for uid in frontier:
            for other in edges.get(uid, ()):
                if other not in seen:
                    seen.add(other)
                    reached.append(other)
        frontier = reached
    return seen


def successor_closure(unit_ids: Iterable[int], successions: Successions | None = None) -> set[int]:
    """Every unit that ``unit_ids`` became, through any chain of merges, splits and
    renames (the units themselves included). ``successions`` are read when not given."""
    return _closure(unit_ids, (successions or load_successions()).successors)


def predecessor_closure(
    unit_ids: Iterable[int], successions: Successions | None = None
) -> set[int]:
    """Every unit that became one of ``unit_ids`` (the units themselves included):
    what "today's structure" rolls up under them. ``successions`` are read when not given."""
    return _closure(unit_ids, (successions or load_successions()).predecessors)


def current_subtree_ids(root: Unit) -> set[int]:
    """Units under ``root`` by today's structure: the subtree as it stands plus every
    predecessor of a unit in it (a 2022 commune merged in 2025 counts under its
    successor), and the predecessors' own subtrees."""
    ids = _subtree_ids([root.path])
    preds = predecessor_closure(ids) - ids
    if preds:
        paths = db.session.scalars(sa.select(Unit.path).where(Unit.id.in_(preds)))
        ids |= _subtree_ids(minimal_prefixes(paths))
    return ids


def _subtree_ids(prefixes: list[str]) -> set[int]:
    return set(db.session.scalars(sa.select(Unit.id).where(within_prefixes(Unit.path, prefixes))))


def lineage_prefixes(prefixes: Iterable[str]) -> list[str]:
    """``prefixes`` widened to the subtrees of every unit that became a unit under them,
    through any chain of merges, splits and renames (one query per step of the chain,
    two or three for the 2025 reorganisation): what a role at a unit of today reaches
    of its predecessors' records."""
    from_ = aliased(Unit, name="predecessor")
    to = aliased(Unit, name="successor")
    found = minimal_prefixes(prefixes)
    frontier = found
    while frontier:
        paths = db.session.scalars(
            sa.select(from_.path)
            .join(UnitSuccession, UnitSuccession.predecessor_id == from_.id)
            .join(to, to.id == UnitSuccession.successor_id)
            .where(within_prefixes(to.path, frontier))
            # Only predecessors not already reached (a province's own merged communes
            # are thousands of rows that would all be dropped below).
            .where(sa.not_(within_prefixes(from_.path, found)))
            .distinct()
        )
        new = [p for p in paths if p and not any(p.startswith(f) for f in found)]
        found = minimal_prefixes([*found, *new])
        frontier = minimal_prefixes(new)
    return found


def predecessor_ids(unit_ids: Iterable[int]) -> set[int]:
    """Every unit that became one of ``unit_ids`` through any chain of successions (the
    units themselves included), one query per step of the chain."""
    found = set(unit_ids)
    frontier = set(found)
    while frontier:
        rows = db.session.scalars(
            sa.select(UnitSuccession.predecessor_id).where(
                UnitSuccession.successor_id.in_(sorted(frontier))
            )
        )
        frontier = set(rows) - found
        found |= frontier
    return found


# --- a unit's life, year by year ------------------------------------------------------------


def exists_in_year(unit: Unit, year: int) -> bool:
    """Whether ``unit`` exists on at least one day of ``year`` (2025 for a commune closed
    on 30/06/2025, and for the commune that succeeded it on 01/07/2025)."""
    return (unit.valid_from is None or unit.valid_from.year <= year) and (
        unit.valid_to is None or year <= unit.valid_to.year
    )


def exists_at_end_of(unit: Unit, year: int) -> bool:
    """Whether ``unit`` still exists on 31 December of ``year`` (who carries a record
    through that year and reports it at its end)."""
    return (unit.valid_from is None or unit.valid_from.year <= year) and (
        unit.valid_to is None
        or unit.valid_to.year > year
        or (unit.valid_to.month == 12 and unit.valid_to.day == 31)
    )


@dataclass(frozen=True)
class SuccessorLink:
    unit: Unit
    is_default: bool


def direct_successors(unit: Unit) -> list[SuccessorLink]:
    """The units ``unit`` became (one query), the default of a split first, then by name."""
    rows = db.session.execute(
        sa.select(Unit, UnitSuccession.is_default)
        .join(UnitSuccession, UnitSuccession.successor_id == Unit.id)
        .where(UnitSuccession.predecessor_id == unit.id)
    ).all()
    links = [SuccessorLink(u, bool(d)) for u, d in rows]
    return sorted(links, key=lambda link: (not link.is_default, link.unit.sort_key, link.unit.id))


def direct_predecessors(unit: Unit) -> list[Unit]:
    """The units that became ``unit`` (one query), by name."""
    return list(
        db.session.scalars(
            sa.select(Unit)
            .join(UnitSuccession, UnitSuccession.predecessor_id == Unit.id)
            .where(UnitSuccession.successor_id == unit.id)
            .order_by(Unit.sort_key, Unit.id)
        )
    )


def successors_in_year(unit: Unit, year: int) -> list[SuccessorLink]:
    """The units that carry ``unit``'s records in ``year`` after it closed: its successors,
    followed through later successions until they exist at the end of that year (the
    default of a split first). Empty when ``unit`` has no successor."""
    out: list[SuccessorLink] = []
    seen = {unit.id}
    frontier = [SuccessorLink(unit, True)]
    while frontier:
        nxt = []
        for link in frontier:
            for succ in direct_successors(link.unit):
                if succ.unit.id in seen:
                    continue
                seen.add(succ.unit.id)
                chained = SuccessorLink(succ.unit, link.is_default and succ.is_default)
                if exists_at_end_of(succ.unit, year) or not direct_successors(succ.unit):
                    out.append(chained)
                else:
                    nxt.append(chained)
        frontier = nxt
    return sorted(out, key=lambda link: (not link.is_default, link.unit.sort_key, link.unit.id))


def unit_for_year(unit: Unit, year: int, prefer=None) -> Unit | None:
    """The unit that carries a record of ``unit`` in ``year``: ``unit`` itself while it
    exists at the end of that year; else its successor then — one ``prefer`` accepts
    (e.g. the acting officer's own unit), else the split's default, else the first by
    name; None when a closed unit has no successor."""
    if exists_at_end_of(unit, year):
        return unit
    links = successors_in_year(unit, year)
    if not links:
        return None
    if prefer is not None:
        chosen = next((link.unit for link in links if prefer(link.unit)), None)
        if chosen is not None:
            return chosen
    return links[0].unit
