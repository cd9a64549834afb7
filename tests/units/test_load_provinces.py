"""Loading Tây Ninh and then Cần Thơ from the real dataset into one database: the
structure before and after 1/7/2025, the successions, and idempotence."""

from collections import Counter

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import AuditEvent
from dankheo.models.units import SuccessionKind, Unit, UnitKind, UnitSuccession
from dankheo.tree import segment
from tests.units.conftest import (
    FIRST_NEW_DAY,
    LAST_OLD_DAY,
    checksum,
    communes_under,
    districts_under,
    load,
    row_counts,
    subtree_ids,
    successions_from,
    unit,
)

# name given on the command line, code of today, communes today,
# {old province code: (communes, district-level units)} — the published figures.
PROVINCES = [
    ("Tây Ninh", "80", 96, {"CU-72": (94, 9), "CU-80": (186, 15)}),
    ("Cần Thơ", "92", 103, {"CU-92": (80, 9), "CU-93": (75, 8), "CU-94": (108, 11)}),
]
IDS = [p[0] for p in PROVINCES]


@pytest.fixture(scope="module")
def loaded(module_app):
    """Tây Ninh loaded, then Cần Thơ into the same database; what each run printed and
    the checksum of Tây Ninh's rows before Cần Thơ came."""
    first = load(module_app, "--province", "Tây Ninh")
    tay_ninh_ids = _province_ids("80", ["CU-72", "CU-80"])
    tay_ninh_before = checksum(lambda column: column.in_(tay_ninh_ids))
    second = load(module_app, "--province", "Cần Thơ")
    return {
        "Tây Ninh": first,
        "Cần Thơ": second,
        "tay_ninh_ids": tay_ninh_ids,
        "tay_ninh_checksum": tay_ninh_before,
    }


def _province_ids(code: str, old_codes: list[str]) -> set[int]:
    ids = set()
    for root in [code, *old_codes]:
        ids |= subtree_ids(root)
    return ids


def test_both_loads_succeed_and_say_what_they_added(loaded):
    for name in IDS:
        result = loaded[name]
        assert result.exit_code == 0, result.output
        assert "Nguồn: vietnamadminunits" in result.output
        assert "Đã thêm" in result.output
        assert "Lưu ý" not in result.output  # the dataset is consistent for both


@pytest.mark.parametrize(("name", "code", "today", "before"), PROVINCES, ids=IDS)
def test_todays_communes_are_open_from_1_july_2025_only(loaded, name, code, today, before):
    province = unit(code)
    assert province.valid_from == FIRST_NEW_DAY and province.valid_to is None
    assert len(communes_under(code, FIRST_NEW_DAY)) == today
    assert communes_under(code, LAST_OLD_DAY) == []
    assert districts_under(code, FIRST_NEW_DAY) == []  # no district level any more


@pytest.mark.parametrize(("name", "code", "today", "before"), PROVINCES, ids=IDS)
def test_old_provinces_are_open_until_30_june_2025(loaded, name, code, today, before):
    for old_code, (communes, districts) in before.items():
        assert unit(old_code).valid_to == LAST_OLD_DAY
        assert len(communes_under(old_code, LAST_OLD_DAY)) == communes
        assert len(districts_under(old_code, LAST_OLD_DAY)) == districts
        assert communes_under(old_code, FIRST_NEW_DAY) == []


@pytest.mark.parametrize(("name", "code", "today", "before"), PROVINCES, ids=IDS)
def test_every_old_commune_has_a_successor_in_todays_province(loaded, name, code, today, before):
    today_ids = {u.id for u in communes_under(code, FIRST_NEW_DAY)}
    for old_code in before:
        old = communes_under(old_code, LAST_OLD_DAY)
        rows = successions_from(u.id for u in old)
        assert {r.predecessor_id for r in rows} == {u.id for u in old}
        assert {r.successor_id for r in rows} <= today_ids
        assert {r.effective_on for r in rows} == {FIRST_NEW_DAY}


