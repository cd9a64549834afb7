"""Reads for the admin pages: the unit tree, users and the audit trail."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from dankheo import vietnamese
from dankheo.extensions import db
from dankheo.models.accounts import Membership, User
from dankheo.models.audit import AuditEvent
from dankheo.models.units import Unit, UnitSuccession
from dankheo.tree import ancestor_ids, within_prefix, within_prefixes
from dankheo.vietnamese import search_pattern

# --- units ----------------------------------------------------------------------------

UNIT_STATUSES = ("open", "closed", "all")


def unit_by_code(code: str | None) -> Unit | None:
    if not code:
        return None
    return db.session.scalar(sa.select(Unit).where(Unit.code == code.strip().upper()))


def units_by_codes(codes: list[str]) -> dict[str, Unit]:
    if not codes:
        return {}
    rows = db.session.scalars(sa.select(Unit).where(Unit.code.in_(codes)))
    return {u.code: u for u in rows}


def unit_tree_select(
    q: str = "", status: str = "open", root: Unit | None = None, today: date | None = None
) -> sa.Select:
    """Units in tree order (by materialised path), optionally under ``root``, matching
    ``q`` accent-insensitively on code and name, open today / closed / all."""
    today = today or vietnamese.today()
    stmt = sa.select(Unit).options(selectinload(Unit.parent)).order_by(Unit.path)
    if root is not None:
        stmt = stmt.where(within_prefix(Unit.path, root.path))
    if q and q.strip():
        stmt = stmt.where(Unit.search_text.like(search_pattern(q), escape="\\"))
    if status == "open":
        stmt = stmt.where(sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= today))
    elif status == "closed":
        stmt = stmt.where(Unit.valid_to.is_not(None), Unit.valid_to < today)
    return stmt


def unit_detail(unit_id: int) -> Unit | None:
    return db.session.scalar(
        sa.select(Unit).options(selectinload(Unit.parent)).where(Unit.id == unit_id)
    )


def children_of(unit: Unit, limit: int = 200) -> list[Unit]:
    return list(
        db.session.scalars(
            sa.select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.sort_key).limit(limit)
        )
    )


def ancestors_of(unit: Unit) -> list[Unit]:
    ids = ancestor_ids(unit)
    if not ids:
        return []
    rows = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def successions_of(unit: Unit) -> tuple[list[UnitSuccession], list[UnitSuccession]]:
    """(rows where ``unit`` is the predecessor, rows where it is the successor)."""
    stmt = sa.select(UnitSuccession).options(
        selectinload(UnitSuccession.predecessor), selectinload(UnitSuccession.successor)
    )
    became = db.session.scalars(
        stmt.where(UnitSuccession.predecessor_id == unit.id).order_by(UnitSuccession.effective_on)
    ).all()
    came_from = db.session.scalars(
        stmt.where(UnitSuccession.successor_id == unit.id).order_by(UnitSuccession.effective_on)
    ).all()
    return list(became), list(came_from)


def memberships_at(unit: Unit) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership)
            .options(selectinload(Membership.user))
            .where(Membership.unit_id == unit.id)
            .order_by(Membership.role)
        )
    )


def all_unit_codes() -> set[str]:
    return set(db.session.scalars(sa.select(Unit.code)))


# --- users ----------------------------------------------------------------------------


def users_select(q: str = "", active: str = "all") -> sa.Select:
    """Users in Vietnamese order of their names (given name, middle name, surname),
    matching ``q`` on username, name or e-mail, ignoring case and diacritics ("nguyen
    thi" finds "Nguyễn Thị")."""
    stmt = sa.select(User).order_by(User.sort_key, User.username)
    if q and q.strip():
        stmt = stmt.where(User.search_text.like(search_pattern(q), escape="\\"))
    if active == "active":
        stmt = stmt.where(User.active.is_(True))
    elif active == "disabled":
        stmt = stmt.where(User.active.is_(False))
    return stmt


def user_detail(user_id: int) -> User | None:
    return db.session.scalar(
        sa.select(User)
        .options(selectinload(User.memberships).joinedload(Membership.unit))
        .where(User.id == user_id)
    )


# --- audit ----------------------------------------------------------------------------


@dataclass
class AuditFilter:
    person: str = ""
    unit: Unit | None = None
    object_type: str = ""
    object_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def audit_select(flt: AuditFilter, scope: list[str] | None) -> sa.Select:
    """Audit events newest first, narrowed by ``flt`` and by ``scope`` (path prefixes of
    the units the reader may see; ``None`` for everything). Events without a unit are
    only visible to unrestricted readers."""
    stmt = (
        sa.select(AuditEvent)
        .outerjoin(Unit, Unit.id == AuditEvent.unit_id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if scope is not None:
        stmt = stmt.where(within_prefixes(Unit.path, scope))
    if flt.person:
        stmt = stmt.join(User, User.id == AuditEvent.actor_id).where(
            User.search_text.like(search_pattern(flt.person), escape="\\")
        )
    if flt.unit is not None:
        stmt = stmt.where(within_prefix(Unit.path, flt.unit.path))
    if flt.object_type:
        stmt = stmt.where(AuditEvent.object_type == flt.object_type)
    if flt.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == flt.object_id)
    if flt.date_from:
        stmt = stmt.where(AuditEvent.at >= vietnamese.utc_start_of_day(flt.date_from))
    if flt.date_to:
        stmt = stmt.where(
            AuditEvent.at < vietnamese.utc_start_of_day(flt.date_to + timedelta(days=1))
        )
    return stmt


def audit_object_types() -> list[str]:
    return sorted(db.session.scalars(sa.select(AuditEvent.object_type).distinct()))


def units_by_ids(ids: set[int]) -> dict[int, Unit]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)))}
