"""Reads the official lists from the ``vietnamadminunits`` package (MIT): the SQLite
dataset ``data/dataset.db`` and the old → new mapping ``data/converter_2025.json``.

``admin_units_legacy`` is the 63-province list (province → district → commune) that ended
on 30 June 2025; ``admin_units`` the 34-province list (province → commune) in force since
1 July 2025. The mapping is keyed by the package's accent-free keys, as its converter
(``vietnamadminunits.converter.converter_2025``) reads it:

- ``DICT_PROVINCE[new_province_key]`` = the keys of the old provinces it was formed from;
- ``DICT_PROVINCE_WARD_NO_DIVIDED[new_province_key][new_ward_key]`` = the old communes
  (``"<province key>_<district key>_<ward key>"``) that went whole into that new commune;
  an old district without communes (an island district) has an empty ward key;
- ``DICT_PROVINCE_WARD_DIVIDED[new_province_key][old key]`` = the new communes an old
  commune was divided among, each ``{"newWardKey", "isDefaultNewWard", ...}``: the
  converter sends an old address without a street to the one marked
  ``isDefaultNewWard``, so that one is the default successor.

The files are found through the installed package (never copied into this repository)
and read with the standard library, read-only: the package's public
``vietnamadminunits.database.query`` reads the same tables but only from its own copy,
and a dataset folder given explicitly (a newer release to compare with, a test's patched
copy) must go through the same code.
"""

import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata, util
from pathlib import Path

from dankheo.units.errors import OfficialUnitsError
from dankheo.vietnamese import fold, nfc

PACKAGE = "vietnamadminunits"
DATABASE_FILE = "dataset.db"
CONVERTER_FILE = "converter_2025.json"
LEGACY_TABLE = "admin_units_legacy"
CURRENT_TABLE = "admin_units"
_CONVERTER_KEYS = ("DICT_PROVINCE", "DICT_PROVINCE_WARD_NO_DIVIDED", "DICT_PROVINCE_WARD_DIVIDED")


@dataclass(frozen=True)
class Place:
    """One unit of a list: its dataset key, official code, full name, type as the list
    writes it ("Huyện", "Phường"…) and centroid."""

    key: str
    code: str
    name: str
    type_text: str
    latitude: float | None
    longitude: float | None


@dataclass
class LegacyDistrict:
    place: Place
    communes: list[Place] = field(default_factory=list)


@dataclass
class LegacyProvince:
    entry: "ProvinceEntry"
    districts: list[LegacyDistrict] = field(default_factory=list)


@dataclass(frozen=True)
class Successor:
    new_key: str
    is_default: bool


@dataclass
class ProvinceData:
    """Everything the lists say about one province of today and its predecessors."""

    province: "ProvinceEntry"
    communes: list[Place]
    predecessors: list[LegacyProvince]
    # "<old province key>_<old district key>_<old ward key>" → its new communes
    successors: dict[str, list[Successor]]


@dataclass(frozen=True)
class ProvinceEntry:
    """A province of one list, with the words it can be named by (folded, no spaces)."""

    place: Place
    short_name: str
    names: frozenset[str]


