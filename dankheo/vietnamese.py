"""Vietnamese text and time: NFC normalisation, accent folding for search, collation
keys, the date and number lines users expect, and the one place that says what "now"
and "today" are in Vietnam (Asia/Ho_Chi_Minh; stored times stay naive UTC)."""

import re
import unicodedata
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def utc_now() -> datetime:
    """The current instant, aware, in UTC (tests replace this one function)."""
    return datetime.now(UTC)


def now() -> datetime:
    """Vietnam's wall-clock time now, aware (Asia/Ho_Chi_Minh)."""
    return utc_now().astimezone(VIETNAM)


def today() -> date:
    """Vietnam's date today: the default of every date field and document date.
    Between 00:00 and 07:00 in Vietnam, UTC's date is still yesterday's."""
    return now().date()


def utc_start_of_day(day: date) -> datetime:
    """The naive UTC instant at which ``day`` begins in Vietnam (for filters on stored
    timestamps: a day picked on a page is Vietnam's day)."""
    start = datetime.combine(day, time.min, tzinfo=VIETNAM)
    return start.astimezone(UTC).replace(tzinfo=None)


def to_vietnam(value: datetime) -> datetime:
    """A stored timestamp (naive means UTC) as Vietnam's wall-clock time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VIETNAM)


# Dictionary order of Vietnamese letters; f, j, w, z appear in loanwords and names.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tone order used by dictionaries: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a distinct letter rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_LETTER_CODE = {ch: f"{i + 20:02d}" for i, ch in enumerate(_ALPHABET)}  # 20..53
_DIGIT_CODE = {str(d): f"{d + 10:02d}" for d in range(10)}  # 10..19
_SPACE_CODE = "01"
_NUMBER_CODE = "03"  # a number follows: its length, then its digits (below every letter)
_PART_SEPARATOR = "/"  # between the parts of a person's key (below every digit)
_OTHER_CODE = "02"
_END = "00"


def strip_invisible(text: str) -> str:
    """Drop the characters of Unicode's "format" category (Cf): bidirectional overrides
    and isolates (U+202A–U+202E, U+2066–U+2069) that make a name print backwards on a
    certificate or the verify page, zero-width spaces and joiners (U+200B–U+200D), the
    byte-order mark (U+FEFF), soft hyphens. Vietnamese needs none of them: its marks are
    combining characters (category Mn) that NFC composes into letters."""
    if not any(unicodedata.category(ch) == "Cf" for ch in text):
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def clean_text(text: str) -> str:
    """NFC without control characters (tabs and newlines stay) or invisible format
    characters; nothing trimmed. What every stored string is (models.base)."""
    return strip_invisible(_CONTROL.sub("", unicodedata.normalize("NFC", text)))


def nfc(text: str | None) -> str:
    """NFC-normalise, drop control and invisible format characters (keeping tabs and
    newlines), and strip."""
    if not text:
        return ""
    return clean_text(text).strip()


def fold(text: str | None) -> str:
    """Lowercase, without diacritics, đ as d, whitespace collapsed: what search compares.

    >>> fold("  Dân VẬN   khéo đường ")
    'dan van kheo duong'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _letters(text: str):
    """Yield (base letter with its letter marks, tone number) for each character."""
    for ch in unicodedata.normalize("NFC", text.lower()):
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        tone = 0
        kept = ""
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in _LETTER_MARKS:
                kept += mark
        yield unicodedata.normalize("NFC", base + kept), tone


def _number_code(digits: str) -> list[str]:
    """A run of digits as its value sorts: a marker, the count of significant digits,
    then the digits ("2" < "10" < "12", "Phường 2" before "Phường 10")."""
    significant = digits.lstrip("0") or "0"
    return [_NUMBER_CODE, f"{len(significant):02d}", *(_DIGIT_CODE[d] for d in significant)]


