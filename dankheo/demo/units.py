"""Demo units: today's Tây Ninh (96 communes and wards from 1 July 2025) and the two
provinces it was formed from, old Tây Ninh (9 district-level units, 94 communes) and old
Long An (15, 186), with every succession between them and the provincial agencies —
loaded through the official-units loader (``flask units load-official``) from the
``vietnamadminunits`` dataset, never from a list in this code.

The other demo stages name a few units by their official codes (``CODES``): the code of
a unit of today is its official code, a unit of the list that ended on 30/06/2025 carries
the prefix ``CU-`` (docs/units-official.md)."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models.units import Unit
from dankheo.units.services import load_official_units

PROVINCE = "Tây Ninh"

# Units the demo accounts and campaigns sit at, by official code (checked when loaded).
CODES = {
    "province": "80",  # Tỉnh Tây Ninh from 01/07/2025
    "old_tay_ninh": "CU-72",  # Tỉnh Tây Ninh until 30/06/2025
    "old_long_an": "CU-80",  # Tỉnh Long An until 30/06/2025
    "board": "80-BTGDVTU",  # Ban Tuyên giáo và Dân vận Tỉnh ủy (today)
    "old_board": "CU-72-BDVTU",  # Ban Dân vận Tỉnh ủy Tây Ninh (until 28/02/2025)
    "front": "80-MTTQ",
    "farmers": "80-HND",
    "women": "80-HLHPN",
    "veterans": "80-HCCB",
    "hoa_thanh_old": "CU-709",  # Thị xã Hòa Thành (until 30/06/2025)
    "long_hoa_old": "CU-25630",  # Phường Long Hoa of thị xã Hòa Thành (until 30/06/2025)
    "long_hoa": "25630",  # Phường Long Hoa from 01/07/2025, its successor (and 4 others')
    "tan_an": "27712",  # Phường Tân An from 01/07/2025, formed from communes of Long An
    "trang_bang": "25708",  # Phường Trảng Bàng from 01/07/2025
    "tan_ninh": "25459",  # Phường Tân Ninh from 01/07/2025
}


def units_by_key() -> dict[str, Unit]:
    """The units of ``CODES`` (KeyError names a code the dataset no longer has)."""
    found = {
        u.code: u
        for u in db.session.scalars(sa.select(Unit).where(Unit.code.in_(list(CODES.values()))))
    }
    return {key: found[code] for key, code in CODES.items()}


def seed() -> str:
    """Load the province (idempotent: a second run changes nothing)."""
    report = load_official_units(PROVINCE)
    if not report.changed:
        return "units: already loaded"
    counts = report.counts()
    return (
        f"units: {report.province_name} and its predecessors from {report.source} "
        f"({counts['units_added']} units, {counts['successions_added']} successions)"
    )
