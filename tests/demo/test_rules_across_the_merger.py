"""Rules that follow time, on the real province: a record's year falls inside its unit's
life (the refusal names the successors, or the predecessors), a campaign judges only
years of its phase, an officer of a successor unit reads and carries on its
predecessors' records, an officer of a closed unit keeps read access to its history
only, and conflicts of interest follow successions."""

import pytest
import sqlalchemy as sa

from dankheo.campaigns.services import save_campaign
from dankheo.demo.units import CODES
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import (
    Campaign,
    Committee,
    Initiative,
    InitiativeYear,
    Nomination,
    Reviewer,
    UnitSuccession,
    User,
    YearStatus,
)
from dankheo.nominations.services import create_nomination
from dankheo.permissions import can
from dankheo.review import queries as review_queries
from dankheo.tree import within_prefix
from tests.demo.conftest import unit
from tests.factories import make_initiative


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def predecessors_of(code: str):
    target = unit(code)
    return [
        s.predecessor
        for s in db.session.scalars(
            sa.select(UnitSuccession).where(UnitSuccession.successor_id == target.id)
        )
    ]


def form(unit_id: int, year: int, name: str) -> dict:
    return {"unit_id": str(unit_id), "field_id": "1", "year": str(year), "name": name}


# --- a record's year inside its unit's life ------------------------------------------------


def test_registering_2026_in_a_commune_closed_in_2025_is_refused_naming_its_successor(
    signed_in,
):
    client = signed_in("canbo.longhoa")  # the successor's officer may enter its history
    old = unit(CODES["long_hoa_old"])
    name = "Mô hình “Đường hoa” ghi sai năm"
    response = client.post("/registry/initiatives/new", data=form(old.id, 2026, name))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“Phường Long Hoa” chỉ hoạt động đến ngày 30/06/2025" in html
    assert "không thể ghi nhận năm 2026" in html
    assert "Vui lòng chọn đơn vị kế thừa: “Phường Long Hoa”" in html
    assert not db.session.scalar(sa.select(Initiative.id).where(Initiative.name == name))
    # 2025 is still part of its life (until 30 June).
    response = client.post("/registry/initiatives/new", data=form(old.id, 2025, name))
    assert response.status_code == 302


def test_registering_2024_in_a_commune_formed_in_2025_is_refused_naming_its_predecessors(
    signed_in,
):
    client = signed_in("canbo.longhoa")
    new = unit(CODES["long_hoa"])
    html = client.post(
        "/registry/initiatives/new", data=form(new.id, 2024, "Mô hình năm 2024 sai đơn vị")
    ).get_data(as_text=True)
    assert "“Phường Long Hoa” được thành lập từ ngày 01/07/2025" in html
    assert "Năm 2024 thuộc đơn vị tiền thân:" in html
    for predecessor in predecessors_of(CODES["long_hoa"]):
        assert f"“{predecessor.name}”" in html


def test_an_exemplar_year_must_fall_in_its_units_life(signed_in):
    client = signed_in("canbo.tanan")
    new = unit(CODES["tan_an"])
    data = {"kind": "individual", "name": "Nguyễn Văn Năm", "unit_id": str(new.id), "year": "2023"}
    html = client.post("/registry/exemplars/new", data=data).get_data(as_text=True)
    assert "được thành lập từ ngày 01/07/2025" in html and "không thể ghi nhận năm 2023" in html


def test_a_campaign_judges_only_years_of_its_own(demo):
    officer = user("canbo.longhoa")
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.year == 2025))
    record = make_initiative(unit(CODES["long_hoa"]), "Mô hình chỉ có năm 2026", year=2026)
    with pytest.raises(DomainError) as refused:
        create_nomination(
            officer,
            award_type=campaign.award_types[0],
            subject=record,
            recipient_name="Phường Long Hoa",
            achievement_text="Thành tích",
            report_text="Báo cáo",
        )
    assert refused.value.code == "nomination.outside_phase"
    assert "giai đoạn 2021–2025" in refused.value.message and "2026" in refused.value.message
    older = make_initiative(unit(CODES["long_hoa_old"]), "Mô hình chỉ có năm 2024", year=2024)
    with pytest.raises(DomainError) as refused:
        create_nomination(
            officer,
            award_type=campaign.award_types[0],
            subject=older,
            recipient_name="Phường Long Hoa",
            achievement_text="Thành tích",
            report_text="Báo cáo",
        )
    assert refused.value.code == "nomination.year_missing"
    assert "không có kết quả năm 2025 (các năm của hồ sơ: 2024)" in refused.value.message
    with pytest.raises(DomainError) as refused:
        save_campaign(officer, {"year": 2026}, campaign)
    assert refused.value.message == "Năm 2026 nằm ngoài giai đoạn 2021–2025 của đợt thi đua."


# --- who sees and carries on what ----------------------------------------------------------


def _record_of(code: str) -> Initiative:
    return db.session.scalar(
        sa.select(Initiative)
        .where(Initiative.unit_id == unit(code).id)
        .order_by(Initiative.id)
        .limit(1)
    )


