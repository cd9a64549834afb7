"""Volume stage: the unit tree of a 2025-style province. Nine former districts with
their communes, villages and organisations close on 30/6/2025; the merged communes of
1/7/2025 succeed them by dated successions."""

from datetime import date
from functools import cache

from dankheo.admin.units import unit_search_text, unit_sort_key
from dankheo.demo.volume.core import (
    NEW_START,
    OLD_END,
    PHASE_START,
    PROVINCE_CODE,
    PROVINCE_NAME,
    insert,
    lower_first,
)
from dankheo.demo.volume.names import AGENCIES, DISTRICTS, LOCAL_ORGS
from dankheo.demo.volume.state import Volume
from dankheo.models import SuccessionKind, Unit, UnitKind, UnitSuccession
from dankheo.tree import segment

# Unit names repeat (villages, organisations): their collation keys are computed once.
_sort_key = cache(unit_sort_key)


def add_unit(
    vol: Volume,
    name: str,
    kind: UnitKind,
    parent: int | None,
    valid_from: date | None = PHASE_START,
    valid_to: date | None = None,
    code: str | None = None,
) -> int:
    uid = vol.ids.take(Unit)
    parent_row = vol.units[parent] if parent else None
    code = code or f"{PROVINCE_CODE}-{uid}"
    vol.units[uid] = {
        "id": uid,
        "code": code,
        "name": name,
        "kind": kind,
        "parent_id": parent,
        "path": (parent_row["path"] if parent_row else "/") + segment(uid),
        "depth": parent_row["depth"] + 1 if parent_row else 0,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "search_text": unit_search_text(code, name),
        "sort_key": _sort_key(name),
    }
    return uid


def succeed(vol: Volume, old: int, new: int, kind: SuccessionKind, note: str) -> None:
    vol.successions.append(
        {
            "id": vol.ids.take(UnitSuccession),
            "predecessor_id": old,
            "successor_id": new,
            "kind": kind,
            "effective_on": NEW_START,
            "note": note,
        }
    )


