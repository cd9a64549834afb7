"""The agency seed: Party boards, the Fatherland Front, mass organisations and
departments of each province before 1/7/2025 and of today's, with their 2025 changes."""

from datetime import date

import pytest

from dankheo.models.units import SuccessionKind, UnitKind
from dankheo.units.agencies import SEED_PATH, ProvinceContext, agency_plan, load_seed
from dankheo.units.errors import OfficialUnitsError
from dankheo.units.plan import LEGACY_UNTIL, REORGANISED_ON
from tests.units.conftest import load, successions_from, unit

PARTY_BOARDS_DEFAULT = date(2025, 3, 1)


@pytest.fixture(scope="module")
def tay_ninh(module_app):
    result = load(module_app, "--province", "Tây Ninh")
    assert result.exit_code == 0, result.output
    return module_app


def _successors(code: str) -> dict[str, tuple[SuccessionKind, date]]:
    return {r.successor.code: (r.kind, r.effective_on) for r in successions_from([unit(code).id])}


def test_each_province_has_its_boards_front_and_mass_organisations(tay_ninh):
    assert unit("CU-72-BDVTU").name == "Ban Dân vận Tỉnh ủy Tây Ninh"
    assert unit("CU-80-BDVTU").name == "Ban Dân vận Tỉnh ủy Long An"
    assert unit("CU-80-DTN").name == "Tỉnh đoàn Long An"
    assert unit("80-MTTQ").name == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Tây Ninh"
    assert unit("80-BTGDVTU").name == "Ban Tuyên giáo và Dân vận Tỉnh ủy Tây Ninh"
    assert unit("80-BTGDVTU").kind == UnitKind.AGENCY
    assert unit("80-BTGDVTU").parent.code == "80"  # its secretary works for the province
    assert unit("CU-72-HND").parent.code == "CU-72"
    assert unit("80-SNV").kind == UnitKind.DEPARTMENT


def test_ban_dan_van_and_ban_tuyen_giao_merge_into_ban_tuyen_giao_va_dan_van(tay_ninh):
    for old in ("CU-72", "CU-80"):
        merged = f"{old}-BTGDVTU"
        for board in (f"{old}-BDVTU", f"{old}-BTGTU"):
            assert _successors(board) == {merged: (SuccessionKind.MERGE, PARTY_BOARDS_DEFAULT)}
            assert unit(board).valid_to == date(2025, 2, 28)
        assert unit(merged).valid_from == PARTY_BOARDS_DEFAULT
        assert unit(merged).valid_to == LEGACY_UNTIL
        # … and on 1/7/2025 both provinces' merged boards become today's.
        assert _successors(merged) == {"80-BTGDVTU": (SuccessionKind.MERGE, REORGANISED_ON)}
    assert unit("80-BTGDVTU").is_open_on(REORGANISED_ON)


def test_mass_organisations_continue_under_todays_front(tay_ninh):
    for key in ("HND", "HLHPN", "DTN", "HCCB", "LDLD"):
        new = unit(f"80-{key}")
        assert new.kind == UnitKind.MASS_ORGANISATION
        assert new.parent.code == "80-MTTQ"
        assert new.valid_from == REORGANISED_ON
        for old in ("CU-72", "CU-80"):
            assert unit(f"{old}-{key}").valid_to == LEGACY_UNTIL
            assert _successors(f"{old}-{key}") == {
                f"80-{key}": (SuccessionKind.MERGE, REORGANISED_ON)
            }


def test_departments_merged_in_march_2025(tay_ninh):
    # Sở Lao động - TB&XH went into the existing Sở Nội vụ, which carried on.
    assert _successors("CU-72-SLDTBXH") == {"CU-72-SNV": (SuccessionKind.MERGE, date(2025, 3, 1))}
    assert unit("CU-72-SNV").valid_to == LEGACY_UNTIL
    assert unit("CU-72-SNV").valid_from is None
    assert set(_successors("CU-72-STNMT")) == {"CU-72-SNNMT"}
    assert unit("CU-72-SNNMT").valid_from == date(2025, 3, 1)


