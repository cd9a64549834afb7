"""Unit writes: create, edit, move, close, record successions. Keeps paths consistent."""

from datetime import date, timedelta

import sqlalchemy as sa

from dankheo import audit
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models.registry import rewrite_unit_paths
from dankheo.models.units import SuccessionKind, Unit, UnitKind, UnitSuccession
from dankheo.tree import path_for, within_prefix
from dankheo.vietnamese import fold, nfc, sort_key


def unit_search_text(code: str, name: str) -> str:
    """What the unit search matches: the code and the name, accent-folded."""
    return fold(f"{code} {name}")


def unit_sort_key(name: str) -> str:
    return sort_key(name)


def _index_text(unit: Unit) -> None:
    unit.search_text = unit_search_text(unit.code, unit.name)
    unit.sort_key = unit_sort_key(unit.name)


def create_unit(
    *,
    code: str,
    name: str,
    kind: UnitKind,
    parent: Unit | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    actor=None,
) -> Unit:
    code = nfc(code).upper()
    if db.session.scalar(sa.select(Unit.id).where(Unit.code == code)):
        raise DomainError("unit.code_taken", unit_code=code)
    unit = Unit(
        code=code,
        name=nfc(name),
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        depth=(parent.depth + 1) if parent else 0,
    )
    _index_text(unit)
    db.session.add(unit)
    db.session.flush()  # the id is part of the path
    unit.path = path_for(unit, parent)
    audit.record(actor, "unit.create", unit, unit_id=unit.id)
    return unit


def update_unit(
    unit: Unit,
    *,
    code: str,
    name: str,
    kind: UnitKind,
    parent: Unit | None,
    valid_from: date | None,
    valid_to: date | None,
    actor=None,
) -> Unit:
    code = nfc(code).upper()
    clash = db.session.scalar(sa.select(Unit.id).where(Unit.code == code, Unit.id != unit.id))
    if clash:
        raise DomainError("unit.code_taken", unit_code=code)
    before = {"code": unit.code, "name": unit.name, "parent_id": unit.parent_id}
    unit.code, unit.name, unit.kind = code, nfc(name), kind
    unit.valid_from, unit.valid_to = valid_from, valid_to
    _index_text(unit)
    if (parent.id if parent else None) != unit.parent_id:
        move_unit(unit, parent)
    audit.record(actor, "unit.update", unit, unit_id=unit.id, details={"before": before})
    return unit


def parent_cycle(unit: Unit | None, parent: Unit | None) -> bool:
    """Whether ``parent`` is ``unit`` itself or lies below it: no unit can be its parent."""
    return unit is not None and parent is not None and parent.path.startswith(unit.path)


def move_unit(unit: Unit, new_parent: Unit | None) -> None:
    """Re-parent ``unit``, rewriting the paths of its whole subtree in one UPDATE."""
    if parent_cycle(unit, new_parent):
        raise DomainError("unit.parent_cycle")
    old_prefix = unit.path
    new_prefix = path_for(unit, new_parent)
    depth_shift = ((new_parent.depth + 1) if new_parent else 0) - unit.depth
    db.session.flush()
    db.session.execute(
        sa.update(Unit)
        .where(within_prefix(Unit.path, old_prefix))
        .values(
            path=sa.literal(new_prefix) + sa.func.substr(Unit.path, len(old_prefix) + 1),
            depth=Unit.depth + depth_shift,
        )
        .execution_options(synchronize_session=False)
    )
    # The records of the subtree carry their unit's path (scoped lists): move them too.
    for statement in rewrite_unit_paths(old_prefix, new_prefix):
        db.session.execute(statement)
    unit.parent = new_parent
    db.session.flush()
    db.session.expire_all()


def close_unit(unit: Unit, day: date, *, actor=None) -> None:
    if unit.valid_to is not None:
        raise DomainError(
            "unit.already_closed", name=unit.name, day=unit.valid_to.strftime("%d/%m/%Y")
        )
    if unit.valid_from is not None and day < unit.valid_from:
        raise DomainError("unit.close_before_start")
    unit.valid_to = day
    audit.record(actor, "unit.close", unit, unit_id=unit.id, details={"day": day.isoformat()})


def record_succession(
    predecessors: list[Unit],
    successors: list[Unit],
    kind: SuccessionKind,
    day: date,
    *,
    note: str = "",
    close_predecessors: bool = True,
    actor=None,
) -> list[UnitSuccession]:
    """Record a merge (many → one), split (one → many) or rename (one → one) on ``day``;
    the predecessors close the day before unless ``close_predecessors`` is false."""
    rows = []
    for pred in predecessors:
        for succ in successors:
            if pred.id == succ.id:
                raise DomainError("unit.succession_self")
            exists = db.session.scalar(
                sa.select(UnitSuccession.id).where(
                    UnitSuccession.predecessor_id == pred.id,
                    UnitSuccession.successor_id == succ.id,
                )
            )
            if exists:
                raise DomainError("unit.succession_exists")
            row = UnitSuccession(
                predecessor=pred, successor=succ, kind=kind, effective_on=day, note=nfc(note)
            )
            db.session.add(row)
            rows.append(row)
    for pred in predecessors:
        if close_predecessors and pred.valid_to is None:
            pred.valid_to = day - timedelta(days=1)
    db.session.flush()
    for row in rows:
        audit.record(
            actor,
            f"unit.{kind.value}",
            row,
            unit_id=row.successor_id,
            details={
                "predecessor": row.predecessor_id,
                "successor": row.successor_id,
                "day": day.isoformat(),
            },
        )
    return rows