def test_the_successor_officer_reads_its_predecessors_records(signed_in):
    client = signed_in("canbo.longhoa")
    old_record = make_initiative(unit("CU-25636"), "Mô hình “Sân chơi” của Long Thành Bắc")
    db.session.commit()
    html = client.get("/registry/initiatives?q=san choi").get_data(as_text=True)
    assert old_record.name in html
    assert client.get(f"/registry/initiatives/{old_record.id}").status_code == 200
    # ...but the registration form of a predecessor's record is history: not editable.
    assert client.get(f"/registry/initiatives/{old_record.id}/edit").status_code == 403


def test_the_successor_officer_carries_on_a_predecessors_record_into_its_own_unit(signed_in):
    client = signed_in("canbo.longhoa")
    record = make_initiative(
        unit("CU-25639"),
        "Mô hình “Hũ gạo” của xã Trường Hòa",
        year=2024,
        status=YearStatus.RECOGNISED,
    )
    db.session.commit()
    response = client.post(f"/registry/initiatives/{record.id}/carry-over")
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(
        sa.select(InitiativeYear).where(
            InitiativeYear.initiative_id == record.id, InitiativeYear.year == 2025
        )
    )
    assert row.unit_id == unit(CODES["long_hoa"]).id  # the year sits on the successor
    report = {"households": "85", "report_text": "Năm 2025 vận động 85 hộ góp gạo hằng tháng."}
    assert (
        client.post(f"/registry/initiatives/{record.id}/years/2025", data=report).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(InitiativeYear, row.id).households == 85


def test_the_officer_of_a_closed_commune_reads_its_history_only(signed_in):
    client = signed_in("canbo.longhoa.cu")
    own = make_initiative(unit(CODES["long_hoa_old"]), "Mô hình “Camera” của Long Hoa cũ")
    successor_record = make_initiative(
        unit(CODES["long_hoa"]), "Mô hình “Camera” của Long Hoa mới", year=2025
    )
    db.session.commit()
    html = client.get("/registry/initiatives?q=cua long hoa").get_data(as_text=True)
    assert own.name in html and successor_record.name not in html
    assert client.get(f"/registry/initiatives/{own.id}").status_code == 200
    assert client.get(f"/registry/initiatives/{successor_record.id}").status_code == 403
    # Nothing to write any more: no registration, no carrying over, no editing.
    assert client.get("/registry/initiatives/new").status_code == 403
    assert client.post(f"/registry/initiatives/{own.id}/carry-over").status_code == 403
    assert client.get(f"/registry/initiatives/{own.id}/edit").status_code == 403
    officer = user("canbo.longhoa.cu")
    assert can(officer, "initiative.view", own) and not can(officer, "initiative.edit", own)


def test_the_long_an_officer_reads_the_records_of_old_long_an_communes(demo):
    officer = user("canbo.tanan")
    for predecessor in predecessors_of(CODES["tan_an"]):
        assert can(officer, "initiative.view", predecessor)
    assert not can(officer, "initiative.view", unit(CODES["long_hoa_old"]))


def test_the_provincial_secretary_runs_the_old_boards_campaign(demo):
    secretary = user("thuky")
    campaign_2024 = db.session.scalar(sa.select(Campaign).where(Campaign.year == 2024))
    assert campaign_2024.organising_unit.valid_to is not None  # the old Ban Dân vận
    assert can(secretary, "ranking.view", campaign_2024)
    assert can(secretary, "initiative.evaluate", unit("CU-25636"))  # old Tây Ninh
    assert can(secretary, "initiative.evaluate", predecessors_of(CODES["tan_an"])[0])


# --- conflicts of interest follow successions ---------------------------------------------


def test_a_reviewer_of_a_new_ward_conflicts_with_its_predecessors_nominations(demo):
    new_ward = unit(CODES["trang_bang"])
    old_ward = predecessors_of(CODES["trang_bang"])[0]
    unrelated = unit(CODES["long_hoa_old"])
    assert review_queries.is_conflicted(Reviewer(unit=new_ward), Nomination(unit=old_ward))
    # ...and the other way round: a reviewer of the old ward and the new ward's dossier.
    assert review_queries.is_conflicted(Reviewer(unit=old_ward), Nomination(unit=new_ward))
    # A reviewer of the old district conflicts with the dossiers of the wards it became.
    district = db.session.get(type(old_ward), old_ward.parent_id)
    assert review_queries.is_conflicted(Reviewer(unit=district), Nomination(unit=new_ward))
    assert not review_queries.is_conflicted(Reviewer(unit=new_ward), Nomination(unit=unrelated))


def test_auto_assignment_never_gives_a_reviewer_a_predecessors_dossier(demo):
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.year == 2024))
    committee = db.session.scalar(sa.select(Committee).where(Committee.campaign_id == campaign.id))
    data = review_queries.assignment_input(campaign, committee)
    reviewer = db.session.scalar(
        sa.select(Reviewer).where(
            Reviewer.committee_id == committee.id, Reviewer.user_id == user("hoidong3").id
        )
    )
    old_paths = [p.path for p in predecessors_of(CODES["trang_bang"])]
    from_old_ward = db.session.scalars(
        sa.select(Nomination.id)
        .join(Nomination.unit)
        .where(
            Nomination.campaign_id == campaign.id,
            sa.or_(*(within_prefix(type(reviewer.unit).path, p) for p in old_paths)),
        )
    ).all()
    assert all((n, reviewer.id) in data.conflicts for n in from_old_ward)
    assigned = {(n, r) for n, r in data.existing if r == reviewer.id}
    assert not assigned & {(n, reviewer.id) for n in from_old_ward}
