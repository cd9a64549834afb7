"""The one integer parser: every number that comes in from a URL, a query string or a
form goes through ``parse_int`` (directly, or through the URL converter, the helpers
below and ``dankheo.forms.IntegerField``).

Why one parser: Python's ``str.isdigit()`` accepts superscripts ("²") that ``int()``
refuses, ``int()`` and the regular expression ``\\d`` accept every script's digits
("١٢" is 12), and ``int()`` takes numbers of any size, which the database driver then
refuses (SQLite: 64 bits, PostgreSQL: 32 bits for an id). Each of those was a 500 on
some page. Here a number is ASCII digits with an optional minus sign, of bounded
length, within a range; anything else is "no number".
"""

import re

from flask import request
from werkzeug.routing import IntegerConverter, ValidationError

# Ids are 32-bit INTEGER columns (PostgreSQL int4): anything above cannot exist.
MAX_ID = 2**31 - 1
# Far beyond any list's last page, far below what an OFFSET can take.
MAX_PAGE = 100_000
# Years people type: the registry's and campaigns' range is narrower (their forms).
MIN_YEAR, MAX_YEAR = 1900, 2999
# Most ids one form may carry at once (a ranking page's checkboxes, a decision's list).
MAX_IDS = 10_000

# ASCII only: "[0-9]" (not "\d", which is every script's digits); 18 digits fit 64 bits.
_INTEGER = re.compile(r"-?[0-9]{1,18}")


def parse_int(raw, *, lo: int | None = None, hi: int | None = None) -> int | None:
    """``raw`` as an int when it is an optional "-" and 1–18 ASCII digits (surrounding
    spaces allowed) within ``lo``..``hi``; otherwise None. Never raises."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = raw.strip() if isinstance(raw, str) else ""
        if not _INTEGER.fullmatch(text):
            return None
        value = int(text)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return None
    return value


def parse_id(raw) -> int | None:
    """An id (1..MAX_ID) or None."""
    return parse_int(raw, lo=1, hi=MAX_ID)


def arg_int(name: str, default: int | None = None, *, lo=1, hi=MAX_ID, source=None):
    """The query-string parameter ``name`` (or ``source[name]``) as an int within
    ``lo``..``hi``; ``default`` when it is absent or not such a number (a bogus filter
    is ignored, as it always was)."""
    values = request.args if source is None else source
    value = parse_int(values.get(name), lo=lo, hi=hi)
    return default if value is None else value


def arg_id(name: str, source=None) -> int | None:
    """An id parameter of the query string (or ``source``), or None."""
    return arg_int(name, None, lo=1, hi=MAX_ID, source=source)


def page_arg(name: str = "page") -> int:
    """The page number of a list: 1 unless a number in 1..MAX_PAGE is given."""
    return arg_int(name, 1, lo=1, hi=MAX_PAGE)


def id_list(name: str, source=None, limit: int = MAX_IDS) -> list[int]:
    """Every valid id among the values of ``name`` in the posted form (or ``source``),
    in order, without repeats; values that are not ids are dropped."""
    values = request.form if source is None else source
    ids: dict[int, None] = {}
    for raw in values.getlist(name)[:limit]:
        value = parse_id(raw)
        if value is not None:
            ids[value] = None
    return list(ids)


class IntConverter(IntegerConverter):
    """Replaces Flask's ``int`` URL converter (registered under the same name, so
    routes keep writing ``<int:campaign_id>``): ASCII digits only and at most MAX_ID,
    else the route does not match (404) instead of reaching the database."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        number = parse_int(value, lo=self.min, hi=self.max)
        if number is None:
            raise ValidationError()
        return number
