"""Unit codes of the official lists and of the agency seed, kept apart across the 2025
reorganisation.

The two official lists share one numbering: a commune of 1 July 2025 usually keeps the
code of one of the communes it was formed from (3,316 of the 3,321 ward codes of the
34-province list are also ward codes of the 63-province list), and a merged province
keeps one predecessor's code (today's Tây Ninh is 80, old Long An's code; old Tây Ninh
was 72). Codes of the list in force today are stored as they are ("80", "25459");
codes of the list that ended on 30 June 2025 carry the prefix ``CU-`` (*cũ*: "CU-72",
"CU-709", "CU-25459"). Today's codes are the ones people and other systems will use
from now on, so they stay bare; the old list is closed and will not grow, so it is the
one that carries the mark. Within a list the levels never collide (provinces have two
digits, districts three, communes five), and hand-made codes (demo, imports) contain
letters, so they never collide with all-digit official codes either.

Agencies of the seed are coded ``<province code>-<key>``: "CU-72-BDVTU" is Ban Dân vận
of old Tây Ninh, "80-BTGDVTU" Ban Tuyên giáo và Dân vận of today's Tây Ninh.
"""

import re

LEGACY_PREFIX = "CU-"

_OFFICIAL_CODE = re.compile(r"^(CU-)?\d+$")
_AGENCY_CODE = re.compile(r"^(CU-)?\d+-[A-Z0-9]+$")


def legacy_code(official: str) -> str:
    """Code of a unit of the 63-province list (valid until 30/6/2025)."""
    return LEGACY_PREFIX + official


def current_code(official: str) -> str:
    """Code of a unit of the 34-province list (valid from 1/7/2025)."""
    return official


def agency_code(province_code: str, key: str) -> str:
    """Code of a seed agency of the province whose unit code is ``province_code``."""
    return f"{province_code}-{key.upper()}"


def is_official_code(code: str) -> bool:
    """True for codes of units of the official lists."""
    return bool(_OFFICIAL_CODE.match(code))


def is_agency_code(code: str) -> bool:
    """True for codes of agencies of the seed."""
    return bool(_AGENCY_CODE.match(code))
