"""The dashboard's other kept figures (reports.tallies: exemplars, nominations, awards,
the year reports' sums, the campaigns' indicators, priority areas) agree with counting
the records, in both roll-ups and for every root, after each kind of write: an
initiative created, reported, evaluated, moved to another unit, given other priority
areas, deleted; an exemplar created, edited, deleted; a nomination's state; a
certificate issued (the issuing job's bulk UPDATE) and revoked; a replication; a
campaign's year; a rollback; a structure change (stale until the rebuild)."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dankheo.admin.units import create_unit, move_unit, record_succession
from dankheo.certificates.revocation import revoke_certificate
from dankheo.extensions import db
from dankheo.models import (
    Campaign,
    CampaignIndicator,
    Certificate,
    CertificateStatus,
    Decision,
    ExemplarKind,
    Initiative,
    Nomination,
    NominationState,
    PriorityArea,
    ReportTally,
    Role,
    SuccessionKind,
    UnitKind,
    YearStatus,
)
from dankheo.models.registry import initiative_priority_areas
from dankheo.registry import services
from dankheo.reports import summary
from dankheo.reports.queries import Period, compute_statistics
from dankheo.reports.rollup import RollUp
from tests.factories import (
    make_exemplar,
    make_field,
    make_initiative,
    make_nomination,
    make_user,
)

ROOTS = ("province", "d1", "d2", "c11", "c12", "new")
PERIODS = (
    Period(2021, 2025, 2024),
    Period(2021, 2025, 2025),
    Period(2021, 2025, None),
    Period(2021, 2025, 2024, date(2024, 1, 1), date(2024, 12, 31), 2),
)


def all_figures(stats) -> dict:
    """Every figure of a Statistics object, in a comparable form."""
    return {
        "statuses": dict(stats.statuses),
        "by_year": [(b.key, dict(b.counts)) for b in stats.by_year],
        "by_field": sorted((b.key, tuple(b.counts.values())) for b in stats.by_field),
        "by_unit": sorted(
            (b.key, b.label, b.drillable, tuple(b.counts.values())) for b in stats.by_unit
        ),
        "unit_figures": sorted(
            (k, tuple(f.exemplars.values()), f.nominations, f.awards, f.replicated)
            for k, f in stats.unit_figures.items()
        ),
        "exemplars": dict(stats.exemplars_by_kind),
        "nominations": dict(stats.nominations_by_state),
        "awards": stats.awards_by_type,
        "replicated": (stats.replicated, stats.replicated_sources),
        "figures": stats.figures,
        "reports": list(stats.reports_by_year.items()),
        "indicators": stats.indicator_totals,
        "areas": [(b.key, tuple(b.counts.values())) for b in stats.by_priority_area],
    }


def assert_agree(units, roots=ROOTS):
    assert summary.is_fresh()
    for key in roots:
        for rollup in RollUp:
            for period in PERIODS:
                kept = compute_statistics(units[key].id, period, rollup, use_summary=True)
                counted = compute_statistics(units[key].id, period, rollup, use_summary=False)
                assert all_figures(kept) == all_figures(counted), (key, rollup, period)


@pytest.fixture
def built(data):
    """The reports' data, with priority areas, a campaign indicator and reported
    figures; the kept tables rebuilt."""
    u = data
    areas = [PriorityArea(name="Xây dựng nông thôn mới"), PriorityArea(name="Chuyển đổi số")]
    db.session.add_all(areas)
    campaign = db.session.scalar(sa.select(Campaign))
    indicator = CampaignIndicator(campaign=campaign, name="Cây xanh trồng mới", unit_label="cây")
    db.session.add(indicator)
    db.session.flush()
    for i, item in enumerate(db.session.scalars(sa.select(Initiative).order_by(Initiative.id))):
        item.priority_areas = areas[: i % 3]
    db.session.commit()
    summary.rebuild()
    db.session.commit()
    u["areas"], u["indicator"], u["campaign"] = areas, indicator, campaign
    return u


def _tallies() -> list:
    return db.session.execute(
        sa.select(ReportTally.__table__).order_by(*ReportTally.__table__.primary_key.columns)
    ).all()


def test_a_rebuild_fills_the_tallies_and_agrees(built):
    measures = set(db.session.scalars(sa.select(ReportTally.measure).distinct()))
    assert {"exemplar", "nomination", "award", "years", "area"} <= measures
    assert_agree(built)


def test_initiative_writes_keep_the_tallies(built):
    u = built
    field = make_field("Quốc phòng – an ninh")
    item = services.create_initiative(
        None, unit=u["c12"], field=field, year=2024, values={"name": "Mô hình mới"}
    )
    item.priority_areas = [u["areas"][1]]
    db.session.commit()
    assert_agree(u)
    services.report_year(
        None,
        item.years[0],
        figures={"beneficiaries": 120, "road_km": 1.25, "money_vnd": 5_000_000},
        text="Báo cáo năm 2024",
        indicators={u["indicator"]: Decimal("35.5")},
    )
    db.session.commit()
    assert_agree(u)
    services.report_year(
        None,
        item.years[0],
        figures={"beneficiaries": 80},
        text="Báo cáo năm 2024 (sửa)",
        indicators={u["indicator"]: Decimal("12")},
    )
    db.session.commit()
    assert_agree(u)
    services.evaluate_year(None, item.years[0], YearStatus.OUTSTANDING)
    services.carry_over(None, item)
    db.session.commit()
    assert_agree(u)
    # Moved to a unit under the other district (also a commune that was merged).
    services.update_initiative(
        None, item, expected_version=item.version, unit=u["c21"], field=field, values={}
    )
    db.session.commit()
    assert_agree(u)
    item.priority_areas = [u["areas"][0], u["areas"][1]]
    db.session.commit()
    assert_agree(u)
    # Replication: a copy of it elsewhere.
    make_initiative(u["d2"], year=2025, replicated_from=item)
    db.session.commit()
    assert_agree(u)
    db.session.delete(item)
    db.session.commit()
    assert_agree(u)


def test_exemplar_writes_keep_the_tallies(built):
    u = built
    exemplar = make_exemplar(u["c21"], year=2025, kind=ExemplarKind.COLLECTIVE)
    db.session.commit()
    assert_agree(u)
    exemplar.unit, exemplar.year, exemplar.kind = u["new"], 2025, ExemplarKind.INDIVIDUAL
    db.session.commit()
    assert_agree(u)
    db.session.delete(exemplar)
    db.session.commit()
    assert_agree(u)


def test_nominations_and_certificates_keep_the_tallies(built, app):
    u = built
    campaign = u["campaign"]
    nomination = make_nomination(campaign, u["c11"], state=NominationState.SUBMITTED)
    db.session.commit()
    assert_agree(u)
    nomination.state = NominationState.APPROVED
    db.session.commit()
    assert_agree(u)
    nomination.state = NominationState.AWARDED
    decision = db.session.scalar(sa.select(Decision))
    cert = Certificate(
        serial="DVK-2024-000002",
        decision=decision,
        nomination=nomination,
        recipient_name="Z",
        reason="W",
        status=CertificateStatus.PENDING,
    )
    db.session.add(cert)
    db.session.commit()
    assert_agree(u)
    # Issued the way the issuing job does: a guarded bulk UPDATE.
    db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == cert.id, Certificate.status == CertificateStatus.PENDING)
        .values(status=CertificateStatus.VALID)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    assert summary.is_fresh()  # kept up, not marked stale
    db.session.expire_all()
    assert_agree(u)
    secretary = make_user("thuky-tally", (Role.SECRETARY, u["province"]))
    with app.test_request_context():
        revoke_certificate(secretary, db.session.get(Certificate, cert.id), "Cấp nhầm đối tượng")
    db.session.commit()
    assert_agree(u)
    # A bulk DELETE of a few nominations is kept up too.
    db.session.execute(sa.delete(Certificate).where(Certificate.nomination_id == nomination.id))
    db.session.execute(sa.delete(Nomination).where(Nomination.id == nomination.id))
    db.session.commit()
    assert_agree(u)


def test_a_campaign_year_change_moves_its_nominations(built):
    u = built
    u["campaign"].year = 2025
    db.session.commit()
    assert_agree(u)


def test_a_rolled_back_write_leaves_the_tallies(built):
    before = _tallies()
    make_exemplar(built["c22"], year=2024)
    make_nomination(built["campaign"], built["c12"], state=NominationState.SUBMITTED)
    db.session.rollback()
    assert _tallies() == before


@pytest.mark.parametrize("change", ["move", "succession", "bulk insert"])
def test_a_structure_change_or_a_bulk_insert_makes_them_stale(built, change):
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
    else:
        item = make_initiative(u["c11"], year=2024)
        db.session.execute(
            sa.insert(initiative_priority_areas).values(
                initiative_id=item.id, priority_area_id=u["areas"][0].id
            )
        )
    db.session.commit()
    assert not summary.is_fresh()
    summary.rebuild()
    db.session.commit()
    assert_agree(u)


def test_tally_totals_are_exact_decimals(built):
    item = make_initiative(built["c11"], year=2024)
    db.session.commit()
    for value in ("0.1", "0.2", "0.3"):
        services.report_year(
            None, item.years[0], figures={"road_km": float(value)}, text="x", indicators={}
        )
        db.session.commit()
    total = db.session.scalar(
        sa.select(sa.func.sum(ReportTally.total)).where(
            ReportTally.measure == "fig:road_km",
            ReportTally.root_id == built["c11"].id,
            ReportTally.year == 2024,
        )
    )
    assert Decimal(str(total)).quantize(Decimal("0.000001")) == Decimal("0.300000")
    assert_agree(built, roots=("c11",))
