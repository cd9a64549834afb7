"""Volume stage: fields, initiatives over 2021–2025 with their year rows, and exemplars
(some linked to an initiative of their unit). Search text and sort keys come from the
registry services' own formulas."""

from datetime import date, datetime
from functools import cache

import sqlalchemy as sa

from dankheo.demo.volume.core import CHUNK, YEARS, insert, lower_first
from dankheo.demo.volume.names import COLLECTIVES, METHODS, POSITIONS, PROBLEMS, THEMES
from dankheo.demo.volume.state import Volume
from dankheo.demo.volume.units import unit_place
from dankheo.extensions import db
from dankheo.models import Exemplar, ExemplarKind, Field, Initiative, InitiativeYear, YearStatus
from dankheo.models.registry import exemplar_initiatives
from dankheo.registry.services import (
    exemplar_search_text,
    exemplar_sort_key,
    initiative_search_text,
    initiative_sort_key,
)

# Names repeat (themes, people): their collation keys are computed once.
_initiative_sort_key = cache(initiative_sort_key)
_exemplar_sort_key = cache(exemplar_sort_key)


def build_fields(vol: Volume) -> None:
    names = (
        "Kinh tế",
        "Văn hóa – xã hội",
        "Quốc phòng – an ninh",
        "Xây dựng Đảng, hệ thống chính trị",
        "Xây dựng nông thôn mới",
    )
    existing = {f.name: f.id for f in db.session.scalars(sa.select(Field))}
    rows = []
    for position, name in enumerate(names):
        if name not in existing:
            existing[name] = vol.ids.take(Field)
            rows.append({"id": existing[name], "name": name, "position": position, "active": True})
    if rows:
        insert(Field, rows)
    vol.field_ids = [existing[n] for n in names]


def build_initiatives(vol: Volume) -> str:
    r = vol.rng
    total = vol.counts.initiatives
    weights = (0.26, 0.2, 0.2, 0.19, 0.15)
    vol.by_year = {y: [] for y in YEARS}
    vol.recognised = {y: [] for y in YEARS}
    vol.initiative_unit = {}
    vol.initiative_name = {}
    vol.unit_initiatives = {}
    year_rows_total = 0
    for start in range(0, total, CHUNK):
        rows: list[dict] = []
        year_rows: list[dict] = []
        for _ in range(min(CHUNK, total - start)):
            iid = vol.ids.take(Initiative)
            first_year = r.choices(YEARS, weights)[0]
            pool = vol.new_registrants if first_year == 2025 else vol.old_registrants
            unit_id = r.choice(pool)
            place = unit_place(vol, unit_id)
            theme = r.choice(THEMES)
            joiner = "" if place.startswith("của ") else "ở "
            name = f"Mô hình “{theme}” {joiner}{place}"
            field_id = r.choice(vol.field_ids)
            replicated = None
            if first_year > 2021 and r.random() < 0.08:
                earlier = vol.by_year[r.choice([y for y in YEARS if y < first_year])]
                replicated = r.choice(earlier) if earlier else None
            started = date(first_year, r.randint(1, 6), r.randint(1, 28))
            unit_name = vol.units[unit_id]["name"]
            rows.append(
                {
                    "id": iid,
                    "unit_id": unit_id,
                    "field_id": field_id,
                    "name": name,
                    "first_year": first_year,
                    "problem": r.choice(PROBLEMS),
                    "goals": "Huy động sức dân, nâng cao đời sống vật chất và tinh thần "
                    "của nhân dân trên địa bàn.",
                    "content_methods": r.choice(METHODS),
                    "area_beneficiaries": f"Nhân dân {place.removeprefix('của ')}",
                    "implementers": "Cấp ủy, chính quyền, Mặt trận và các đoàn thể",
                    "funding_vnd": r.randint(0, 500) * 1_000_000,
                    "socialised_vnd": r.randint(0, 2000) * 1_000_000,
                    "labour_days": r.randint(0, 3000),
                    "in_kind": "",
                    "land_m2": float(r.randint(0, 50) * 10),
                    "started_on": started,
                    "evaluation_on": date(first_year, 11, 30),
                    "outputs": "Các hạng mục hoàn thành đúng tiến độ, được nhân dân "
                    "đồng tình ủng hộ.",
                    "sustainability": "Duy trì thường xuyên, có khả năng nhân rộng.",
                    "replicated_from_id": replicated,
                    "unit_path": vol.units[unit_id]["path"],
                    "search_text": initiative_search_text(name, unit_name),
                    "sort_key": _initiative_sort_key(name),
                    "created_by_id": None,
                    "created_at": datetime(first_year, started.month, started.day, 8),
                    "updated_at": vol.now,
                    "version": 1,
                }
            )
            vol.by_year[first_year].append(iid)
            vol.initiative_unit[iid] = unit_id
            vol.initiative_name[iid] = theme
            vol.unit_initiatives.setdefault(unit_id, []).append(iid)
            public = False
            for year in range(first_year, YEARS[-1] + 1):
                if year == first_year:
                    roll = r.random()
                    status = (
                        YearStatus.OUTSTANDING
                        if roll < 0.1
                        else YearStatus.RECOGNISED
                        if roll < 0.75
                        else YearStatus.REGISTERED
                    )
                elif r.random() < 0.12:
                    status = YearStatus.DROPPED
                else:
                    status = (
                        YearStatus.OUTSTANDING if r.random() < 0.12 else (YearStatus.RECOGNISED)
                    )
                year_rows.append(
                    {
                        "id": vol.ids.take(InitiativeYear),
                        "initiative_id": iid,
                        "year": year,
                        "status": status,
                        "note": "",
                        "unit_id": unit_id,
                        "field_id": field_id,
                        "unit_path": vol.units[unit_id]["path"],
                        "updated_at": datetime(year, 12, 1),
                    }
                )
                if status in (YearStatus.RECOGNISED, YearStatus.OUTSTANDING):
                    vol.recognised[year].append(iid)
                    public = True
                if status == YearStatus.DROPPED:
                    break
            rows[-1]["is_public"] = public  # bulk rows skip the flush hook that keeps it
        insert(Initiative, rows)
        insert(InitiativeYear, year_rows)
        year_rows_total += len(year_rows)
    return f"{total} initiatives, {year_rows_total} year rows"


