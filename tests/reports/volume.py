"""Bulk-inserted initiatives for the reports tests (fast: one executemany per table)."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Initiative, InitiativeYear, Unit


def insert_initiatives(records) -> None:
    """``records``: (unit_id, field_id, {year: status}) tuples, one initiative each."""
    if not records:
        return
    start = (db.session.scalar(sa.select(sa.func.max(Initiative.id))) or 0) + 1
    # Bulk inserts skip the ORM: the records' scope paths are written here.
    paths = {unit_id: path for unit_id, path in db.session.execute(sa.select(Unit.id, Unit.path))}
    initiatives, years = [], []
    for offset, (unit_id, field_id, statuses) in enumerate(records):
        initiative_id = start + offset
        initiatives.append(
            {
                "id": initiative_id,
                "unit_id": unit_id,
                "field_id": field_id,
                "name": f"Mô hình {initiative_id}",
                "first_year": min(statuses),
                "unit_path": paths[unit_id],
                "is_public": any(s in ("recognised", "outstanding") for s in statuses.values()),
                "version": 1,
            }
        )
        years.extend(
            {
                "initiative_id": initiative_id,
                "year": year,
                "status": status,
                "unit_id": unit_id,
                "field_id": field_id,
                "unit_path": paths[unit_id],
            }
            for year, status in statuses.items()
        )
    db.session.execute(sa.insert(Initiative), initiatives)
    db.session.execute(sa.insert(InitiativeYear), years)
    db.session.commit()