def _squash(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


_PREFIXES = ("thanh pho ", "tinh ", "tp. ", "tp.", "tp ")


def _in_sentence(name: str) -> str:
    """ "Thành phố Cần Thơ" → "thành phố Cần Thơ", as a name reads inside a sentence."""
    return name[:1].lower() + name[1:]


def _strip_prefix(folded: str) -> str:
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


class OfficialDataset:
    """The official lists in ``folder`` (which holds dataset.db and converter_2025.json)."""

    def __init__(self, folder: Path, source: str | None = None):
        self.folder = Path(folder)
        self.source = source or str(self.folder)
        for name in (DATABASE_FILE, CONVERTER_FILE):
            if not (self.folder / name).is_file():
                raise OfficialUnitsError("units.dataset_missing", path=self.folder / name)

    @classmethod
    def bundled(cls) -> "OfficialDataset":
        """The lists shipped inside the installed ``vietnamadminunits`` package.

        Found by the import system without importing the package: its ``__init__`` loads
        the address parser's data (one to two seconds) that the loader does not use."""
        spec = util.find_spec(PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            raise OfficialUnitsError("units.dataset_missing", path=f"{PACKAGE}/data")
        folder = Path(next(iter(spec.submodule_search_locations))) / "data"
        return cls(folder, source=f"{PACKAGE} {metadata.version(PACKAGE)}")

    # raw access ------------------------------------------------------------------------

    def _query(self, sql: str, params: Iterable = ()) -> list[dict]:
        uri = (self.folder / DATABASE_FILE).resolve().as_uri() + "?mode=ro"
        try:
            with closing(sqlite3.connect(uri, uri=True)) as conn:
                conn.row_factory = sqlite3.Row
                return [dict(row) for row in conn.execute(sql, tuple(params))]
        except sqlite3.Error as err:
            raise OfficialUnitsError("units.dataset_format", detail=str(err)) from err

    @cached_property
    def converter(self) -> dict:
        try:
            data = json.loads((self.folder / CONVERTER_FILE).read_text(encoding="utf-8"))
        except ValueError as err:
            raise OfficialUnitsError("units.dataset_format", detail=str(err)) from err
        missing = [key for key in _CONVERTER_KEYS if key not in data]
        if missing:
            raise OfficialUnitsError(
                "units.dataset_format", detail=f"{CONVERTER_FILE} thiếu {', '.join(missing)}"
            )
        return data

    # provinces ---------------------------------------------------------------------------

    def _provinces(self, table: str) -> list[ProvinceEntry]:
        rows = self._query(
            "SELECT DISTINCT provinceKey, provinceCode, province, provinceShort, "  # noqa: S608
            f"provinceLat, provinceLon, provinceKeywords FROM {table} ORDER BY provinceCode"
        )
        entries = []
        seen = set()
        for row in rows:
            # One row per province; a row whose extra columns differ is not a second one.
            if row["provinceCode"] in seen:
                continue
            seen.add(row["provinceCode"])
            words = {_squash(row["province"]), _squash(row["provinceShort"])}
            words |= {_squash(word) for word in json.loads(row["provinceKeywords"] or "[]")}
            entries.append(
                ProvinceEntry(
                    place=Place(
                        key=row["provinceKey"],
                        code=row["provinceCode"],
                        name=nfc(row["province"]),
                        type_text="Thành phố"
                        if fold(row["province"]).startswith("thanh pho")
                        else "Tỉnh",
                        latitude=row["provinceLat"],
                        longitude=row["provinceLon"],
                    ),
                    short_name=nfc(row["provinceShort"]),
                    names=frozenset(words),
                )
            )
        return entries

    @cached_property
    def current_provinces(self) -> list[ProvinceEntry]:
        return self._provinces(CURRENT_TABLE)

    @cached_property
    def legacy_provinces(self) -> list[ProvinceEntry]:
        return self._provinces(LEGACY_TABLE)

    def find_province(self, query: str) -> ProvinceEntry:
        """Today's province named by ``query``: its code ("80"), or its name with or
        without accents and without "Tỉnh"/"Thành phố" ("tay ninh", "TP. Cần Thơ")."""
        text = nfc(query)
        if text.isdigit():
            found = [p for p in self.current_provinces if int(p.place.code) == int(text)]
        else:
            wanted = {_squash(text), _squash(_strip_prefix(fold(text)))} - {""}
            found = [p for p in self.current_provinces if p.names & wanted]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise OfficialUnitsError(
                "units.province_ambiguous",
                query=text,
                names=", ".join(p.place.name for p in found),
            )
        self._explain_unknown(text)
        raise OfficialUnitsError("units.province_unknown", query=text)

    def _explain_unknown(self, text: str) -> None:
        """An old province's name gets the name of the province it is part of today."""
        if text.isdigit():
            old = next((p for p in self.legacy_provinces if int(p.place.code) == int(text)), None)
        else:
            wanted = {_squash(text), _squash(_strip_prefix(fold(text)))} - {""}
            old = next((p for p in self.legacy_provinces if p.names & wanted), None)
        if old is None:
            return
        new_key = next(
            (k for k, olds in self.converter["DICT_PROVINCE"].items() if old.place.key in olds),
            None,
        )
        new = next((p for p in self.current_provinces if p.place.key == new_key), None)
        if new is not None:
            raise OfficialUnitsError(
                "units.province_merged",
                query=text,
                old_name=_in_sentence(old.place.name),
                old_code=old.place.code,
                new_name=_in_sentence(new.place.name),
                new_code=new.place.code,
                new_short=new.short_name,
            )

    # one province with its predecessors -------------------------------------------------------

    def province_data(self, entry: ProvinceEntry) -> ProvinceData:
        new_key = entry.place.key
        old_keys = self.converter["DICT_PROVINCE"].get(new_key)
        if not old_keys:
            raise OfficialUnitsError(
                "units.dataset_format", detail=f"DICT_PROVINCE không có “{new_key}”"
            )
        marks = ", ".join("?" for _ in old_keys)
        legacy_rows = self._query(
            "SELECT provinceKey, provinceCode, province, provinceLat, provinceLon, "  # noqa: S608
            "districtKey, districtCode, district, districtType, districtLat, districtLon, "
            "wardKey, wardCode, ward, wardType, wardLat, wardLon "
            f"FROM {LEGACY_TABLE} WHERE provinceKey IN ({marks}) "
            "ORDER BY provinceCode, districtCode, wardCode",
            old_keys,
        )
        current_rows = self._query(
            "SELECT wardKey, wardCode, ward, wardType, wardLat, wardLon "  # noqa: S608
            f"FROM {CURRENT_TABLE} WHERE provinceKey = ? ORDER BY wardCode",
            (new_key,),
        )
        return ProvinceData(
            province=entry,
            communes=[
                Place(
                    r["wardKey"],
                    r["wardCode"],
                    nfc(r["ward"]),
                    r["wardType"],
                    r["wardLat"],
                    r["wardLon"],
                )
                for r in current_rows
            ],
            predecessors=_legacy_tree(legacy_rows, self.legacy_provinces),
            successors=self._successors(new_key),
        )

    def _successors(self, new_key: str) -> dict[str, list[Successor]]:
        whole = self.converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {})
        divided = self.converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {})
        successors: dict[str, list[Successor]] = {}
        for new_ward_key, old_keys in whole.items():
            for old_key in old_keys:
                successors.setdefault(old_key, []).append(Successor(new_ward_key, False))
        for old_key, parts in divided.items():
            for part in parts:
                successors.setdefault(old_key, []).append(
                    Successor(part["newWardKey"], bool(part["isDefaultNewWard"]))
                )
        return successors


def _legacy_tree(rows: list[dict], provinces: list[ProvinceEntry]) -> list[LegacyProvince]:
    by_key = {p.place.key: p for p in provinces}
    result: dict[str, LegacyProvince] = {}
    districts: dict[tuple[str, str], LegacyDistrict] = {}
    for r in rows:
        province = result.get(r["provinceKey"])
        if province is None:
            province = result[r["provinceKey"]] = LegacyProvince(by_key[r["provinceKey"]])
        district = districts.get((r["provinceKey"], r["districtKey"]))
        if district is None:
            district = districts[(r["provinceKey"], r["districtKey"])] = LegacyDistrict(
                Place(
                    r["districtKey"],
                    r["districtCode"],
                    nfc(r["district"]),
                    r["districtType"],
                    r["districtLat"],
                    r["districtLon"],
                )
            )
            province.districts.append(district)
        if r["wardCode"]:  # island districts have no communes
            district.communes.append(
                Place(
                    r["wardKey"],
                    r["wardCode"],
                    nfc(r["ward"]),
                    r["wardType"],
                    r["wardLat"],
                    r["wardLon"],
                )
            )
    return list(result.values())
