"""Reads for the public gallery: only initiatives recognised or outstanding in some
year, and only evidence marked public."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import PUBLIC_STATUSES, Evidence, Initiative, InitiativeYear, Unit
from dankheo.registry import details
from dankheo.registry import queries as registry_queries
from dankheo.reports.cache import cached
from dankheo.reports.map import public_map
from dankheo.reports.queries import Period, compute_statistics, current_phase
from dankheo.reports.rollup import RollUp

# Counting stops here: past it the page says "more than 1,000" (counting every match of
# a broad search costs a scan of the whole table, and nobody pages that far).
COUNT_CAP = 1000


def gallery_page(params, *, per_page: int):
    return registry_queries.initiative_page(
        params, None, per_page=per_page, public=True, count_cap=COUNT_CAP, areas=False
    )


def public_initiative(initiative_id: int) -> Initiative | None:
    """The initiative when it is publicly visible, else None."""
    item = details.initiative_detail(initiative_id)
    if item is None or not any(r.status in PUBLIC_STATUSES for r in item.years):
        return None
    return item


def public_years(initiative: Initiative) -> list[InitiativeYear]:
    return [r for r in initiative.years if r.status in PUBLIC_STATUSES]


def public_evidence(initiative: Initiative) -> list[Evidence]:
    return list(
        db.session.scalars(
            sa.select(Evidence)
            .where(Evidence.initiative_id == initiative.id, Evidence.is_public.is_(True))
            .order_by(Evidence.uploaded_at, Evidence.id)
        )
    )


def public_evidence_row(evidence_id: int) -> Evidence | None:
    """Evidence marked public whose initiative is publicly visible."""
    row = db.session.get(Evidence, evidence_id)
    if row is None or not row.is_public or row.initiative_id is None:
        return None
    visible = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(InitiativeYear)
        .where(
            InitiativeYear.initiative_id == row.initiative_id,
            InitiativeYear.status.in_(PUBLIC_STATUSES),
        )
    )
    return row if visible else None


# --- the gallery's map ---------------------------------------------------------------------


def map_root(unit_id: int | None) -> Unit | None:
    """The unit the gallery's map shows: the unit chosen in the filter when it has units
    below it, else the first top-level unit that exists today (the province)."""
    if unit_id is not None:
        chosen = db.session.get(Unit, unit_id)
        if chosen is not None and db.session.scalar(
            sa.select(Unit.id).where(Unit.parent_id == chosen.id).limit(1)
        ):
            return chosen
    return db.session.scalar(
        sa.select(Unit)
        .where(Unit.parent_id.is_(None), Unit.valid_to.is_(None))
        .order_by(Unit.sort_key, Unit.id)
        .limit(1)
    )


def gallery_map(unit_id: int | None, year: int | None):
    """The dot map of recognised and outstanding initiatives by today's units (cached
    like the dashboard's figures), or None when there is nothing to draw."""
    root = map_root(unit_id)
    if root is None:
        return None
    start, end = current_phase()
    period = Period(start, end, year if year is not None and start <= year <= end else None)

    def compute():
        return public_map(compute_statistics(root.id, period, RollUp.CURRENT))

    return cached(("gallery-map", root.id, period), compute).value
