"""Queries over the unit tree: subtrees by materialised path, ancestors, successions.

"All units under X" is one range scan on the indexed ``units.path`` column:
``path >= X.path AND path < X.path || '~'`` ('~' sorts after every digit and '/').
"""

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

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


def subtree_ids_select(root: Unit) -> sa.Select:
    """SELECT of the ids of ``root`` and every unit below it (one indexed query)."""
    return sa.select(Unit.id).where(within_prefix(Unit.path, root.path))


def subtree_units(root: Unit) -> list[Unit]:
    return list(
        db.session.scalars(
            sa.select(Unit).where(within_prefix(Unit.path, root.path)).order_by(Unit.path)
        )
    )


def ancestor_ids(unit: Unit) -> list[int]:
    """Ids of the units above ``unit``, read from its path (no query)."""
    parts = [p for p in unit.path.split("/") if p]
    return [int(p) for p in parts[:-1]]


def related_by_line(a: Unit, b: Unit) -> bool:
    """True when ``a`` and ``b`` are the same unit or one lies above the other."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def successor_closure(unit_ids: Iterable[int]) -> set[int]:
    """Every unit that ``unit_ids`` became, through any chain of merges, splits and
    renames (the units themselves included)."""
    seen = set(unit_ids)
    frontier = set(seen)
    while frontier:
        nxt = set(
            db.session.scalars(
                sa.select(UnitSuccession.successor_id).where(
                    UnitSuccession.predecessor_id.in_(frontier)
                )
            )
        )
        frontier = nxt - seen
        seen |= frontier
    return seen


def predecessor_closure(unit_ids: Iterable[int]) -> set[int]:
    """Every unit that became one of ``unit_ids`` (the units themselves included):
    what "today's structure" rolls up under them."""
    seen = set(unit_ids)
    frontier = set(seen)
    while frontier:
        prev = set(
            db.session.scalars(
                sa.select(UnitSuccession.predecessor_id).where(
                    UnitSuccession.successor_id.in_(frontier)
                )
            )
        )
        frontier = prev - seen
        seen |= frontier
    return seen


def current_subtree_ids(root: Unit) -> set[int]:
    """Units under ``root`` by today's structure: the subtree as it stands plus every
    predecessor of a unit in it (a 2022 commune merged in 2025 counts under its
    successor), and the predecessors' own subtrees."""
    ids = set(db.session.scalars(subtree_ids_select(root)))
    preds = predecessor_closure(ids) - ids
    if preds:
        pred_units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(preds))).all()
        for unit in pred_units:
            ids |= set(db.session.scalars(subtree_ids_select(unit)))
    return ids


def open_units_on(day: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.or_(Unit.valid_from.is_(None), Unit.valid_from <= day),
        sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= day),
    )