def build_units(vol: Volume) -> str:
    n = vol.counts.units
    province = add_unit(vol, PROVINCE_NAME, UnitKind.PROVINCE, None, code=PROVINCE_CODE)
    vol.province = province
    for suffix, name, kind, valid_to in AGENCIES:
        valid_from = NEW_START if suffix == "BTGDVTU" else PHASE_START
        uid = add_unit(
            vol, name, kind, province, valid_from, valid_to, code=f"{PROVINCE_CODE}-{suffix}"
        )
        vol.agency_ids[suffix] = uid
        if suffix not in ("BDVTU", "BTGDVTU", "UBND"):
            vol.old_registrants.append(uid)
            vol.new_registrants.append(uid)
    succeed(
        vol,
        vol.agency_ids["BDVTU"],
        vol.agency_ids["BTGDVTU"],
        SuccessionKind.MERGE,
        "Hợp nhất Ban Tuyên giáo và Ban Dân vận Tỉnh ủy",
    )
    old_total = max(2, n // 37)
    district_total = min(len(DISTRICTS), max(1, old_total // 4))
    names = iter(vol.place_names)
    # Former districts with their organisations and communes (closed on 30/6/2025).
    communes_by_district: list[list[int]] = []
    for d in range(district_total):
        d_name, d_kind = DISTRICTS[d]
        district = add_unit(vol, d_name, d_kind, province, valid_to=OLD_END)
        vol.district_ids.append(district)
        short = d_name.split(" ", 1)[1] if d_name.startswith("Huyện") else d_name
        bdv = add_unit(vol, f"Ban Dân vận {short}", UnitKind.AGENCY, district, valid_to=OLD_END)
        vol.old_registrants.append(bdv)
        for _suffix, prefix, kind in LOCAL_ORGS:
            org = add_unit(vol, f"{prefix} {short}", kind, district, valid_to=OLD_END)
            vol.old_registrants.append(org)
        communes_by_district.append([])
    for i in range(old_total):
        d = i % district_total
        kind = UnitKind.WARD if d == 0 or vol.rng.random() < 0.15 else UnitKind.COMMUNE
        label = "Phường" if kind == UnitKind.WARD else "Xã"
        place = next(names)
        commune = add_unit(vol, f"{label} {place}", kind, vol.district_ids[d], valid_to=OLD_END)
        vol.places[commune] = place
        communes_by_district[d].append(commune)
        vol.old_registrants.append(commune)
        _local_orgs(vol, commune, label, place, valid_to=OLD_END, into=vol.old_registrants)
    # Communes of 1/7/2025: groups of two or three former communes of a district.
    groups: list[list[int]] = []
    for communes in communes_by_district:
        k = 0
        while k < len(communes):
            size = 3 if len(communes) - k in (3, 5) or vol.rng.random() < 0.4 else 2
            groups.append(communes[k : k + size])
            k += size
    new_communes: list[tuple[int, list[int]]] = []
    for group in groups:
        first = vol.units[group[0]]
        kind = first["kind"]
        label = "Phường" if kind == UnitKind.WARD else "Xã"
        place = vol.places[group[0]]
        merged = add_unit(
            vol, f"{label} {place}", kind, province, valid_from=NEW_START, valid_to=None
        )
        vol.places[merged] = place
        vol.new_registrants.append(merged)
        for old in group:
            succeed(vol, old, merged, SuccessionKind.MERGE, "Sắp xếp đơn vị hành chính 2025")
        _local_orgs(vol, merged, label, place, valid_from=NEW_START, into=vol.new_registrants)
        new_communes.append((merged, group))
    # Villages: each former commune gets its share; each village carries on under the
    # merged commune (a rename), so the remaining budget is split in pairs.
    remaining = max(0, n - len(vol.units))
    pairs = remaining // 2
    village_no: dict[int, int] = {}
    successor_of = {old: new for new, group in new_communes for old in group}
    olds = [c for communes in communes_by_district for c in communes]
    for v in range(pairs):
        old = olds[v % len(olds)]
        new = successor_of[old]
        village_no[new] = village_no.get(new, 0) + 1
        if vol.units[old]["kind"] == UnitKind.WARD:
            name = f"Khu phố {village_no[new]}"
        else:
            name = f"Ấp {vol.rng.choice(vol.place_names)}"
        old_v = add_unit(vol, name, UnitKind.VILLAGE, old, valid_to=OLD_END)
        new_v = add_unit(vol, name, UnitKind.VILLAGE, new, valid_from=NEW_START)
        succeed(vol, old_v, new_v, SuccessionKind.RENAME, "Chuyển về đơn vị hành chính mới")
        vol.old_registrants.append(old_v)
        vol.new_registrants.append(new_v)
    if remaining % 2 and new_communes:  # an odd budget: one village founded in 2025
        village = add_unit(
            vol, "Ấp Mới", UnitKind.VILLAGE, new_communes[0][0], valid_from=NEW_START
        )
        vol.new_registrants.append(village)
    insert(Unit, list(vol.units.values()))
    insert(UnitSuccession, vol.successions)
    return (
        f"{len(vol.units)} units ({district_total} former districts, {old_total} former "
        f"communes, {len(new_communes)} merged communes), {len(vol.successions)} successions"
    )


def _local_orgs(vol: Volume, commune: int, label: str, place: str, *, into: list[int], **validity):
    for _suffix, prefix, kind in LOCAL_ORGS:
        org = add_unit(vol, f"{prefix} {lower_first(label)} {place}", kind, commune, **validity)
        into.append(org)


def unit_place(vol: Volume, unit_id: int) -> str:
    """Where an initiative of the unit takes place, as its name says it ("ấp X, xã Y")."""
    unit = vol.units[unit_id]
    if unit["kind"] == UnitKind.VILLAGE:
        parent = vol.units[unit["parent_id"]]
        return f"{lower_first(unit['name'])}, {lower_first(parent['name'])}"
    if unit["kind"] in (UnitKind.COMMUNE, UnitKind.WARD):
        return lower_first(unit["name"])
    return f"của {unit['name']}"
