"""``seed-volume --national`` on one province (today's Tây Ninh, formed from old Tây
Ninh and Long An): the units come from the official loader, initiatives of before
1/7/2025 belong to the old communes and agencies and those of 2025 may belong to the new
ones, every record carries its unit's path, and the dashboard's kept counts are built
and agree with counting the year rows."""

import sqlalchemy as sa

from dankheo.demo.volume import VolumeCounts, seed_volume
from dankheo.extensions import db
from dankheo.models import Initiative, InitiativeYear, Unit, UnitKind, User
from dankheo.reports import summary
from dankheo.reports.queries import Period, compute_statistics
from dankheo.reports.rollup import RollUp

SMALL = VolumeCounts(
    units=0, initiatives=600, exemplars=100, nominations=30, reviewers=6, certificates=20
)


def test_national_volume_on_the_official_units(app):
    lines = list(seed_volume(SMALL, seed=3, national=True, provinces=("80",)))
    db.session.commit()
    assert any(line.startswith("units:") for line in lines)
    codes = set(db.session.scalars(sa.select(Unit.code)))
    assert {"80", "CU-72", "CU-80", "80-BTGDVTU", "CU-72-BDVTU"} <= codes
    assert db.session.scalar(sa.select(sa.func.count(Initiative.id))) == 600
    rows = db.session.execute(
        sa.select(Initiative.first_year, Unit.valid_to, Unit.valid_from, Unit.kind, Unit.path).join(
            Unit, Unit.id == Initiative.unit_id
        )
    ).all()
    for first_year, valid_to, valid_from, kind, _path in rows:
        assert kind not in (UnitKind.PROVINCE, UnitKind.RURAL_DISTRICT)
        if first_year < 2025:
            assert valid_from is None or valid_from.year < 2025
        else:
            assert valid_to is None  # 2025 registrations: units of today
    mismatched = db.session.scalar(
        sa.select(sa.func.count(InitiativeYear.id))
        .join(Unit, Unit.id == InitiativeYear.unit_id)
        .where(InitiativeYear.unit_path != Unit.path)
    )
    assert mismatched == 0
    assert db.session.scalar(sa.select(User.id).where(User.username == "vol.thuky"))
    assert summary.is_fresh()
    province = db.session.scalar(sa.select(Unit.id).where(Unit.code == "80"))
    for rollup in RollUp:
        kept = compute_statistics(province, Period(2021, 2025, None), rollup, use_summary=True)
        counted = compute_statistics(province, Period(2021, 2025, None), rollup, use_summary=False)
        assert kept.statuses == counted.statuses
        assert [b.total for b in kept.by_unit] == [b.total for b in counted.by_unit]
    # Running it again changes nothing.
    assert list(seed_volume(SMALL, national=True, provinces=("80",))) == ["volume: already loaded"]
