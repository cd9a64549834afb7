"""Reads of the unit tree as it stood on a day, for the open-data API: the units alive
that day under a parent, and one unit with the units it came from and became."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from dankheo.extensions import db
from dankheo.models.units import (
    COMMUNE_LEVEL_KINDS,
    DISTRICT_LEVEL_KINDS,
    PROVINCE_LEVEL_KINDS,
    Unit,
    UnitKind,
    UnitSuccession,
)
from dankheo.units.codes import LEGACY_PREFIX, is_official_code

# ``kind`` values beside the unit kinds: the administrative units of the official lists
# (the default), or every unit (agencies, organisations, villages too).
ADMINISTRATIVE = "administrative"
ALL_KINDS = "all"
ADMINISTRATIVE_KINDS = PROVINCE_LEVEL_KINDS | DISTRICT_LEVEL_KINDS | COMMUNE_LEVEL_KINDS


def official_code(code: str) -> str | None:
    """The code of the official list ("CU-25630" → "25630"; an agency: None)."""
    if not is_official_code(code):
        return None
    return code.removeprefix(LEGACY_PREFIX)


def alive_on(day: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.or_(Unit.valid_from.is_(None), Unit.valid_from <= day),
        sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= day),
    )


def by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def units_on(
    day: date, *, parent: Unit | None, kind: str, page: int, per_page: int
) -> tuple[list[tuple[Unit, str | None]], int]:
    """(unit, parent code) of the units alive on ``day`` (children of ``parent`` when
    given), of ``kind`` (a UnitKind value, ADMINISTRATIVE or ALL_KINDS), in Vietnamese
    order of their names; and how many there are."""
    parent_unit = aliased(Unit, name="parent")
    conditions = [alive_on(day)]
    if parent is not None:
        conditions.append(Unit.parent_id == parent.id)
    if kind == ADMINISTRATIVE:
        conditions.append(Unit.kind.in_(sorted(ADMINISTRATIVE_KINDS)))
    elif kind != ALL_KINDS:
        conditions.append(Unit.kind == UnitKind(kind))
    total = db.session.scalar(sa.select(sa.func.count(Unit.id)).where(*conditions))
    rows = db.session.execute(
        sa.select(Unit, parent_unit.code)
        .outerjoin(parent_unit, parent_unit.id == Unit.parent_id)
        .where(*conditions)
        .order_by(Unit.sort_key, Unit.code)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return [(u, code) for u, code in rows], total


@dataclass(frozen=True)
class Link:
    unit: Unit
    kind: str
    effective_on: date
    is_default: bool


def links_of(unit: Unit) -> tuple[list[Link], list[Link]]:
    """(predecessors, successors) of ``unit`` with their successions, in two queries."""
    out = []
    for mine, theirs in (
        (UnitSuccession.successor_id, UnitSuccession.predecessor_id),
        (UnitSuccession.predecessor_id, UnitSuccession.successor_id),
    ):
        rows = db.session.execute(
            sa.select(Unit, UnitSuccession)
            .join(UnitSuccession, theirs == Unit.id)
            .where(mine == unit.id)
            .order_by(Unit.sort_key, Unit.code)
        ).all()
        out.append([Link(u, s.kind.value, s.effective_on, s.is_default) for u, s in rows])
    return out[0], out[1]


def parent_code(unit: Unit) -> str | None:
    return unit.parent.code if unit.parent is not None else None
