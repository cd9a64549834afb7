"""Rows of the registry's list exports (initiatives, exemplars, the public gallery);
files are written by dankheo/exports.py (XLSX and CSV), streamed chunk by chunk: each
chunk of exported columns gets its years (or initiatives) in one more query."""

import hashlib
import json

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import (
    Exemplar,
    Field,
    Initiative,
    InitiativeYear,
    PriorityArea,
    Unit,
    YearStatus,
)
from dankheo.models.registry import (
    EXEMPLAR_KIND_LABELS,
    PUBLIC_STATUSES,
    YEAR_STATUS_LABELS,
    exemplar_initiatives,
    exemplar_priority_areas,
    initiative_priority_areas,
)
from dankheo.models.versions import current
from dankheo.registry import queries
from dankheo.registry.exemplar_queries import exemplar_conditions, exemplar_order

HEADERS = (
    "Mã",
    "Tên mô hình",
    "Đơn vị",
    "Lĩnh vực",
    "Lĩnh vực trọng tâm",
    "Năm đăng ký",
    "Các năm",
    "Trạng thái",
    "Kinh phí (đồng)",
    "Xã hội hóa (đồng)",
    "Ngày công",
    "Đất hiến (m²)",
)


EXEMPLAR_HEADERS = (
    "Mã",
    "Tên",
    "Chức vụ, nơi công tác",
    "Loại",
    "Đơn vị",
    "Năm",
    "Lĩnh vực trọng tâm",
    "Mô hình",
)


GALLERY_HEADERS = (
    "Mã",
    "Tên mô hình",
    "Đơn vị",
    "Lĩnh vực",
    "Lĩnh vực trọng tâm",
    "Năm được công nhận",
)


# --- streamed rows ---------------------------------------------------------------------


# What an export writes of an initiative: plain columns, in list order (the long texts
# stay in the database; registry.exports adds the years chunk by chunk).
EXPORT_COLUMNS = (
    Initiative.id,
    Initiative.name,
    Unit.name.label("unit_name"),
    Field.name.label("field_name"),
    Initiative.first_year,
    Initiative.funding_vnd,
    Initiative.socialised_vnd,
    Initiative.labour_days,
    Initiative.land_m2,
)


def initiative_export_rows(params, scope, *, public: bool = False) -> sa.Select:
    """SELECT of the exported columns of the list's initiatives, in the list's order."""
    walk = queries.on_sqlite() and params.sort == "name" and queries.is_broad(params, scope)
    path = Initiative.unit_path.concat("") if walk else None
    return (
        sa.select(*EXPORT_COLUMNS)
        .select_from(Initiative)
        .join(Unit, Unit.id == Initiative.unit_id)
        .join(Field, Field.id == Initiative.field_id)
        .where(*queries.initiative_conditions(params, scope, public=public, path_column=path))
        .order_by(*queries.initiative_order(params))
    )


def years_of(initiative_ids: list[int], statuses=None) -> dict[int, list[tuple[int, YearStatus]]]:
    """(year, status) of each initiative's year rows, in year order (one query)."""
    stmt = sa.select(InitiativeYear.initiative_id, InitiativeYear.year, InitiativeYear.status)
    stmt = stmt.where(InitiativeYear.initiative_id.in_(initiative_ids))
    if statuses is not None:
        stmt = stmt.where(InitiativeYear.status.in_(statuses))
    years: dict[int, list] = {i: [] for i in initiative_ids}
    for initiative_id, year, status in db.session.execute(stmt.order_by(InitiativeYear.year)):
        years[initiative_id].append((year, status))
    return years


def areas_of(ids: list[int], link_table) -> dict[int, str]:
    """Each record's priority areas as one line, in the areas' order (one query); the
    link table's columns are (record id, area id)."""
    owner, area = list(link_table.c)
    names: dict[int, list[str]] = {i: [] for i in ids}
    for record_id, name in db.session.execute(
        sa.select(owner, PriorityArea.name)
        .join(PriorityArea, PriorityArea.id == area)
        .where(owner.in_(ids))
        .order_by(PriorityArea.position, PriorityArea.id)
    ):
        names[record_id].append(name)
    return {i: "; ".join(n) for i, n in names.items()}


def _years_line(years) -> str:
    return "; ".join(f"{y}: {YEAR_STATUS_LABELS[s]}" for y, s in years)


def initiative_chunk_rows(year: int | None):
    """``build`` for exports.stream: a chunk of EXPORT_COLUMNS rows → export rows."""

    def build(chunk):
        years = years_of([r.id for r in chunk])
        areas = areas_of([r.id for r in chunk], initiative_priority_areas)
        for r in chunk:
            mine = years[r.id]
            shown = [row for row in mine if row[0] == year] if year else mine
            status = YEAR_STATUS_LABELS[shown[-1][1]] if shown else ""
            yield [
                r.id,
                r.name,
                r.unit_name,
                r.field_name,
                areas[r.id],
                r.first_year,
                _years_line(mine),
                status,
                r.funding_vnd,
                r.socialised_vnd,
                r.labour_days,
                r.land_m2,
            ]

    return build


def gallery_chunk_rows(chunk):
    """``build`` for the public gallery: public fields and public years only."""
    years = years_of([r.id for r in chunk], PUBLIC_STATUSES)
    areas = areas_of([r.id for r in chunk], initiative_priority_areas)
    for r in chunk:
        yield [r.id, r.name, r.unit_name, r.field_name, areas[r.id], _years_line(years[r.id])]


def exemplar_export_select(params, scope) -> sa.Select:
    return (
        sa.select(
            Exemplar.id,
            Exemplar.name,
            Exemplar.position,
            Exemplar.kind,
            Unit.name.label("unit_name"),
            Exemplar.year,
        )
        .join(Unit, Unit.id == Exemplar.unit_id)
        .where(*exemplar_conditions(params, scope))
        .order_by(*exemplar_order(params))
    )


def exemplar_chunk_rows(chunk):
    ids = [r.id for r in chunk]
    led: dict[int, list[str]] = {i: [] for i in ids}
    for exemplar_id, name in db.session.execute(
        sa.select(exemplar_initiatives.c.exemplar_id, Initiative.name)
        .join(Initiative, Initiative.id == exemplar_initiatives.c.initiative_id)
        .where(exemplar_initiatives.c.exemplar_id.in_(ids))
        .order_by(Initiative.sort_key)
    ):
        led[exemplar_id].append(name)
    areas = areas_of(ids, exemplar_priority_areas)
    for r in chunk:
        yield [
            r.id,
            r.name,
            r.position or "",
            EXEMPLAR_KIND_LABELS[r.kind],
            r.unit_name,
            r.year,
            areas[r.id],
            "; ".join(led[r.id]),
        ]


def cache_key(kind: str, params, scope, datasets=("initiatives", "units", "campaigns")) -> str:
    """What an export file is made of: its kind, the filters, the scope and the data
    versions of what it reads. Same key, same file."""
    versions, _changed = current(db.session, datasets)
    text = json.dumps(
        [kind, params.as_args(), params.sort, params.dir, scope, versions], sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]
