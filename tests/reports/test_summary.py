"""The dashboard's kept counts (reports.summary) agree with counting the year rows, in
both roll-ups and for every root, after each way a year row is written in a request's
transaction; a structure change or a bulk statement makes them stale (the dashboard
then counts itself) until the rebuild job runs."""

from datetime import date

import pytest
import sqlalchemy as sa

from dankheo.admin.units import create_unit, move_unit, record_succession
from dankheo.extensions import db
from dankheo.models import InitiativeYear, ReportCount, SuccessionKind, UnitKind, YearStatus
from dankheo.registry import services
from dankheo.reports import summary
from dankheo.reports.queries import Period, compute_statistics
from dankheo.reports.rollup import RollUp
from tests.factories import make_field, make_initiative


def _figures(stats):
    return (
        {s: n for s, n in stats.statuses.items()},
        [(b.key, dict(b.counts)) for b in stats.by_year],
        sorted((b.key, tuple(b.counts.values())) for b in stats.by_field),
        sorted((b.key, tuple(b.counts.values())) for b in stats.by_unit),
    )


def _assert_agree(units, keys=("province", "d1", "d2", "c11", "new")):
    assert summary.is_fresh()
    for key in keys:
        for rollup in RollUp:
            for year in (2024, 2025, None):
                period = Period(2021, 2025, year)
                kept = compute_statistics(units[key].id, period, rollup, use_summary=True)
                counted = compute_statistics(units[key].id, period, rollup, use_summary=False)
                assert _figures(kept) == _figures(counted), (key, rollup, year)


@pytest.fixture
def built(data):
    summary.rebuild()
    db.session.commit()
    return data


def test_a_rebuild_agrees_with_counting(built):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportCount)) > 0
    _assert_agree(built)


def test_writes_in_a_transaction_keep_the_counts(built):
    u = built
    field = make_field("Quốc phòng – an ninh")
    item = services.create_initiative(
        None, unit=u["c12"], field=field, year=2024, values={"name": "Mô hình mới"}
    )
    db.session.commit()
    _assert_agree(u)
    services.report_year(None, item.years[0], figures={}, text="Báo cáo năm 2024")
    services.evaluate_year(None, item.years[0], YearStatus.OUTSTANDING)
    services.carry_over(None, item)
    db.session.commit()
    _assert_agree(u)
    services.update_initiative(
        None, item, expected_version=item.version, unit=u["c21"], field=field, values={}
    )
    db.session.commit()
    _assert_agree(u)
    db.session.delete(item)
    db.session.commit()
    _assert_agree(u)


def test_a_rolled_back_write_leaves_the_counts(built):
    before = db.session.scalars(sa.select(ReportCount.n)).all()
    make_initiative(built["c22"], year=2024)
    db.session.rollback()
    assert db.session.scalars(sa.select(ReportCount.n)).all() == before
    _assert_agree(built)


@pytest.mark.parametrize("change", ["move", "succession", "bulk"])
def test_a_structure_change_or_a_bulk_statement_makes_them_stale(built, change):
    u = built
    if change == "move":
        move_unit(u["c12"], u["d2"])
    elif change == "succession":
        later = create_unit(
            code="NEW2",
            name="Xã Sau",
            kind=UnitKind.COMMUNE,
            parent=u["province"],
            valid_from=date(2025, 7, 1),
        )
        record_succession([u["c22"]], [later], SuccessionKind.MERGE, date(2025, 7, 1))
        u["later"] = later
    else:
        db.session.execute(
            sa.update(InitiativeYear)
            .values(status=YearStatus.DROPPED)
            .where(InitiativeYear.year == 2024)
        )
    db.session.commit()
    assert not summary.is_fresh()
    # Stale: compute_statistics counts the year rows itself.
    stats = compute_statistics(u["province"].id, Period(2021, 2025, 2024), RollUp.CURRENT)
    counted = compute_statistics(
        u["province"].id, Period(2021, 2025, 2024), RollUp.CURRENT, use_summary=False
    )
    assert _figures(stats) == _figures(counted)
    summary.rebuild()
    db.session.commit()
    _assert_agree(u)


def test_a_stale_dashboard_queues_the_rebuild(client, auth, built, leader):
    db.session.execute(sa.delete(ReportCount))
    summary.mark_stale(db.session)
    db.session.commit()
    auth.login("lanhdao")
    assert client.get(f"/reports/?unit={built['province'].id}&year=2024").status_code == 200
    # The test queue runs jobs at once: the kept counts are back.
    assert summary.is_fresh()
    _assert_agree(built)
