"""Concurrent evaluations of one initiative's year leave the kept dashboard figures
(report_counts, report_tallies) equal to counting the records (real connections: a
SQLite file here, the PostgreSQL server under `make test-postgres`).

Both requests pass their checks and read the year row before either writes (the race
helper holds each at its first flush). Without the lock the kept upkeep takes before
writing, both would subtract the same old status on PostgreSQL: one status counted
twice, the old one once too few."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import AuditEvent, InitiativeYear, YearStatus
from dankheo.models.base import utcnow
from dankheo.reports import summary
from tests.reports.test_tallies import assert_agree
from tests.security.test_concurrency import _session_id, app, race, world  # noqa: F401


def test_concurrent_evaluations_of_one_year_keep_the_figures(app, world):  # noqa: F811
    initiative = world.free_initiative
    initiative.priority_areas = [world.priority_area]  # its year rows are counted by area too
    row = db.session.scalar(
        sa.select(InitiativeYear).where(InitiativeYear.initiative_id == initiative.id)
    )
    # Reported by the officer, not evaluated yet: the secretary may evaluate it.
    row.status, row.reported_at = YearStatus.REGISTERED, utcnow()
    db.session.commit()
    summary.rebuild()
    db.session.commit()

    def evaluate(status):
        url = f"/registry/initiatives/{initiative.id}/years/{row.year}/evaluate"
        return lambda c: c.post(url, data={"status": status.value, "note": ""})

    secretary = _session_id(world, "secretary")
    results = race(
        app,
        [
            (secretary, evaluate(YearStatus.RECOGNISED)),
            (secretary, evaluate(YearStatus.OUTSTANDING)),
        ],
    )
    assert [status for status, _body in results] == [302, 302]
    evaluations = db.session.scalars(
        sa.select(AuditEvent.to_state).where(AuditEvent.action == "initiative.evaluate")
    ).all()
    assert sorted(evaluations) == ["outstanding", "recognised"]  # both went through
    db.session.refresh(row)
    assert row.status in (YearStatus.RECOGNISED, YearStatus.OUTSTANDING)
    assert_agree(world.units, roots=("province", "d1", "c11"))
