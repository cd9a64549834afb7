"""Accent folding for search, the Vietnamese collation key and the date of official
documents, as tables of cases."""

from datetime import date, datetime

import pytest

from dankheo.vietnamese import (
    date_line,
    document_date,
    fold,
    format_date,
    format_datetime,
    in_sentence,
    parse_date,
    parse_decimal,
    search_pattern,
    sort_key,
    to_vietnam,
    utc_start_of_day,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Dân vận khéo", "dan van kheo"),
        ("DÂN VẬN", "dan van"),
        ("đường", "duong"),
        ("ĐƯỜNG HOA", "duong hoa"),
        ("  Tuyến   đường\thoa ", "tuyen duong hoa"),
        ("Quốc phòng – an ninh", "quoc phong – an ninh"),
        ("Hòa Thành", "hoa thanh"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_diacritics_case_and_extra_spaces(text, folded):
    assert fold(text) == folded


def test_fold_is_the_same_for_nfc_and_nfd_input():
    import unicodedata

    text = "Mô hình “Tuyến đường hoa” ở ấp Bình Hòa"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("duong", "Mô hình Tuyến đường hoa"),
        ("dan van kheo", "Phong trào Dân vận khéo"),
        ("DÂN VẬN", "dân vận khéo ở cơ sở"),
        ("Đường", "tuyen duong hoa"),
        ("hoa thanh", "Thị xã Hòa Thành"),
    ],
)
def test_search_pattern_matches_folded_text(query, text):
    pattern = search_pattern(query)
    assert pattern.startswith("%") and pattern.endswith("%")
    assert pattern.strip("%") in fold(text)


def test_search_pattern_escapes_like_wildcards():
    assert search_pattern("50%_a") == "%50\\%\\_a%"


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("a", "ă"),
        ("ă", "â"),
        ("â", "b"),
        ("d", "đ"),
        ("đ", "e"),
        ("e", "ê"),
        ("o", "ô"),
        ("ô", "ơ"),
        ("u", "ư"),
        ("ư", "v"),
        # tones come after the base letter and in dictionary order
        ("a", "à"),
        ("à", "ả"),
        ("ả", "ã"),
        ("ã", "á"),
        ("á", "ạ"),
        ("ma", "mà"),
        # letters decide before tones: "mạ" < "mb"
        ("mạ", "mb"),
        ("an", "ăn"),
        ("Dương", "Đào"),
        ("Đường", "Gò Dầu"),
        ("Bình", "Bình Hòa"),
        ("Tân Biên", "Tân Châu"),
        ("Ánh", "Âu"),
        ("Xã 1", "Xã 2"),
    ],
)
def test_sort_key_follows_vietnamese_alphabet(earlier, later):
    assert sort_key(earlier) < sort_key(later)


def test_sort_key_ignores_case():
    assert sort_key("ĐƯỜNG") == sort_key("đường")


def test_sorting_a_list_gives_dictionary_order():
    names = ["Đông", "Dung", "Ân", "Ăn", "An", "Bé", "Be", "Bè", "Zô", "Ơn", "Ôn", "On"]
    assert sorted(names, key=sort_key) == [
        "An",
        "Ăn",
        "Ân",
        "Be",
        "Bè",
        "Bé",
        "Dung",
        "Đông",
        "On",
        "Ôn",
        "Ơn",
        "Zô",
    ]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2024, 12, 15), "ngày 15 tháng 12 năm 2024"),
        (date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (date(2024, 3, 1), "ngày 01 tháng 3 năm 2024"),
        (date(2025, 9, 9), "ngày 09 tháng 9 năm 2025"),
        (date(2025, 10, 10), "ngày 10 tháng 10 năm 2025"),
    ],
)
def test_document_date_pads_days_below_10_and_only_january_and_february(day, text):
    assert document_date(day) == text


def test_date_line_puts_the_place_before_the_document_date():
    assert date_line("Tây Ninh", date(2024, 3, 5)) == "Tây Ninh, ngày 05 tháng 3 năm 2024"


def test_a_unit_name_inside_a_sentence():
    assert in_sentence("Tỉnh Tây Ninh") == "tỉnh Tây Ninh"
    assert in_sentence("Thành phố Tây Ninh") == "thành phố Tây Ninh"
    assert in_sentence("Ban Dân vận Tỉnh ủy") == "Ban Dân vận Tỉnh ủy"


def test_stored_utc_is_shown_in_vietnam_time():
    late = datetime(2025, 12, 14, 23, 30)  # naive UTC, as stored
    assert format_datetime(late) == "06:30 15/12/2025"
    assert format_date(late) == "15/12/2025"
    assert to_vietnam(late).utcoffset().total_seconds() == 7 * 3600
    assert format_date(date(2025, 12, 14)) == "14/12/2025"  # a calendar day stays


def test_a_vietnamese_day_starts_at_17_utc_the_day_before():
    assert utc_start_of_day(date(2025, 12, 15)) == datetime(2025, 12, 14, 17, 0)


@pytest.mark.parametrize(
    ("text", "value"),
    [("210,5", "210.5"), ("1.234,5", "1234.5"), ("210.5", "210.5"), ("", None), ("mười", None)],
)
def test_decimals_typed_the_vietnamese_way(text, value):
    parsed = parse_decimal(text)
    assert (str(parsed) if parsed is not None else None) == value


def test_dates_typed_as_pages_show_them():
    assert parse_date("05/03/2025") == date(2025, 3, 5)
    assert parse_date("2025-03-05") == date(2025, 3, 5)
    assert parse_date("31/02/2025") is None
