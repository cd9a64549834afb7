"""Registry reads of one initiative's or exemplar's page: the record with what its page
shows, its evidence, its nominations and the exemplars it led."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from dankheo.extensions import db
from dankheo.models import Evidence, Exemplar, Initiative, InitiativeYear, Nomination
from dankheo.models.registry import exemplar_initiatives


def initiative_detail(initiative_id: int) -> Initiative | None:
    return db.session.scalar(
        sa.select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.unit),
            joinedload(Initiative.field),
            joinedload(Initiative.replicated_from),
            selectinload(Initiative.years).joinedload(InitiativeYear.unit),
            selectinload(Initiative.priority_areas),
            selectinload(Initiative.replications).joinedload(Initiative.unit),
        )
    )


def evidence_of(*, initiative: Initiative | None = None, exemplar: Exemplar | None = None):
    stmt = sa.select(Evidence).order_by(Evidence.uploaded_at, Evidence.id)
    if initiative is not None:
        stmt = stmt.where(Evidence.initiative_id == initiative.id)
    else:
        stmt = stmt.where(Evidence.exemplar_id == exemplar.id)
    return list(db.session.scalars(stmt))


def evidence_owner(row: Evidence) -> Initiative | Exemplar | None:
    if row.initiative_id:
        return db.session.get(Initiative, row.initiative_id)
    return db.session.get(Exemplar, row.exemplar_id)


def nominations_of(initiative: Initiative) -> list:
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .where(Nomination.initiative_id == initiative.id)
            .options(joinedload(Nomination.campaign), joinedload(Nomination.award_type))
            .order_by(Nomination.id)
        )
    )


def exemplars_leading(initiative: Initiative) -> list[Exemplar]:
    return list(
        db.session.scalars(
            # Through the link table's initiative index (``any()`` tested every exemplar).
            sa.select(Exemplar)
            .where(
                Exemplar.id.in_(
                    sa.select(exemplar_initiatives.c.exemplar_id).where(
                        exemplar_initiatives.c.initiative_id == initiative.id
                    )
                )
            )
            .order_by(Exemplar.year, Exemplar.sort_key)
        )
    )
