"""Campaign configuration reads: fields, the campaign list and page, award types, and
the units a user may organise campaigns for."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from dankheo import vietnamese
from dankheo.extensions import db
from dankheo.models import AwardType, Campaign, Field, PriorityArea, Role, Unit
from dankheo.permissions import is_admin, is_closed, units_with_role
from dankheo.vietnamese import fold


def fields(active_only: bool = False) -> list[Field]:
    stmt = sa.select(Field).order_by(Field.position, Field.id)
    if active_only:
        stmt = stmt.where(Field.active.is_(True))
    return list(db.session.scalars(stmt))


def priority_areas(active_only: bool = False) -> list[PriorityArea]:
    stmt = sa.select(PriorityArea).order_by(PriorityArea.position, PriorityArea.id)
    if active_only:
        stmt = stmt.where(PriorityArea.active.is_(True))
    return list(db.session.scalars(stmt))


def campaigns_select(q: str = "", year: int | None = None) -> sa.Select:
    stmt = (
        sa.select(Campaign)
        .options(joinedload(Campaign.organising_unit))
        .order_by(Campaign.year.desc(), Campaign.id.desc())
    )
    if year:
        stmt = stmt.where(Campaign.year == year)
    if q:
        # Campaign names are few: fold in SQL is not portable, so match the raw text
        # and its folded form.
        like = f"%{q}%"
        stmt = stmt.where(sa.or_(Campaign.name.ilike(like), Campaign.name.ilike(f"%{fold(q)}%")))
    return stmt


def campaign_detail(campaign_id: int) -> Campaign | None:
    return db.session.scalar(
        sa.select(Campaign)
        .where(Campaign.id == campaign_id)
        .options(
            joinedload(Campaign.organising_unit),
            selectinload(Campaign.criteria),
            selectinload(Campaign.award_types),
            selectinload(Campaign.indicators),
        )
    )


def award_type(award_type_id: int) -> AwardType | None:
    return db.session.scalar(
        sa.select(AwardType)
        .where(AwardType.id == award_type_id)
        .options(joinedload(AwardType.campaign))
    )


def organiser_choices(user) -> list[tuple[int, str]]:
    """Units a user may organise campaigns for: its secretary units (admins: all)."""
    if is_admin(user):
        units = db.session.scalars(
            sa.select(Unit).where(Unit.valid_to.is_(None)).order_by(Unit.path)
        ).all()
    else:
        today = vietnamese.today()
        units = [u for u in units_with_role(user, Role.SECRETARY) if not is_closed(u, today)]
    return [(u.id, u.name) for u in units]
