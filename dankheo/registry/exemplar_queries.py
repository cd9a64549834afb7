"""Registry reads of exemplars: the filtered, scoped and sorted list (ids first, on the
exemplars' own indexes) and the detail page."""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from dankheo.extensions import db
from dankheo.models import Exemplar, Initiative, Unit
from dankheo.models.registry import exemplar_priority_areas
from dankheo.registry.pagination import IdsFirstPagination
from dankheo.registry.queries import ListParams, in_priority_area, unit_in_scope
from dankheo.registry.search import search_condition
from dankheo.tree import within_prefixes


def exemplar_conditions(params: ListParams, scope) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if params.unit:  # the unit's subtree inside the scope: one range
        conditions.append(within_prefixes(Exemplar.unit_path, unit_in_scope(params.unit, scope)))
    elif scope is not None:
        conditions.append(within_prefixes(Exemplar.unit_path, scope))
    if params.q:
        conditions.append(search_condition(Exemplar, params.q))
    if params.year:
        conditions.append(Exemplar.year == params.year)
    if params.field:
        conditions.append(Exemplar.field_id == params.field)
    if params.kind:
        conditions.append(Exemplar.kind == params.kind)
    if params.area:
        conditions.append(in_priority_area(Exemplar.id, exemplar_priority_areas, params.area))
    return conditions


def exemplar_order(params: ListParams) -> list:
    desc = params.dir == "desc"
    if params.sort == "year":
        order = [Exemplar.year.desc() if desc else Exemplar.year, Exemplar.sort_key]
    elif params.sort == "unit":
        order = [Unit.sort_key.desc() if desc else Unit.sort_key, Exemplar.sort_key]
    else:
        order = [Exemplar.sort_key.desc() if desc else Exemplar.sort_key]
    return [*order, Exemplar.id]


def exemplars_select(params: ListParams, scope) -> sa.Select:
    stmt = sa.select(Exemplar).join(Exemplar.unit).where(*exemplar_conditions(params, scope))
    return stmt.order_by(*exemplar_order(params))


def exemplars_list_select(params: ListParams, scope) -> sa.Select:
    """``exemplars_select`` with what the list shows loaded (the page and its export)."""
    return exemplars_select(params, scope).options(
        contains_eager(Exemplar.unit),
        joinedload(Exemplar.field),
        selectinload(Exemplar.initiatives),
        selectinload(Exemplar.priority_areas),
    )


# The list shows these (not the achievements' text, the search text, who created it).
LIST_COLUMNS = (
    Exemplar.id,
    Exemplar.kind,
    Exemplar.name,
    Exemplar.position,
    Exemplar.unit_id,
    Exemplar.field_id,
    Exemplar.year,
    Exemplar.sort_key,
    Exemplar.version,
)


def exemplar_page(params: ListParams, scope, *, per_page: int, count_cap: int | None = None):
    """A page of exemplars: the shown ids first (the exemplar's own indexes: name order,
    scope path), then those rows with what the list shows of their unit, field and
    initiatives (names, not their long texts); counted up to ``count_cap`` + 1."""
    conditions = exemplar_conditions(params, scope)
    ids = sa.select(Exemplar.id)
    if params.sort == "unit":
        ids = ids.join(Exemplar.unit)
    ids = ids.where(*conditions).order_by(*exemplar_order(params))
    shown = exemplars_select(ListParams(sort=params.sort, dir=params.dir), None).options(
        load_only(*LIST_COLUMNS),
        contains_eager(Exemplar.unit).load_only(Unit.id, Unit.name, Unit.sort_key),
        joinedload(Exemplar.field),
        selectinload(Exemplar.initiatives).load_only(Initiative.id, Initiative.name),
    )
    counted = sa.select(Exemplar.id).where(*conditions)
    if count_cap is not None:
        counted = counted.limit(count_cap + 1)
    return IdsFirstPagination(
        select=shown,
        ids_select=lambda _total, _offset, _size: ids,
        id_column=Exemplar.id,
        session=db.session(),
        count_select=sa.select(sa.func.count()).select_from(counted.subquery()),
        cap=count_cap,
        page=params.page,
        per_page=per_page,
        error_out=False,
    )


def exemplar_detail(exemplar_id: int) -> Exemplar | None:
    return db.session.scalar(
        sa.select(Exemplar)
        .where(Exemplar.id == exemplar_id)
        .options(
            joinedload(Exemplar.unit),
            joinedload(Exemplar.field),
            selectinload(Exemplar.initiatives).joinedload(Initiative.unit),
            selectinload(Exemplar.priority_areas),
        )
    )
