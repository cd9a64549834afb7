"""Volume stage for ``seed-volume --national``: every unit of the country from the
official lists, before and after 1 July 2025 (10,040 + 3,321 communes with their
provinces, districts and the agency seed), loaded by the official-units loader
(``dankheo.units``, the same code as ``flask units load-official``), then read back into
the generator's state so that the registry, campaign and certificate stages draw on
it: communes and agencies of the 63 provinces register until 30/6/2025, those of the 34
provinces after. The accounts sit in one province (today's Tây Ninh and the provinces
it was formed from), as in the provincial volume."""

import sqlalchemy as sa

from dankheo.demo.volume.core import PHASE_START
from dankheo.demo.volume.state import Volume
from dankheo.extensions import db
from dankheo.models import Unit, UnitKind, UnitSuccession
from dankheo.models.units import COMMUNE_LEVEL_KINDS, DISTRICT_LEVEL_KINDS, PROVINCE_LEVEL_KINDS
from dankheo.units.dataset import OfficialDataset
from dankheo.units.services import load_official_units

# The province the accounts, the campaign and the certificates belong to: today's Tây
# Ninh (code 80), and old Tây Ninh (code 72) for the agencies of before 1/7/2025.
FOCUS_PROVINCE = "80"
FOCUS_OLD_PROVINCE = "CU-72"
# Agencies that register initiatives and exemplars beside the communes.
REGISTRANT_KINDS = COMMUNE_LEVEL_KINDS | {
    UnitKind.FRONT,
    UnitKind.MASS_ORGANISATION,
    UnitKind.DEPARTMENT,
    UnitKind.AGENCY,
}
REVIEWER_BODIES = ("MTTQ", "HND", "HLHPN", "DTN", "HCCB", "LDLD")


def build_units(vol: Volume, provinces: tuple[str, ...] | None = None) -> str:
    """Load the official units (every province of today, or ``provinces`` by code) and
    read them back into ``vol``."""
    dataset = OfficialDataset.bundled()
    loaded = 0
    for entry in dataset.current_provinces:
        if provinces is not None and entry.place.code not in provinces:
            continue
        report = load_official_units(entry.place.code, dataset=dataset, agencies=True)
        loaded += len(report.units_added)
    db.session.flush()
    rows = db.session.execute(
        sa.select(
            Unit.id,
            Unit.code,
            Unit.name,
            Unit.kind,
            Unit.parent_id,
            Unit.path,
            Unit.depth,
            Unit.valid_from,
            Unit.valid_to,
        )
    ).all()
    vol.units = {r.id: r._asdict() for r in rows}
    by_code = {r.code: r.id for r in rows}
    vol.province = by_code[FOCUS_PROVINCE]
    # The provinces of the 63-province list that became the focus province.
    old_ids = set(
        db.session.scalars(
            sa.select(UnitSuccession.predecessor_id).where(
                UnitSuccession.successor_id == vol.province
            )
        )
    )
    old_focus = sorted(
        (r for r in rows if r.id in old_ids and r.kind in PROVINCE_LEVEL_KINDS),
        key=lambda r: (r.code != FOCUS_OLD_PROVINCE, r.code),
    )
    old_focus_code = old_focus[0].code if old_focus else FOCUS_OLD_PROVINCE
    vol.agency_ids = {
        "BDVTU": by_code.get(f"{old_focus_code}-BDVTU") or by_code[f"{FOCUS_PROVINCE}-BTGDVTU"],
        "BTGDVTU": by_code[f"{FOCUS_PROVINCE}-BTGDVTU"],
    }
    for key in REVIEWER_BODIES:
        vol.agency_ids[key] = by_code.get(f"{FOCUS_PROVINCE}-{key}") or vol.agency_ids["BTGDVTU"]
    old_paths = tuple(vol.units[by_code[p.code]]["path"] for p in old_focus)
    vol.district_ids = [
        r.id
        for r in rows
        if r.kind in DISTRICT_LEVEL_KINDS and old_paths and r.path.startswith(old_paths)
    ][:9]
    for r in rows:
        if r.kind not in REGISTRANT_KINDS:
            continue
        # Records of 2021–2024 belong to units alive then (not a board formed in 2025);
        # those of 2025 to units alive after 1/7/2025.
        if r.valid_from is None or r.valid_from <= PHASE_START:
            vol.old_registrants.append(r.id)
        if r.valid_to is None:
            vol.new_registrants.append(r.id)
    return (
        f"{len(rows)} units ({loaded} added by the official loader), "
        f"{len(vol.old_registrants)} registrants until 30/6/2025, "
        f"{len(vol.new_registrants)} from 1/7/2025"
    )
