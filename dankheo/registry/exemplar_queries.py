"""Registry reads of exemplars: the filtered, scoped and sorted list (ids first, on the
exemplars' own indexes) and the detail page."""

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from dankheo.extensions import db
from dankheo.models import Exemplar, Initiative, Unit
from dankheo.models.registry import exemplar_priority_areas
from dankheo.registry.pagination import IdsFirstPagination
from dankheo.registry.plans import (
    BROAD_SHARE,
    choose_plan,
    path_prefixes,
    ranges_union,
    scope_share,
)
from dankheo.registry.queries import ListParams, in_priority_area, unit_in_scope
from dankheo.registry.search import on_sqlite, search_condition
from dankheo.tree import within_prefixes


def exemplar_conditions(params: ListParams, scope, path=None) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions of the list; ``path`` stands for ``Exemplar.unit_path`` (a plan
    may write it so that no index serves it)."""
    path = Exemplar.unit_path if path is None else path
    conditions = []
    if params.unit:  # the unit's subtree inside the scope: one range
        conditions.append(within_prefixes(path, unit_in_scope(params.unit, scope)))
    elif scope is not None:
        conditions.append(within_prefixes(path, scope))
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
    # PostgreSQL: a scope's path ranges one at a time (from the index alone), and the
    # page walks the name index or reads those ranges as the count says (plans).
    ranged = not (on_sqlite() or params.q)
    prefixes = path_prefixes(params, scope, unit_in_scope) if ranged else None
    inside = dataclasses.replace(params, unit=None)
    share = scope_share(params, scope) if prefixes else 1.0

    def branch(prefix: str) -> sa.Select:
        return sa.select(Exemplar.id, Exemplar.sort_key).where(
            *exemplar_conditions(inside, [prefix])
        )

    def ids_select(total: int, offset: int, size: int) -> sa.Select:
        if not prefixes or params.sort != "name":
            return ids
        counted = None if count_cap is not None and total > count_cap else total
        broad = share * BROAD_SHARE >= 1
        plan = choose_plan(
            params, counted, offset, size, broad, cap=count_cap, share=share, model=Exemplar
        )
        if plan == "walk":  # no index on the path: the name index, each entry tested
            walked = exemplar_conditions(params, scope, Exemplar.unit_path.concat(""))
            return sa.select(Exemplar.id).where(*walked).order_by(*exemplar_order(params))
        if plan == "range":
            ranges = ranges_union(branch, prefixes)
            key = ranges.c.sort_key.desc() if params.dir == "desc" else ranges.c.sort_key
            return sa.select(ranges.c.id).order_by(key, ranges.c.id)
        return ids

    shown = exemplars_select(ListParams(sort=params.sort, dir=params.dir), None).options(
        load_only(*LIST_COLUMNS),
        contains_eager(Exemplar.unit).load_only(Unit.id, Unit.name, Unit.sort_key),
        joinedload(Exemplar.field),
        selectinload(Exemplar.initiatives).load_only(Initiative.id, Initiative.name),
    )
    counted = sa.select(Exemplar.id).where(*conditions)
    if prefixes:
        counted = sa.select(*ranges_union(branch, prefixes).c)
    if count_cap is not None:
        counted = counted.limit(count_cap + 1)
    return IdsFirstPagination(
        select=shown,
        ids_select=ids_select,
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
