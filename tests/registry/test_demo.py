"""The demo registry stage: deterministic, idempotent, and faithful to the 2025 mergers."""

from datetime import date

import sqlalchemy as sa

from dankheo.campaigns.services import DEFAULT_FIELDS
from dankheo.demo import accounts, registry, units
from dankheo.extensions import db
from dankheo.models import (
    AwardForm,
    Campaign,
    Evidence,
    Exemplar,
    ExemplarKind,
    Field,
    Initiative,
    InitiativeYear,
    Unit,
)
from dankheo.registry import evidence as evidence_files


def test_demo_registry_stage(app):
    units.seed()
    accounts.seed()
    line = registry.seed()
    assert line.startswith("registry: 2 campaigns, 320 initiatives")
    assert registry.seed() == "registry: already loaded"

    assert db.session.scalars(sa.select(Field.name).order_by(Field.position)).all() == list(
        DEFAULT_FIELDS
    )
    campaigns = {c.year: c for c in db.session.scalars(sa.select(Campaign))}
    assert campaigns[2024].organising_unit.code == "BDVTU"
    assert campaigns[2025].organising_unit.code == "BTGDVTU"
    bang_khen = next(a for a in campaigns[2024].award_types if a.form == AwardForm.BANG_KHEN)
    giay_khen = next(a for a in campaigns[2024].award_types if a.form == AwardForm.GIAY_KHEN)
    assert bang_khen.decision_suffix == "QĐ-UBND" and giay_khen.decision_suffix == "QĐ/BDVTU"
    assert campaigns[2024].criteria

    # No year row falls on a unit after it closed, and 2025 rows use merged communes.
    rows = db.session.execute(
        sa.select(InitiativeYear.year, Unit.valid_to, Unit.valid_from).join(
            Unit, Unit.id == InitiativeYear.unit_id
        )
    ).all()
    assert all(valid_to is None or year < valid_to.year for year, valid_to, _ in rows)
    assert any(year == 2025 and vf == date(2025, 7, 1) for year, _, vf in rows)
    assert {year for year, _, _ in rows} == {2021, 2022, 2023, 2024, 2025}

    carried = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            sa.select(InitiativeYear.initiative_id)
            .group_by(InitiativeYear.initiative_id)
            .having(sa.func.count() >= 3)
            .subquery()
        )
    )
    assert carried > 10
    assert db.session.scalar(
        sa.select(sa.func.count(Initiative.id)).where(Initiative.replicated_from_id.is_not(None))
    )
    kinds = set(db.session.scalars(sa.select(Exemplar.kind)))
    assert kinds == {ExemplarKind.COLLECTIVE, ExemplarKind.INDIVIDUAL}
    evidence = db.session.scalars(sa.select(Evidence)).all()
    assert evidence and any(e.is_public for e in evidence)
    assert all(evidence_files.thumb_path_for(e.sha256).is_file() for e in evidence)
    assert all(i.search_text and i.sort_key for i in db.session.scalars(sa.select(Initiative)))