def sort_key(text: str | None) -> str:
    """A string whose byte order is Vietnamese alphabetical order of ``text``:
    a < ă < â, d < đ, letters compared first and tones (ngang < huyền < hỏi < ngã
    < sắc < nặng) only to break ties; numbers inside the text compare by value
    ("Ấp 3" < "Ấp 12"). ASCII digits only, stored in a column with binary collation,
    so SQLite and PostgreSQL order it the same."""
    primary: list[str] = []
    tones: list[str] = []
    digits = ""
    for letter, tone in _letters(text or ""):
        if letter in _DIGIT_CODE:
            digits += letter
            continue
        if digits:
            primary += _number_code(digits)
            digits = ""
        if letter in _LETTER_CODE:
            primary.append(_LETTER_CODE[letter])
            tones.append(str(tone))
        elif letter.isspace():
            if primary and primary[-1] != _SPACE_CODE:
                primary.append(_SPACE_CODE)
        elif letter.isalnum():
            primary.append(_OTHER_CODE)
    if digits:
        primary += _number_code(digits)
    while primary and primary[-1] == _SPACE_CODE:
        primary.pop()
    return "".join(primary) + _END + "".join(tones)


def name_parts(full_name: str | None) -> tuple[str, str, str]:
    """(surname, middle name, given name) of a Vietnamese full name: the first word, the
    words between, the last word ("Nguyễn Thị Thu Hà" → "Nguyễn", "Thị Thu", "Hà")."""
    words = nfc(full_name).split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def person_sort_key(full_name: str | None) -> str:
    """The order of people in Vietnamese lists: by given name, then middle name, then
    surname ("Trần Văn An" < "Lê Thị Bình" < "Nguyễn Văn Bình"), each compared as
    :func:`sort_key` compares words. The parts are joined by a separator that is never
    reached unless everything before it is equal (equal letters give equal lengths)."""
    surname, middle, given = name_parts(full_name)
    return _PART_SEPARATOR.join(sort_key(part) for part in (given, middle, surname))


def search_pattern(query: str) -> str:
    """A LIKE pattern matching folded text that contains the folded query."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy; a timestamp (stored in UTC) is shown as its date in Vietnam."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_vietnam(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """ "HH:MM dd/mm/yyyy" in Vietnam's time (timestamps are stored in UTC)."""
    if value is None:
        return ""
    return to_vietnam(value).strftime("%H:%M %d/%m/%Y")


def document_date(day: date) -> str:
    """The date as an official document writes it, Decree 30/2020:
    "ngày 05 tháng 3 năm 2024" (a leading zero for days 1–9 and months 1–2 only)."""
    day_text = f"{day.day:02d}"
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day_text} tháng {month_text} năm {day.year}"


def date_line(place: str, day: date) -> str:
    """The italic place and date line of an official document:
    "Tây Ninh, ngày 15 tháng 12 năm 2024"."""
    return f"{place}, {document_date(day)}"


_UNIT_WORDS = ("Tỉnh", "Thành phố", "Huyện", "Thị xã", "Thị trấn", "Xã", "Phường", "Đặc khu")


def in_sentence(name: str) -> str:
    """A unit's name inside a sentence: "Tỉnh Tây Ninh" → "tỉnh Tây Ninh" (the kind in
    lower case, the proper name as it is)."""
    for word in _UNIT_WORDS:
        if name.startswith(word + " "):
            return word.lower() + name[len(word) :]
    return name


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """Vietnamese grouping: 1.234.567,5"""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def parse_date(text: str | None) -> date | None:
    """A date typed as dd/mm/yyyy (as pages show it) or yyyy-mm-dd; None otherwise."""
    raw = (text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def parse_decimal(text: str | None) -> Decimal | None:
    """A number typed the Vietnamese way ("210,5", "1.234,5") or with a point ("210.5").
    None when it is not a number."""
    if text is None:
        return None
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return Decimal(raw)
    except ArithmeticError:
        return None
