"""Naming the province to load: by name with or without accents and prefixes, or by
code; an unknown or former province gets a Vietnamese message and a non-zero exit."""

import unicodedata

import pytest

from dankheo.units.dataset import OfficialDataset
from dankheo.units.errors import OfficialUnitsError
from tests.units.conftest import load, row_counts


@pytest.fixture(scope="module")
def dataset():
    return OfficialDataset.bundled()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Tây Ninh", "80"),
        ("tay ninh", "80"),
        ("TÂY NINH", "80"),
        ("Tỉnh Tây Ninh", "80"),
        ("tinh tay ninh", "80"),
        ("  Tây   Ninh ", "80"),
        (unicodedata.normalize("NFD", "Tây Ninh"), "80"),
        ("80", "80"),
        ("Cần Thơ", "92"),
        ("Thành phố Cần Thơ", "92"),
        ("TP. Cần Thơ", "92"),
        ("can tho", "92"),
        ("92", "92"),
        ("Hồ Chí Minh", "79"),
        ("Đắk Lắk", "66"),
        ("dak lak", "66"),
        ("1", "01"),
    ],
)
def test_a_province_of_today_is_found_by_name_or_code(dataset, query, code):
    assert dataset.find_province(query).place.code == code


def test_every_province_of_today_is_found_by_its_own_names(dataset):
    assert len(dataset.current_provinces) == 34
    for entry in dataset.current_provinces:
        assert dataset.find_province(entry.place.name) == entry
        assert dataset.find_province(entry.short_name) == entry


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Atlantis", "Không tìm thấy tỉnh, thành phố “Atlantis” trong danh mục 34 tỉnh"),
        ("99", "Không tìm thấy tỉnh, thành phố “99”"),
        (
            "Long An",
            "“Long An”: tỉnh Long An (mã 80) chỉ có đến ngày 30/06/2025; từ ngày "
            "01/07/2025 thuộc tỉnh Tây Ninh (mã 80)",
        ),
        ("soc trang", 'thuộc thành phố Cần Thơ (mã 92). Hãy nạp: --province "Cần Thơ"'),
    ],
)
def test_an_unknown_province_is_refused_in_vietnamese(dataset, query, message):
    with pytest.raises(OfficialUnitsError) as caught:
        dataset.find_province(query)
    assert message in caught.value.message


def test_the_command_fails_with_the_message_and_writes_nothing(app):
    before = row_counts()
    result = load(app, "--province", "Xứ Sở Thần Tiên")
    assert result.exit_code == 1
    assert "Lỗi: Không tìm thấy tỉnh, thành phố “Xứ Sở Thần Tiên”" in result.output
    assert "Traceback" not in result.output
    assert row_counts() == before


def test_the_command_requires_a_province(app):
    result = load(app)
    assert result.exit_code != 0
    assert "--province" in result.output


def test_a_folder_without_the_dataset_is_refused(app, tmp_path):
    result = load(app, "--province", "Tây Ninh", "--dataset-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "Lỗi: Không đọc được bộ dữ liệu đơn vị hành chính: thiếu tệp" in result.output
