"""Registry reads: filtered, scoped and sorted lists of initiatives and exemplars,
detail pages and unit choices. Every list costs a fixed number of queries."""

import dataclasses
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from dankheo.extensions import db
from dankheo.models import (
    PUBLIC_STATUSES,
    Evidence,
    Exemplar,
    ExemplarKind,
    Initiative,
    InitiativeYear,
    Nomination,
    Unit,
    YearStatus,
)
from dankheo.models.registry import exemplar_priority_areas, initiative_priority_areas
from dankheo.tree import in_tree_order, within_prefix, within_prefixes
from dankheo.vietnamese import search_pattern
from dankheo.web.params import MAX_ID, parse_int

MIN_YEAR, MAX_YEAR = 2000, 2100
SORTS = ("name", "year", "unit")


@dataclass
class ListParams:
    """What a list page was asked for, already checked."""

    q: str = ""
    year: int | None = None
    field: int | None = None
    status: YearStatus | None = None
    unit: int | None = None
    kind: ExemplarKind | None = None
    area: int | None = None  # a priority area (lĩnh vực trọng tâm)
    sort: str = "name"
    dir: str = "asc"
    page: int = 1
    errors: dict[str, str] = dataclasses.field(default_factory=dict)

    def as_args(self) -> dict[str, Any]:
        """Non-default values, for links that keep the current filters."""
        args = {
            "q": self.q,
            "year": self.year,
            "field": self.field,
            "status": self.status.value if self.status else None,
            "unit": self.unit,
            "kind": self.kind.value if self.kind else None,
            "area": self.area,
        }
        if self.sort != "name" or self.dir != "asc":
            args.update(sort=self.sort, dir=self.dir)
        return {k: v for k, v in args.items() if v not in (None, "")}


def _int(value: str, name: str, errors: dict, lo=None, hi=None) -> int | None:
    if value in (None, ""):
        return None
    if parse_int(value) is None:
        errors[name] = f"Tham số “{name}” phải là số nguyên."
        return None
    number = parse_int(value, lo=lo, hi=hi)
    if number is None:
        errors[name] = f"Tham số “{name}” phải từ {lo} đến {hi}."
    return number


def parse_list_params(args) -> ListParams:
    """Read list filters from a query string; bad values are dropped and reported in
    ``errors`` (pages ignore them, the API answers 400)."""
    errors: dict[str, str] = {}
    params = ListParams(errors=errors)
    params.q = (args.get("q") or "").strip()[:200]
    params.year = _int(args.get("year"), "year", errors, MIN_YEAR, MAX_YEAR)
    # Ids fit a 32-bit column; a larger number would overflow the database driver.
    params.field = _int(args.get("field"), "field", errors, 1, MAX_ID)
    params.unit = _int(args.get("unit"), "unit", errors, 1, MAX_ID)
    params.area = _int(args.get("area"), "area", errors, 1, MAX_ID)
    params.page = _int(args.get("page"), "page", errors, 1, 1_000_000) or 1
    status = args.get("status") or ""
    if status:
        try:
            params.status = YearStatus(status)
        except ValueError:
            errors["status"] = "Trạng thái không hợp lệ."
    kind = args.get("kind") or ""
    if kind:
        try:
            params.kind = ExemplarKind(kind)
        except ValueError:
            errors["kind"] = "Loại điển hình không hợp lệ."
    sort = args.get("sort") or "name"
    params.sort = sort if sort in SORTS else "name"
    params.dir = "desc" if args.get("dir") == "desc" else "asc"
    return params


# --- initiatives ------------------------------------------------------------------------


def _unit_filter(unit_id: int) -> sa.ColumnElement[bool]:
    """Units at or below ``unit_id`` (the unit's whole subtree)."""
    root = db.session.get(Unit, unit_id)
    if root is None:
        return sa.false()
    return within_prefix(Unit.path, root.path)


def _is_public() -> sa.ColumnElement[bool]:
    return sa.exists().where(
        InitiativeYear.initiative_id == Initiative.id,
        InitiativeYear.status.in_(PUBLIC_STATUSES),
    )