@pytest.mark.parametrize(("name", "code", "today", "before"), PROVINCES, ids=IDS)
def test_splits_carry_exactly_one_default_successor(loaded, name, code, today, before):
    rows = successions_from(u.id for old in before for u in communes_under(old, LAST_OLD_DAY))
    by_predecessor: dict[int, list[UnitSuccession]] = {}
    for row in rows:
        by_predecessor.setdefault(row.predecessor_id, []).append(row)
    splits = {p: rs for p, rs in by_predecessor.items() if len(rs) > 1}
    assert splits, "the 2025 lists divide some communes of this province"
    for group in splits.values():
        assert {r.kind for r in group} == {SuccessionKind.SPLIT}
        assert sum(r.is_default for r in group) == 1
    for group in by_predecessor.values():
        if len(group) == 1:
            assert group[0].kind != SuccessionKind.SPLIT
            assert not group[0].is_default
    # Every new commune formed from several old ones records them as a merge (or split).
    predecessors = Counter(r.successor_id for r in rows)
    for row in rows:
        if predecessors[row.successor_id] > 1 and row.kind != SuccessionKind.SPLIT:
            assert row.kind == SuccessionKind.MERGE


@pytest.mark.parametrize(("name", "code", "today", "before"), PROVINCES, ids=IDS)
def test_old_provinces_merge_into_todays_and_districts_close_without_successors(
    loaded, name, code, today, before
):
    rows = successions_from(unit(old).id for old in before)
    assert {(r.predecessor.code, r.successor.code) for r in rows} == {(old, code) for old in before}
    assert {r.kind for r in rows} == {SuccessionKind.MERGE}
    districts = [d for old in before for d in districts_under(old, LAST_OLD_DAY)]
    assert all(d.valid_to == LAST_OLD_DAY for d in districts)
    assert successions_from(d.id for d in districts) == []


def test_kinds_names_and_codes_follow_the_official_lists(loaded):
    tay_ninh_city = unit("CU-703")
    assert (tay_ninh_city.name, tay_ninh_city.kind) == ("Thành phố Tây Ninh", UnitKind.CITY)
    assert unit("CU-709").kind == UnitKind.TOWN  # Thị xã Hòa Thành
    assert unit("CU-705").kind == UnitKind.RURAL_DISTRICT  # Huyện Tân Biên
    assert unit("CU-25486").kind == UnitKind.TOWNSHIP  # Thị trấn Tân Biên
    assert unit("CU-916").kind == UnitKind.URBAN_DISTRICT  # Quận Ninh Kiều (Cần Thơ)
    assert unit("92").kind == UnitKind.MUNICIPALITY
    # Old Tây Ninh and today's Tây Ninh share a name, never a code.
    assert unit("CU-72").name == unit("80").name == "Tỉnh Tây Ninh"
    assert unit("CU-80").name == "Tỉnh Long An"
    assert unit("CU-72").latitude is not None and unit("80").longitude is not None


def test_paths_and_depths_follow_parents(loaded):
    units = {u.id: u for u in db.session.scalars(sa.select(Unit))}
    for u in units.values():
        parent = units.get(u.parent_id)
        expected = (parent.path if parent else "/") + segment(u.id)
        assert u.path == expected, u.code
        assert u.depth == (parent.depth + 1 if parent else 0), u.code
    assert unit("CU-25486").path.startswith(unit("CU-705").path)


def test_tay_ninh_and_can_tho_do_not_mix(loaded):
    tay_ninh = loaded["tay_ninh_ids"]
    can_tho = _province_ids("92", ["CU-92", "CU-93", "CU-94"])
    assert tay_ninh and can_tho and not tay_ninh & can_tho
    # Loading Cần Thơ did not touch a row of Tây Ninh's.
    assert checksum(lambda column: column.in_(tay_ninh)) == loaded["tay_ninh_checksum"]
    for row in db.session.scalars(sa.select(UnitSuccession)):
        both = {row.predecessor_id, row.successor_id}
        assert both <= tay_ninh or both <= can_tho


def test_loading_again_changes_no_row(loaded, module_app):
    counts, digest = row_counts(), checksum()
    audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for name in IDS:
        result = load(module_app, "--province", name)
        assert result.exit_code == 0, result.output
        assert "Không có gì thay đổi" in result.output
        assert "Đã thêm" not in result.output
    assert row_counts() == counts
    assert checksum() == digest
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audits


def test_each_load_that_changed_something_left_one_audit_row(loaded):
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "units.load_official")
    ).all()
    assert sorted(e.unit_id for e in events) == sorted([unit("80").id, unit("92").id])
    assert all(e.details["units_added"] > 0 for e in events)
