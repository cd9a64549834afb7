"""Reads of one year of an initiative: the row with what its page shows, the campaign
indicators its report may give figures for, and the evidence of that year."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from dankheo.extensions import db
from dankheo.models import (
    Campaign,
    CampaignIndicator,
    Evidence,
    IndicatorValue,
    Initiative,
    InitiativeYear,
    Unit,
    UnitKind,
)
from dankheo.tree import lineage_prefixes


def year_row(initiative: Initiative, year: int) -> InitiativeYear | None:
    return next((r for r in initiative.years if r.year == year), None)


def year_detail(initiative_id: int, year: int) -> InitiativeYear | None:
    """One year of an initiative with what its page shows (unit, indicator values)."""
    return db.session.scalar(
        sa.select(InitiativeYear)
        .where(InitiativeYear.initiative_id == initiative_id, InitiativeYear.year == year)
        .options(
            joinedload(InitiativeYear.unit),
            joinedload(InitiativeYear.initiative).joinedload(Initiative.field),
            selectinload(InitiativeYear.indicator_values).joinedload(IndicatorValue.indicator),
        )
    )


def indicators_for(row: InitiativeYear) -> list[CampaignIndicator]:
    """The own indicators of the campaigns of the row's year whose organiser's territory
    holds the row's unit (or a unit it succeeded): what its report may give figures for."""
    campaigns = db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.year == row.year, Campaign.indicators.any())
        .options(joinedload(Campaign.organising_unit), selectinload(Campaign.indicators))
        .order_by(Campaign.id)
    ).all()
    unit = row.unit or db.session.get(Unit, row.unit_id)
    out: list[CampaignIndicator] = []
    for campaign in campaigns:
        territory = campaign.organising_unit
        if territory.kind == UnitKind.AGENCY and territory.parent is not None:
            territory = territory.parent
        if any(unit.path.startswith(p) for p in lineage_prefixes([territory.path])):
            out.extend(campaign.indicators)
    return out


def year_evidence(row: InitiativeYear) -> list[Evidence]:
    return list(
        db.session.scalars(
            sa.select(Evidence)
            .where(Evidence.initiative_year_id == row.id)
            .order_by(Evidence.uploaded_at, Evidence.id)
        )
    )