def _initiative_conditions(
    params: ListParams, scope: list[str] | None, *, public: bool, in_order: bool = False
) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions of an initiative list (``Unit`` joined on the initiative).
    ``in_order``: the ids are read in list order (``initiative_page_ids``); the year
    filter is then written ``id + 0 IN (…)`` so that SQLite walks the narrow
    (sort_key, search_text) index in name order and tests each id against the list,
    instead of fetching every listed wide row by id to sort them."""
    conditions: list[sa.ColumnElement[bool]] = []
    if scope is not None:
        conditions.append(within_prefixes(Unit.path, scope))
    if params.q:
        conditions.append(Initiative.search_text.like(search_pattern(params.q), escape="\\"))
    if params.field:
        conditions.append(Initiative.field_id == params.field)
    if params.area:
        conditions.append(_in_priority_area(Initiative.id, initiative_priority_areas, params.area))
    subtree = None
    if params.unit:
        root = db.session.get(Unit, params.unit)
        subtree = within_prefix(Unit.path, root.path) if root is not None else sa.false()
    # Year conditions as "id IN (rows of initiative_years)": one pass over the indexed
    # yearly table rather than a correlated probe per initiative.
    year_conditions = []
    if params.year:
        year_conditions.append(InitiativeYear.year == params.year)
    if params.status:
        year_conditions.append(InitiativeYear.status == params.status)
    if public and year_conditions:
        year_conditions.append(InitiativeYear.status.in_(PUBLIC_STATUSES))
    if year_conditions:
        if subtree is not None:
            # Year rows carry the unit of their year (the initiative's, or its successor
            # after a merger: services.year_unit): the (unit_id, year) index then reads
            # only the chosen subtree's rows, and a year filter finds the records a unit
            # carried that year.
            year_conditions.append(InitiativeYear.unit_id.in_(sa.select(Unit.id).where(subtree)))
            subtree = None
        listed = Initiative.id + 0 if in_order else Initiative.id
        conditions.append(
            listed.in_(sa.select(InitiativeYear.initiative_id).where(*year_conditions))
        )
    elif public:
        # Most initiatives are public in some year: probing each candidate's few year
        # rows beats building the list of every public id.
        conditions.append(_is_public())
    if subtree is not None:
        conditions.append(subtree)
    return conditions


def _in_priority_area(id_column, link_table, area_id: int) -> sa.ColumnElement[bool]:
    """Records tagged with the priority area ``area_id`` (one indexed lookup of the link
    table, whose second column is the area)."""
    owner, area = list(link_table.c)
    return id_column.in_(sa.select(owner).where(area == area_id))


def _needs_unit(params: ListParams, scope) -> bool:
    """Whether the conditions read ``Unit`` (a count can then skip the join)."""
    return scope is not None or (bool(params.unit) and not (params.year or params.status))


def initiative_page_ids(
    params: ListParams, scope: list[str] | None = None, *, public: bool = False
) -> sa.Select:
    """SELECT of the matching ids in list order (no LIMIT yet): only the narrow columns
    the conditions and the order need, so the database orders thousands of matches
    through the (sort_key, search_text) index without reading the wide rows."""
    ids = sa.select(Initiative.id)
    if _needs_unit(params, scope) or params.sort == "unit":
        ids = ids.join(Initiative.unit)
    ids = ids.where(*_initiative_conditions(params, scope, public=public, in_order=True))
    # SQLite keeps walking (sort_key, search_text), testing the search on each entry.
    postgres_search = bool(params.q) and db.session.get_bind().dialect.name == "postgresql"
    return ids.order_by(*_initiative_order(params, filter_first=postgres_search))


def initiatives_select(
    params: ListParams, scope: list[str] | None = None, *, public: bool = False
) -> sa.Select:
    """SELECT of initiatives matching ``params`` inside ``scope`` (path prefixes, None
    for everything); ``public`` keeps only those recognised or outstanding in some year
    (in the chosen year when one is given)."""
    stmt = sa.select(Initiative).join(Initiative.unit)
    stmt = stmt.where(*_initiative_conditions(params, scope, public=public))
    return stmt.order_by(*_initiative_order(params))


def initiatives_count_select(
    params: ListParams, scope: list[str] | None = None, *, public: bool = False, cap=None
) -> sa.Select:
    """SELECT of how many initiatives match (ids only; at most ``cap`` + 1 counted)."""
    ids = sa.select(Initiative.id)
    if _needs_unit(params, scope):
        ids = ids.join(Initiative.unit)
    ids = ids.where(*_initiative_conditions(params, scope, public=public))
    if cap is not None:
        ids = ids.limit(cap + 1)
    return sa.select(sa.func.count()).select_from(ids.subquery())


def _initiative_order(params: ListParams, *, filter_first: bool = False) -> list:
    """ORDER BY of a list. ``filter_first`` orders by ``sort_key || ''`` (same values,
    same byte order) that no index delivers: PostgreSQL then finds the matches of a
    search through the trigram index and sorts them, instead of walking the whole
    name index in the hope of meeting 50 matches early (319 ms for "duong hoa",
    whose matches sit at the end of the alphabet, against ~15 ms)."""
    desc = params.dir == "desc"
    name = Initiative.sort_key
    if filter_first:
        name = sa.func.concat(Initiative.sort_key, "").collate("C")

    def d(col):
        return col.desc() if desc else col.asc()

    if params.sort == "year":
        return [d(Initiative.first_year), name, Initiative.id]
    if params.sort == "unit":
        return [d(Unit.sort_key), name, Initiative.id]
    return [d(name), Initiative.id]


def with_list_loads(stmt: sa.Select) -> sa.Select:
    """Eager loads for a list page: unit and field joined, the years in one more query."""
    # The unit is already joined (scope, unit filter, sort): fill it from that join.
    return stmt.options(
        contains_eager(Initiative.unit),
        joinedload(Initiative.field),
        selectinload(Initiative.years),
        selectinload(Initiative.priority_areas),
    )


class CountedPagination(SelectPagination):
    """A page of ``select`` whose total comes from ``count_select`` (ids only, maybe
    capped) instead of a count over a subquery of every column. ``capped`` is True
    when more rows match than the cap: the page then says "more than N"."""

    def _query_count(self) -> int:
        total = self._query_args["session"].execute(self._query_args["count_select"]).scalar()
        cap = self._query_args.get("cap")
        self.capped = cap is not None and total > cap
        return total

    capped = False


class IdsFirstPagination(CountedPagination):
    """A ``CountedPagination`` whose page is read in two steps within one statement:
    the shown ids (``ids_select`` limited to the page), then those rows with their
    loads (``select`` restricted to them, in the same order)."""

    def _query_items(self) -> list:
        ids = self._query_args["ids_select"].limit(self.per_page).offset(self._query_offset)
        stmt = self._query_args["select"].where(Initiative.id.in_(ids))
        return list(self._query_args["session"].execute(stmt).unique().scalars())


# Lists show the name, unit, field and years: the long texts stay in the database.
LIST_COLUMNS = (
    Initiative.id,
    Initiative.name,
    Initiative.unit_id,
    Initiative.field_id,
    Initiative.first_year,
    Initiative.version,
)


def initiative_page(
    params: ListParams, scope, *, per_page: int, public: bool = False, count_cap=None
):
    # The 50 shown rows, in list order; which 50 is decided by ``ids_select``.
    stmt = (
        sa.select(Initiative)
        .join(Initiative.unit)
        .order_by(*_initiative_order(params))
        .options(load_only(*LIST_COLUMNS))
    )
    return IdsFirstPagination(
        select=with_list_loads(stmt),
        ids_select=initiative_page_ids(params, scope, public=public),
        session=db.session(),
        count_select=initiatives_count_select(params, scope, public=public, cap=count_cap),
        cap=count_cap,
        page=params.page,
        per_page=per_page,
        error_out=False,
    )


def initiatives_export_select(params: ListParams, scope, *, public: bool = False) -> sa.Select:
    """The list's SELECT with its loads, for an export (dankheo.exports.fetch caps it)."""
    return with_list_loads(initiatives_select(params, scope, public=public))