def build_exemplars(vol: Volume) -> str:
    r = vol.rng
    rows: list[dict] = []
    links: list[dict] = []
    vol.exemplars_by_year = {y: [] for y in YEARS}
    for _ in range(vol.counts.exemplars):
        eid = vol.ids.take(Exemplar)
        year = r.choice(YEARS)
        pool = vol.new_registrants if year == 2025 else vol.old_registrants
        unit_id = r.choice(pool)
        unit_name = vol.units[unit_id]["name"]
        if r.random() < 0.7:
            kind = ExemplarKind.INDIVIDUAL
            name = vol.person_name()
            position = f"{r.choice(POSITIONS)}, {lower_first(unit_name)}"
        else:
            kind = ExemplarKind.COLLECTIVE
            name = f"{r.choice(COLLECTIVES)} {lower_first(unit_name)}"
            position = ""
        rows.append(
            {
                "id": eid,
                "kind": kind,
                "name": name,
                "position": position,
                "unit_id": unit_id,
                "unit_path": vol.units[unit_id]["path"],
                "field_id": r.choice(vol.field_ids),
                "year": year,
                "achievements": "Gương mẫu, tích cực vận động nhân dân thực hiện tốt "
                "chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
                "search_text": exemplar_search_text(name, position, unit_name),
                "sort_key": _exemplar_sort_key(name, kind),
                "created_by_id": None,
                "created_at": datetime(year, 10, 1),
                "version": 1,
            }
        )
        vol.exemplars_by_year[year].append((eid, name, position, unit_id))
        mine = vol.unit_initiatives.get(unit_id)
        if mine and r.random() < 0.3:
            links.append({"exemplar_id": eid, "initiative_id": r.choice(mine)})
    insert(Exemplar, rows)
    insert(exemplar_initiatives, links)
    return f"{len(rows)} exemplars ({len(links)} linked to an initiative)"
