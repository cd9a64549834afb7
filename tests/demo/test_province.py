"""`make run`'s demo shows the real province: today's Tây Ninh and the two provinces it
was formed from, loaded through the official-units loader; records before July 2025 on
the old units and after it on the new ones; officers of an old commune and its
successor and of a commune of old Long An; a campaign in review."""

import sqlalchemy as sa

from dankheo.demo import STAGES as ALL_STAGES
from dankheo.demo.accounts import DEMO_USERS
from dankheo.demo.units import CODES
from dankheo.extensions import db
from dankheo.models import (
    Campaign,
    Exemplar,
    ExemplarKind,
    Initiative,
    InitiativeYear,
    Nomination,
    NominationState,
    PriorityArea,
    Unit,
    User,
    YearStatus,
)
from dankheo.models.units import COMMUNE_LEVEL_KINDS
from dankheo.tree import exists_at_end_of, exists_in_year, within_prefix
from tests.demo.conftest import FIRST_NEW_DAY, LAST_OLD_DAY, STAGES, unit


def communes_open_on(code: str, day) -> int:
    root = unit(code)
    found = db.session.scalars(
        sa.select(Unit).where(
            within_prefix(Unit.path, root.path), Unit.kind.in_(list(COMMUNE_LEVEL_KINDS))
        )
    )
    return sum(1 for u in found if u.is_open_on(day))


def test_the_demo_loads_todays_tay_ninh_and_its_two_predecessors(demo):
    assert demo.config["DEMO_LINES"][0].startswith("units: Tỉnh Tây Ninh and its predecessors")
    assert communes_open_on("80", FIRST_NEW_DAY) == 96
    assert communes_open_on("CU-72", LAST_OLD_DAY) == 94
    assert communes_open_on("CU-80", LAST_OLD_DAY) == 186
    assert unit("CU-80").name == "Tỉnh Long An"
    # No unit of the demo is typed in: every code is official or of the agency seed.
    codes = set(db.session.scalars(sa.select(Unit.code)))
    assert all(c.split("-")[-1].isdigit() or c.startswith(("80-", "CU-")) for c in codes)


def test_every_demo_stage_is_idempotent(demo):
    before = {
        table: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in (Unit.__table__, User.__table__, Initiative.__table__, Nomination.__table__)
    }
    lines = [stage.seed() for stage in STAGES]
    db.session.commit()
    assert all("already loaded" in line for line in lines), lines
    after = {t: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in before}
    assert after == before
    assert ALL_STAGES[: len(STAGES)] == STAGES


def test_demo_officers_sit_at_an_old_commune_its_successor_and_a_long_an_commune(demo):
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    assert {name for name, _, _ in DEMO_USERS} <= set(users)
    old = users["canbo.longhoa.cu"].memberships[0].unit
    new = users["canbo.longhoa"].memberships[0].unit
    assert (old.code, old.valid_to) == (CODES["long_hoa_old"], LAST_OLD_DAY)
    assert (new.code, new.valid_from) == (CODES["long_hoa"], FIRST_NEW_DAY)
    assert old.id in {s.predecessor_id for s in _successions_into(new)}
    long_an = users["canbo.tanan"].memberships[0].unit
    predecessors = [db.session.get(Unit, s.predecessor_id) for s in _successions_into(long_an)]
    assert predecessors and all(p.path.startswith(unit("CU-80").path) for p in predecessors)


def _successions_into(target: Unit):
    from dankheo.models import UnitSuccession

    return db.session.scalars(
        sa.select(UnitSuccession).where(UnitSuccession.successor_id == target.id)
    ).all()


def test_records_before_july_2025_are_on_old_units_and_after_it_on_new_ones(demo):
    rows = db.session.execute(
        sa.select(InitiativeYear, Initiative).join(
            Initiative, Initiative.id == InitiativeYear.initiative_id
        )
    ).all()
    units = {u.id: u for u in db.session.scalars(sa.select(Unit))}
    assert {row.year for row, _ in rows} == {2021, 2022, 2023, 2024, 2025}
    for row, initiative in rows:
        carrier = units[row.unit_id]
        assert exists_in_year(carrier, row.year), (initiative.name, row.year, carrier.code)
        if row.year < 2025:
            assert carrier.code.startswith("CU-")
        if row.year > initiative.first_year:
            # A later year sits on the unit that carried it at the end of that year.
            assert exists_at_end_of(carrier, row.year), (row.year, carrier.code)
    # 2025 has both: records registered in the first half on old units, after July on
    # today's, and the 2025 years of older records on the successors.
    carriers_2025 = {units[r.unit_id].code.startswith("CU-") for r, _ in rows if r.year == 2025}
    assert carriers_2025 == {True, False}
    moved = [r for r, i in rows if r.unit_id != i.unit_id]
    assert moved and all(not units[r.unit_id].code.startswith("CU-") for r in moved)


def test_every_evaluated_year_was_reported_first(demo):
    rows = db.session.scalars(sa.select(InitiativeYear)).all()
    evaluated = [r for r in rows if r.status != YearStatus.REGISTERED]
    assert evaluated and all(r.reported_at and r.evaluated_at >= r.reported_at for r in evaluated)
    waiting = [r for r in rows if r.status == YearStatus.REGISTERED and r.reported_at]
    assert waiting  # reported, waiting for the secretary
    assert any(r.indicator_values for r in rows if r.year == 2025)


def test_individual_exemplars_and_priority_areas(demo):
    assert db.session.scalars(
        sa.select(PriorityArea.name).order_by(PriorityArea.position)
    ).all() == [
        "Dự án có thu hồi đất",
        "An sinh xã hội",
        "Xây dựng nông thôn mới",
        "Đô thị văn minh",
    ]
    exemplars = db.session.scalars(sa.select(Exemplar)).all()
    assert {e.kind for e in exemplars} == {ExemplarKind.COLLECTIVE, ExemplarKind.INDIVIDUAL}
    assert any(i.priority_areas for i in db.session.scalars(sa.select(Initiative)))


def test_a_campaign_in_review_and_an_approved_set_as_before(demo):
    campaigns = {c.year: c for c in db.session.scalars(sa.select(Campaign))}
    assert campaigns[2024].organising_unit.code == CODES["old_board"]
    assert campaigns[2025].organising_unit.code == CODES["board"]
    assert [i.name for i in campaigns[2025].indicators]
    states = dict(
        db.session.execute(
            sa.select(Nomination.state, sa.func.count()).group_by(Nomination.state)
        ).all()
    )
    assert states[NominationState.IN_REVIEW] >= 30
    assert states[NominationState.APPROVED] == 12