def initiative_detail(initiative_id: int) -> Initiative | None:
    return db.session.scalar(
        sa.select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.unit),
            joinedload(Initiative.field),
            joinedload(Initiative.replicated_from),
            selectinload(Initiative.years).joinedload(InitiativeYear.unit),
            selectinload(Initiative.priority_areas),
            selectinload(Initiative.replications).joinedload(Initiative.unit),
        )
    )


def evidence_of(*, initiative: Initiative | None = None, exemplar: Exemplar | None = None):
    stmt = sa.select(Evidence).order_by(Evidence.uploaded_at, Evidence.id)
    if initiative is not None:
        stmt = stmt.where(Evidence.initiative_id == initiative.id)
    else:
        stmt = stmt.where(Evidence.exemplar_id == exemplar.id)
    return list(db.session.scalars(stmt))


def evidence_owner(row: Evidence) -> Initiative | Exemplar | None:
    if row.initiative_id:
        return db.session.get(Initiative, row.initiative_id)
    return db.session.get(Exemplar, row.exemplar_id)


def nominations_of(initiative: Initiative) -> list:
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .where(Nomination.initiative_id == initiative.id)
            .options(joinedload(Nomination.campaign), joinedload(Nomination.award_type))
            .order_by(Nomination.id)
        )
    )


