"""Fixtures of the reports tests: a province with records in several years, a 2025
merger, and users of every role."""

from datetime import date

import pytest

from dankheo.admin.units import create_unit, record_succession
from dankheo.extensions import db
from dankheo.models import (
    Certificate,
    CertificateStatus,
    Decision,
    ExemplarKind,
    NominationState,
    Role,
    SuccessionKind,
    UnitKind,
    YearStatus,
)
from tests.factories import (
    make_campaign,
    make_exemplar,
    make_field,
    make_initiative,
    make_nomination,
    make_province,
    make_user,
)


@pytest.fixture
def units(app):
    return make_province()


@pytest.fixture
def merged(units):
    """On 1/7/2025 Xã Một Một and Xã Hai Một merge into Xã Mới, directly under the
    province (the districts are gone)."""
    new = create_unit(
        code="NEW",
        name="Xã Mới",
        kind=UnitKind.COMMUNE,
        parent=units["province"],
        valid_from=date(2025, 7, 1),
    )
    record_succession([units["c11"], units["c21"]], [new], SuccessionKind.MERGE, date(2025, 7, 1))
    db.session.commit()
    units["new"] = new
    return units


@pytest.fixture
def data(merged):
    """Records spread over years, statuses, fields, units; returns a summary."""
    u = merged
    economy = make_field("Kinh tế")
    culture = make_field("Văn hóa – xã hội")
    make_initiative(u["c11"], year=2022, status=YearStatus.RECOGNISED, field=economy)
    make_initiative(u["c11"], year=2024, status=YearStatus.OUTSTANDING, field=culture)
    make_initiative(u["c12"], year=2024, status=YearStatus.REGISTERED, field=economy)
    source = make_initiative(u["c21"], year=2024, status=YearStatus.DROPPED, field=economy)
    make_initiative(
        u["c22"], year=2024, status=YearStatus.RECOGNISED, field=culture, replicated_from=source
    )
    make_initiative(u["agency"], year=2024, status=YearStatus.RECOGNISED, field=economy)
    make_initiative(u["province"], year=2024, status=YearStatus.RECOGNISED, field=economy)
    make_initiative(u["new"], year=2025, status=YearStatus.REGISTERED, field=economy)
    make_exemplar(u["c11"], year=2024, kind=ExemplarKind.COLLECTIVE)
    make_exemplar(u["c22"], year=2024)
    campaign = make_campaign(u["province"], year=2024)
    awarded = make_nomination(campaign, u["c12"], state=NominationState.AWARDED)
    make_nomination(campaign, u["c21"], state=NominationState.SUBMITTED)
    decision = Decision(
        campaign=campaign,
        award_type=campaign.award_types[0],
        number=1,
        number_text="Số: 1/QĐ-UBND",
        signed_on=date(2024, 12, 15),
        place="Tây Ninh",
        signer_name="Nguyễn Văn A",
        signer_title="Chủ tịch",
    )
    db.session.add(decision)
    db.session.flush()
    db.session.add(
        Certificate(
            serial="DVK-2024-000001",
            decision=decision,
            nomination=awarded,
            recipient_name="X",
            reason="Y",
            status=CertificateStatus.VALID,
        )
    )
    db.session.commit()
    return u


@pytest.fixture
def leader(units):
    return make_user("lanhdao", (Role.LEADER, units["province"]))


@pytest.fixture
def district_leader(units):
    return make_user("lanhdaohuyen", (Role.LEADER, units["d1"]))


@pytest.fixture
def reviewer(units):
    return make_user("giamkhao", (Role.REVIEWER, units["agency"]))
