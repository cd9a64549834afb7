"""Rows of the registry's list exports (initiatives, exemplars, the public gallery);
files are written by dankheo/exports.py (XLSX and CSV), streamed chunk by chunk: each
chunk of exported columns gets its years (or initiatives) in one more query."""

import functools
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
from dankheo.registry import plans, queries
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
    walk = queries.on_sqlite() and params.sort == "name" and plans.is_broad(params, scope)
    path = Initiative.unit_path.concat("") if walk else None
    return (
        sa.select(*EXPORT_COLUMNS)
        .select_from(Initiative)
        .join(Unit, Unit.id == Initiative.unit_id)
        .join(Field, Field.id == Initiative.field_id)
        .where(*queries.initiative_conditions(params, scope, public=public, path_column=path))
        .order_by(*queries.initiative_order(params))
    )


# The years of a chunk of initiatives: one statement, its ids an expanding parameter (the
# statement is compiled once, not per chunk); the status read as its stored text and
# turned into the enum by a dict (SQLAlchemy's enum processing costs more, per row).
_STATUS_TEXT = sa.type_coerce(InitiativeYear.status, sa.String)
_YEARS = (
    sa.select(InitiativeYear.initiative_id, InitiativeYear.year, _STATUS_TEXT)
    .where(InitiativeYear.initiative_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(InitiativeYear.year)
)
_PUBLIC_YEARS = _YEARS.where(_STATUS_TEXT.in_([s.value for s in PUBLIC_STATUSES]))
_STATUS = {s.value: s for s in YearStatus}


def years_of(initiative_ids: list[int], public: bool = False) -> dict[int, list[tuple]]:
    """(year, status) of each initiative's year rows, in year order (one query);
    ``public``: only the years the public gallery shows."""
    years: dict[int, list] = {i: [] for i in initiative_ids}
    status = _STATUS
    for initiative_id, year, text in (
        db.session.connection()
        .execute(_PUBLIC_YEARS if public else _YEARS, {"ids": initiative_ids})
        .all()
    ):
        years[initiative_id].append((year, status[text]))
    return years


def areas_of(ids: list[int], link_table) -> dict[int, str]:
    """Each record's priority areas as one line, in the areas' order (one query); the
    link table's columns are (record id, area id)."""
    owner, area = list(link_table.c)
    names: dict[int, list[str]] = {i: [] for i in ids}
    for record_id, name in db.session.connection().execute(
        sa.select(owner, PriorityArea.name)
        .join(PriorityArea, PriorityArea.id == area)
        .where(owner.in_(sa.bindparam("ids", expanding=True)))
        .order_by(PriorityArea.position, PriorityArea.id),
        {"ids": ids},
    ):
        names[record_id].append(name)
    return {i: "; ".join(n) for i, n in names.items()}


@functools.cache
def _year_text(year: int, status: YearStatus) -> str:
    return f"{year}: {YEAR_STATUS_LABELS[status]}"


def _years_line(years) -> str:
    return "; ".join([_year_text(y, s) for y, s in years])


def initiative_chunk_rows(year: int | None):
    """``build`` for exports.stream: a chunk of EXPORT_COLUMNS rows → export rows."""

    def build(chunk):
        ids = [r[0] for r in chunk]
        years = years_of(ids)
        areas = areas_of(ids, initiative_priority_areas)
        labels = YEAR_STATUS_LABELS
        # Rows unpacked in EXPORT_COLUMNS' order (faster than a Row's attributes).
        for row in chunk:
            id_, name, unit_name, field_name, first_year, funding, social, labour, land = row
            mine = years[id_]
            shown = [y for y in mine if y[0] == year] if year else mine
            yield [
                id_,
                name,
                unit_name,
                field_name,
                areas[id_],
                first_year,
                _years_line(mine),
                labels[shown[-1][1]] if shown else "",
                funding,
                social,
                labour,
                land,
            ]

    return build


def gallery_chunk_rows(chunk):
    """``build`` for the public gallery: public fields and public years only."""
    years = years_of([r.id for r in chunk], public=True)
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