def exemplars_leading(initiative: Initiative) -> list[Exemplar]:
    return list(
        db.session.scalars(
            sa.select(Exemplar)
            .where(Exemplar.initiatives.any(Initiative.id == initiative.id))
            .order_by(Exemplar.year, Exemplar.sort_key)
        )
    )


def initiative_choices(
    scope, *, include_public: bool = False, limit: int = 2000
) -> list[tuple[int, str]]:
    """(id, "name – unit") of initiatives in ``scope`` (and, with ``include_public``,
    every publicly recognised one), for "replicated from" and the initiatives an
    exemplar leads."""
    stmt = (
        sa.select(Initiative.id, Initiative.name, Unit.name)
        .join(Initiative.unit)
        .order_by(Initiative.sort_key, Initiative.id)
        .limit(limit)
    )
    if scope is not None:
        visible = within_prefixes(Unit.path, scope)
        if include_public:
            visible = sa.or_(visible, _is_public())
        stmt = stmt.where(visible)
    return [(i, f"{n} – {u}") for i, n, u in db.session.execute(stmt)]


# --- exemplars --------------------------------------------------------------------------


def exemplars_select(params: ListParams, scope) -> sa.Select:
    stmt = sa.select(Exemplar).join(Exemplar.unit)
    if scope is not None:
        stmt = stmt.where(within_prefixes(Unit.path, scope))
    if params.q:
        stmt = stmt.where(Exemplar.search_text.like(search_pattern(params.q), escape="\\"))
    if params.year:
        stmt = stmt.where(Exemplar.year == params.year)
    if params.field:
        stmt = stmt.where(Exemplar.field_id == params.field)
    if params.kind:
        stmt = stmt.where(Exemplar.kind == params.kind)
    if params.area:
        stmt = stmt.where(_in_priority_area(Exemplar.id, exemplar_priority_areas, params.area))
    if params.unit:
        stmt = stmt.where(_unit_filter(params.unit))
    desc = params.dir == "desc"
    if params.sort == "year":
        order = [Exemplar.year.desc() if desc else Exemplar.year, Exemplar.sort_key]
    elif params.sort == "unit":
        order = [Unit.sort_key.desc() if desc else Unit.sort_key, Exemplar.sort_key]
    else:
        order = [Exemplar.sort_key.desc() if desc else Exemplar.sort_key]
    return stmt.order_by(*order, Exemplar.id)


def exemplars_list_select(params: ListParams, scope) -> sa.Select:
    """``exemplars_select`` with what the list shows loaded (the page and its export)."""
    return exemplars_select(params, scope).options(
        contains_eager(Exemplar.unit),
        joinedload(Exemplar.field),
        selectinload(Exemplar.initiatives),
        selectinload(Exemplar.priority_areas),
    )


def exemplar_page(params: ListParams, scope, *, per_page: int):
    stmt = exemplars_list_select(params, scope)
    return db.paginate(stmt, page=params.page, per_page=per_page, error_out=False)


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


# --- units ------------------------------------------------------------------------------


def units_in_scope(scope, levels: int | None = None) -> list[Unit]:
    """Units under ``scope``; with ``levels``, only that many levels from the top of the
    scope (filters need provinces, districts and communes, not every village)."""
    stmt = sa.select(Unit).order_by(Unit.path)
    if scope is not None:
        stmt = stmt.where(within_prefixes(Unit.path, scope))
    if levels is not None:
        top = min((p.count("/") - 2 for p in scope), default=0) if scope is not None else 0
        stmt = stmt.where(Unit.depth < top + levels)
    return list(db.session.scalars(stmt))


def unit_choices(scope, levels: int | None = None) -> list[tuple[int, str]]:
    """Units for a select box, in tree order and indented by depth so the tree reads at
    a glance."""
    units = in_tree_order(units_in_scope(scope, levels))
    # Indented by the level in the list shown: a predecessor outside the user's own
    # subtree starts a branch of its own, whatever its depth in the tree.
    level: dict[int, int] = {}
    out = []
    for u in units:
        level[u.id] = level[u.parent_id] + 1 if u.parent_id in level else 0
        label = "— " * level[u.id] + u.name
        if u.valid_to is not None:
            label += f" (đến {u.valid_to.strftime('%d/%m/%Y')})"
        out.append((u.id, label))
    return out