def test_every_old_agency_is_closed_by_30_june_and_todays_open_from_1_july(tay_ninh):
    seed = load_seed()
    for old in ("CU-72", "CU-80"):
        for entry in seed.before:
            assert unit(f"{old}-{entry.key}").valid_to <= LEGACY_UNTIL
    for entry in seed.after:
        assert unit(f"80-{entry.key}").valid_from == REORGANISED_ON


def test_load_without_agencies_leaves_agencies_alone(tay_ninh):
    from tests.units.conftest import row_counts

    before = row_counts()
    result = load(tay_ninh, "--province", "Tây Ninh", "--no-agencies")
    assert result.exit_code == 0, result.output
    assert row_counts() == before  # everything is there already; nothing is removed
    assert "Không có gì thay đổi" in result.output
    assert "không còn trong danh mục" not in result.output  # agencies were not compared


# -- the seed alone (no database) ---------------------------------------------------------

OLD_CAN_THO = ProvinceContext("CU-92", "92", "Cần Thơ", UnitKind.MUNICIPALITY)
OLD_HAU_GIANG = ProvinceContext("CU-93", "93", "Hậu Giang", UnitKind.PROVINCE)
CAN_THO = ProvinceContext("92", "92", "Cần Thơ", UnitKind.MUNICIPALITY)


def test_names_of_a_city_say_thanh_uy_and_thanh_pho():
    plan = agency_plan(load_seed(), CAN_THO, [OLD_CAN_THO, OLD_HAU_GIANG])
    names = {u.code: u.name for u in plan.units}
    assert names["CU-92-BDVTU"] == "Ban Dân vận Thành ủy Cần Thơ"
    assert names["CU-92-DTN"] == "Thành đoàn Cần Thơ"
    assert names["CU-93-HND"] == "Hội Nông dân tỉnh Hậu Giang"
    assert names["92-MTTQ"] == "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Cần Thơ"


def test_a_province_can_set_the_real_day_of_its_merger(tmp_path):
    text = SEED_PATH.read_text(encoding="utf-8").replace(
        'on_in = {}\nnote = "Hợp nhất Ban Tuyên giáo',
        'on_in = { "93" = 2025-02-10 }\nnote = "Hợp nhất Ban Tuyên giáo',
    )
    assert '"93" = 2025-02-10' in text
    path = tmp_path / "agencies.toml"
    path.write_text(text, encoding="utf-8")
    plan = agency_plan(load_seed(path), CAN_THO, [OLD_CAN_THO, OLD_HAU_GIANG])
    units = {u.code: u for u in plan.units}
    assert units["CU-93-BDVTU"].valid_to == date(2025, 2, 9)
    assert units["CU-93-BTGDVTU"].valid_from == date(2025, 2, 10)
    assert units["CU-92-BDVTU"].valid_to == date(2025, 2, 28)  # the default elsewhere
    days = {(s.predecessor_code, s.effective_on) for s in plan.successions}
    assert ("CU-93-BDVTU", date(2025, 2, 10)) in days


@pytest.mark.parametrize(
    ("broken", "detail"),
    [
        ('kind = "front"', 'kind = "galaxy"'),
        ('continues = ["MTTQ"]', 'continues = ["NOPE"]'),
        ("on = 2025-03-01", 'on = "1/3/2025"'),
        ('name = "Hội Nông dân {cap} {ten}"', 'name = "Hội Nông dân {huyen}"'),
    ],
)
def test_an_invalid_seed_is_refused_with_a_clear_message(tmp_path, broken, detail):
    path = tmp_path / "agencies.toml"
    path.write_text(SEED_PATH.read_text(encoding="utf-8").replace(broken, detail, 1))
    with pytest.raises(OfficialUnitsError) as caught:
        load_seed(path)
    assert caught.value.code == "units.seed_invalid"
    assert caught.value.message.startswith(f"Tệp danh mục cơ quan {path} không hợp lệ")
