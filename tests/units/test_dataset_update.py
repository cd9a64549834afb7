"""A newer release of the dataset: loading again applies what changed and reports it,
and deletes nothing. Simulated on a patched copy of the installed dataset."""

import json
import shutil
import sqlite3
from contextlib import closing

import pytest

from dankheo.extensions import db
from dankheo.models.units import SuccessionKind, UnitKind
from dankheo.units.dataset import CONVERTER_FILE, DATABASE_FILE, OfficialDataset
from dankheo.vietnamese import fold
from tests.factories import make_unit
from tests.units.conftest import (
    FIRST_NEW_DAY,
    checksum,
    load,
    row_counts,
    successions_from,
    unit,
)


@pytest.fixture
def dataset_copy(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    bundled = OfficialDataset.bundled().folder
    for name in (DATABASE_FILE, CONVERTER_FILE):
        shutil.copy(bundled / name, folder / name)
    return folder


def _execute(folder, sql: str, params=()):
    with closing(sqlite3.connect(folder / DATABASE_FILE)) as conn, conn:
        return conn.execute(sql, params).fetchall()


def _patch_release(folder) -> dict:
    """Rename one of today's communes, add one formed from an old commune taken from a
    three-way merge, and drop one old commune from the 63-province list."""
    (code, name), *_ = _execute(
        folder,
        "SELECT wardCode, ward FROM admin_units WHERE provinceCode = '80' ORDER BY wardCode",
    )
    _execute(folder, "UPDATE admin_units SET ward = ? WHERE wardCode = ?", (f"{name} Mới", code))

    converter = json.loads((folder / CONVERTER_FILE).read_text(encoding="utf-8"))
    whole = converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhtayninh"]
    donor_key, donor_olds = next((k, v) for k, v in sorted(whole.items()) if len(v) >= 3)
    moved = donor_olds.pop()
    whole["xathunghiem"] = [moved]
    (folder / CONVERTER_FILE).write_text(json.dumps(converter), encoding="utf-8")
    _execute(
        folder,
        "INSERT INTO admin_units (province, ward, wardType, provinceCode, provinceKey, "
        "provinceShort, wardCode, wardKey, wardLat, wardLon) SELECT province, 'Xã Thử Nghiệm', "
        "'Xã', provinceCode, provinceKey, provinceShort, '99999', 'xathunghiem', 11.1, 106.1 "
        "FROM admin_units WHERE provinceCode = '80' LIMIT 1",
    )
    (donor_code,) = _execute(
        folder,
        "SELECT wardCode FROM admin_units WHERE wardKey = ? AND provinceCode = '80'",
        (donor_key,),
    )[0]
    province_key, district_key, ward_key = moved.split("_")
    (moved_code,) = _execute(
        folder,
        "SELECT wardCode FROM admin_units_legacy WHERE provinceKey = ? AND districtKey = ? "
        "AND wardKey = ?",
        (province_key, district_key, ward_key),
    )[0]

    (dropped_code, dropped_name) = _execute(
        folder,
        "SELECT wardCode, ward FROM admin_units_legacy WHERE provinceCode = '80' "
        "AND wardCode IS NOT NULL AND wardCode <> ? ORDER BY wardCode DESC",
        (moved_code,),
    )[0]
    _execute(folder, "DELETE FROM admin_units_legacy WHERE wardCode = ?", (dropped_code,))
    return {
        "renamed": (code, name),
        "moved": (moved_code, donor_code),
        "dropped": (dropped_code, dropped_name),
    }


def test_an_update_of_the_dataset_is_applied_and_reported_without_deleting(app, dataset_copy):
    first = load(app, "--province", "Tây Ninh", "--dataset-dir", str(dataset_copy))
    assert first.exit_code == 0, first.output
    counts = row_counts()
    change = _patch_release(dataset_copy)
    renamed_code, old_name = change["renamed"]
    moved_code, donor_code = change["moved"]
    dropped_code, dropped_name = change["dropped"]
    dropped_id = unit(f"CU-{dropped_code}").id
    dropped_row = checksum(lambda column: column == dropped_id)

    result = load(app, "--province", "Tây Ninh", "--dataset-dir", str(dataset_copy))

    assert result.exit_code == 0, result.output
    output = result.output
    assert f"{renamed_code} {old_name}: tên “{old_name}” → “{old_name} Mới”" in output
    assert "Đã thêm 1 đơn vị và 1 quan hệ kế thừa." in output
    assert "  + 99999 Xã Thử Nghiệm" in output
    assert "1 đơn vị không còn trong danh mục (giữ nguyên, không xóa):" in output
    assert f"  - CU-{dropped_code} {dropped_name}" in output
    assert "2 quan hệ kế thừa không còn trong danh mục (giữ nguyên, không xóa):" in output
    assert f"  + CU-{moved_code} " in output and "→ 99999 Xã Thử Nghiệm" in output
    assert f"  - CU-{moved_code} " in output and f"→ {donor_code} " in output

    # Applied: the new name (and its search text), the new commune in place …
    renamed = unit(renamed_code)
    assert renamed.name == f"{old_name} Mới"
    assert renamed.search_text == fold(f"{renamed_code} {old_name} Mới")
    added = unit("99999")
    assert added.parent.code == "80" and added.path.startswith(unit("80").path)
    assert added.valid_from == FIRST_NEW_DAY
    moved = unit(f"CU-{moved_code}")
    successors = {row.successor.code: row.kind for row in successions_from([moved.id])}
    # … the moved commune's old link kept (reported), its new one added.
    assert successors == {donor_code: SuccessionKind.MERGE, "99999": SuccessionKind.RENAME}
    # … and nothing deleted: the dropped commune is as it was.
    assert checksum(lambda column: column == dropped_id) == dropped_row
    assert row_counts() == {
        "units": counts["units"] + 1,
        "unit_successions": counts["unit_successions"] + 1,
    }

    again = load(app, "--province", "Tây Ninh", "--dataset-dir", str(dataset_copy))
    assert again.exit_code == 0, again.output
    assert "Không có gì thay đổi" in again.output
    assert f"  - CU-{dropped_code} {dropped_name}" in again.output  # still reported


def test_a_commune_moved_to_another_district_is_moved_with_its_paths(app, dataset_copy):
    assert load(app, "--province", "Tây Ninh", "--dataset-dir", str(dataset_copy)).exit_code == 0
    # Xã Thạnh Tân goes from Thành phố Tây Ninh (703) to Thị xã Hòa Thành (709).
    code, district_key, ward_key = _execute(
        dataset_copy,
        "SELECT wardCode, districtKey, wardKey FROM admin_units_legacy "
        "WHERE provinceCode = '72' AND districtCode = '703' AND ward = 'Xã Thạnh Tân'",
    )[0]
    (target_key,) = _execute(
        dataset_copy,
        "SELECT DISTINCT districtKey FROM admin_units_legacy WHERE districtCode = '709'",
    )[0]
    _execute(
        dataset_copy,
        "UPDATE admin_units_legacy SET (district, districtCode, districtKey, districtType) = "
        "(SELECT district, districtCode, districtKey, districtType FROM admin_units_legacy "
        "WHERE districtCode = '709' LIMIT 1) WHERE wardCode = ?",
        (code,),
    )
    converter_path = dataset_copy / CONVERTER_FILE
    text = converter_path.read_text(encoding="utf-8")
    old_key, new_key = (
        f"tinhtayninh_{district_key}_{ward_key}",
        f"tinhtayninh_{target_key}_{ward_key}",
    )
    assert text.count(f'"{old_key}"') >= 1
    converter_path.write_text(text.replace(f'"{old_key}"', f'"{new_key}"'), encoding="utf-8")
    successors_before = {r.successor_id for r in successions_from([unit(f"CU-{code}").id])}

    result = load(app, "--province", "Tây Ninh", "--dataset-dir", str(dataset_copy))

    assert result.exit_code == 0, result.output
    assert (
        f"CU-{code} Xã Thạnh Tân: đơn vị cấp trên “CU-703 Thành phố Tây Ninh” → "
        "“CU-709 Thị xã Hòa Thành”" in result.output
    )
    assert "không còn trong danh mục" not in result.output
    moved, district = unit(f"CU-{code}"), unit("CU-709")
    assert moved.parent_id == district.id
    assert moved.path.startswith(district.path) and moved.depth == district.depth + 1
    assert {r.successor_id for r in successions_from([moved.id])} == successors_before


def test_a_code_taken_by_another_kind_of_unit_stops_the_load_and_saves_nothing(app):
    make_unit("Ấp Tám Mươi", kind=UnitKind.VILLAGE, code="80")
    db.session.commit()
    before = row_counts()

    result = load(app, "--province", "Tây Ninh")

    assert result.exit_code == 1
    assert (
        "Lỗi: Mã “80” đã dùng cho đơn vị “Ấp Tám Mươi” (Ấp, khu phố), không phải tỉnh"
        in result.output
    )
    assert row_counts() == before  # the whole load was rolled back
    assert unit("80").name == "Ấp Tám Mươi"
